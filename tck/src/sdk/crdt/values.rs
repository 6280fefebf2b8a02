//! Builders for what the CRDT cases talk about: the model's update operations, the protocol's deltas, and
//! the model's states. Set elements, register values and map keys are strings.

use cloudstate_protocol::cloudstate::crdt::{
    CrdtClock, CrdtDelta, FlagDelta, GCounterDelta, GSetDelta, LwwRegisterDelta, OrMapDelta,
    OrMapEntryDelta, OrSetDelta, PnCounterDelta, VoteDelta, crdt_delta,
};
use cloudstate_protocol::cloudstate::tck::model::crdt::{
    FlagUpdate, FlagValue, GCounterUpdate, GCounterValue, GSetUpdate, GSetValue, LwwRegisterClock,
    LwwRegisterClockType, LwwRegisterUpdate, LwwRegisterValue, OrMapEntryUpdate, OrMapEntryValue,
    OrMapUpdate, OrMapValue, OrSetUpdate, OrSetValue, PnCounterUpdate, PnCounterValue, State,
    Update, UpdateWriteConsistency, VoteUpdate, VoteValue, or_map_update, or_set_update, state,
    update,
};
use prost::Message as _;
use prost_types::Any;

/// The type URL of a primitive string.
const STRING_TYPE_URL: &str = "p.cloudstate.io/string";

/// A string as a primitive-string `Any`: the string as field 1, so `""` is no bytes at all.
pub(super) fn primitive_string(value: &str) -> Any {
    Any {
        type_url: STRING_TYPE_URL.to_owned(),
        value: value.to_owned().encode_to_vec(),
    }
}

fn strings(values: &[&str]) -> Vec<Any> {
    values.iter().map(|value| primitive_string(value)).collect()
}

fn operation(operation: update::Update) -> Update {
    Update {
        update: Some(operation),
        write_consistency: UpdateWriteConsistency::Local.into(),
    }
}

/// `update`, asking for this write consistency.
pub(super) fn with_consistency(mut update: Update, consistency: UpdateWriteConsistency) -> Update {
    update.write_consistency = consistency.into();
    update
}

/// `gcounter{increment}`.
pub(super) fn increment(increment: u64) -> Update {
    operation(update::Update::Gcounter(GCounterUpdate { increment }))
}

/// `pncounter{change}`.
pub(super) fn change(change: i64) -> Update {
    operation(update::Update::Pncounter(PnCounterUpdate { change }))
}

/// `gset{add}`.
pub(super) fn gset_add(element: &str) -> Update {
    operation(update::Update::Gset(GSetUpdate {
        add: element.to_owned(),
    }))
}

fn orset_operation(action: or_set_update::Action) -> Update {
    operation(update::Update::Orset(OrSetUpdate {
        action: Some(action),
    }))
}

/// `orset{add}`.
pub(super) fn orset_add(element: &str) -> Update {
    orset_operation(or_set_update::Action::Add(element.to_owned()))
}

/// `orset{remove}`.
pub(super) fn orset_remove(element: &str) -> Update {
    orset_operation(or_set_update::Action::Remove(element.to_owned()))
}

/// `orset{clear: true}`.
pub(super) fn orset_clear() -> Update {
    orset_operation(or_set_update::Action::Clear(true))
}

/// `lwwregister{value}` with the default clock.
pub(super) fn lww_set(value: &str) -> Update {
    lww_set_with(value, LwwRegisterClockType::Default, 0)
}

/// `lwwregister{value, clock{clock_type, custom_clock_value}}`.
pub(super) fn lww_set_with(value: &str, clock: LwwRegisterClockType, custom: i64) -> Update {
    operation(update::Update::Lwwregister(LwwRegisterUpdate {
        value: value.to_owned(),
        clock: Some(LwwRegisterClock {
            clock_type: clock.into(),
            custom_clock_value: custom,
        }),
    }))
}

/// `flag{}`: enable the flag.
pub(super) fn flag_enable() -> Update {
    operation(update::Update::Flag(FlagUpdate {}))
}

/// `vote{self_vote}`.
pub(super) fn vote(self_vote: bool) -> Update {
    operation(update::Update::Vote(VoteUpdate { self_vote }))
}

fn ormap_operation(action: or_map_update::Action) -> Update {
    operation(update::Update::Ormap(Box::new(OrMapUpdate {
        action: Some(action),
    })))
}

/// `ormap{add: key}`.
pub(super) fn ormap_add(key: &str) -> Update {
    ormap_operation(or_map_update::Action::Add(key.to_owned()))
}

/// `ormap{update{key, update}}`: `nested` applied to the value under `key`.
pub(super) fn ormap_update(key: &str, nested: Update) -> Update {
    ormap_operation(or_map_update::Action::Update(Box::new(OrMapEntryUpdate {
        key: key.to_owned(),
        update: Some(Box::new(nested)),
    })))
}

/// `ormap{remove: key}`.
pub(super) fn ormap_remove(key: &str) -> Update {
    ormap_operation(or_map_update::Action::Remove(key.to_owned()))
}

/// `ormap{clear: true}`.
pub(super) fn ormap_clear() -> Update {
    ormap_operation(or_map_update::Action::Clear(true))
}

fn delta(delta: crdt_delta::Delta) -> CrdtDelta {
    CrdtDelta { delta: Some(delta) }
}

/// `GCounterDelta{increment}`.
pub(super) fn gcounter_delta(increment: u64) -> CrdtDelta {
    delta(crdt_delta::Delta::Gcounter(GCounterDelta { increment }))
}

/// `PNCounterDelta{change}`.
pub(super) fn pncounter_delta(change: i64) -> CrdtDelta {
    delta(crdt_delta::Delta::Pncounter(PnCounterDelta { change }))
}

/// `GSetDelta{added}`.
pub(super) fn gset_delta(added: &[&str]) -> CrdtDelta {
    delta(crdt_delta::Delta::Gset(GSetDelta {
        added: strings(added),
    }))
}

/// `ORSetDelta{cleared, removed, added}`.
pub(super) fn orset_delta(cleared: bool, removed: &[&str], added: &[&str]) -> CrdtDelta {
    delta(crdt_delta::Delta::Orset(OrSetDelta {
        cleared,
        removed: strings(removed),
        added: strings(added),
    }))
}

/// `ORSetDelta{added}`.
pub(super) fn orset_added(added: &[&str]) -> CrdtDelta {
    orset_delta(false, &[], added)
}

/// `LWWRegisterDelta{value}` with the default clock.
pub(super) fn lww_delta(value: &str) -> CrdtDelta {
    lww_delta_with(value, CrdtClock::Default, 0)
}

/// `LWWRegisterDelta{value, clock, custom_clock_value}`.
pub(super) fn lww_delta_with(value: &str, clock: CrdtClock, custom: i64) -> CrdtDelta {
    delta(crdt_delta::Delta::Lwwregister(LwwRegisterDelta {
        value: Some(primitive_string(value)),
        clock: clock.into(),
        custom_clock_value: custom,
    }))
}

/// `FlagDelta{value}`.
pub(super) fn flag_delta(value: bool) -> CrdtDelta {
    delta(crdt_delta::Delta::Flag(FlagDelta { value }))
}

/// `VoteDelta{self_vote, votes_for, total_voters}`; a user function sets only `self_vote`.
pub(super) fn vote_delta(self_vote: bool, votes_for: i32, total_voters: i32) -> CrdtDelta {
    delta(crdt_delta::Delta::Vote(VoteDelta {
        self_vote,
        votes_for,
        total_voters,
    }))
}

/// An `ORMapDelta`, built up entry by entry.
#[derive(Debug, Clone, Default)]
pub(super) struct MapDelta(OrMapDelta);

impl MapDelta {
    fn entry(key: &str, delta: CrdtDelta) -> OrMapEntryDelta {
        OrMapEntryDelta {
            key: Some(primitive_string(key)),
            delta: Some(delta),
        }
    }

    /// With `cleared` set.
    pub(super) fn cleared(mut self) -> Self {
        self.0.cleared = true;
        self
    }

    /// With these keys removed.
    pub(super) fn removed(mut self, keys: &[&str]) -> Self {
        self.0.removed.extend(strings(keys));
        self
    }

    /// With `key` updated by `delta`.
    pub(super) fn updated(mut self, key: &str, delta: CrdtDelta) -> Self {
        self.0.updated.push(Self::entry(key, delta));
        self
    }

    /// With `key` added, its value given by `delta`.
    pub(super) fn added(mut self, key: &str, delta: CrdtDelta) -> Self {
        self.0.added.push(Self::entry(key, delta));
        self
    }

    /// The delta.
    pub(super) fn delta(self) -> CrdtDelta {
        delta(crdt_delta::Delta::Ormap(self.0))
    }
}

fn state(value: state::Value) -> State {
    State { value: Some(value) }
}

/// A GCounter's state.
pub(super) fn gcounter(value: u64) -> State {
    state(state::Value::Gcounter(GCounterValue { value }))
}

/// A PNCounter's state.
pub(super) fn pncounter(value: i64) -> State {
    state(state::Value::Pncounter(PnCounterValue { value }))
}

/// A GSet's state; `elements` sorted.
pub(super) fn gset(elements: &[&str]) -> State {
    state(state::Value::Gset(GSetValue {
        elements: elements.iter().map(|e| (*e).to_owned()).collect(),
    }))
}

/// An ORSet's state; `elements` sorted.
pub(super) fn orset(elements: &[&str]) -> State {
    state(state::Value::Orset(OrSetValue {
        elements: elements.iter().map(|e| (*e).to_owned()).collect(),
    }))
}

/// An LWWRegister's state.
pub(super) fn lww(value: &str) -> State {
    state(state::Value::Lwwregister(LwwRegisterValue {
        value: value.to_owned(),
    }))
}

/// A Flag's state.
pub(super) fn flag(value: bool) -> State {
    state(state::Value::Flag(FlagValue { value }))
}

/// An ORMap's state; `entries` sorted by key.
pub(super) fn ormap(entries: Vec<(&str, State)>) -> State {
    state(state::Value::Ormap(OrMapValue {
        entries: entries
            .into_iter()
            .map(|(key, value)| OrMapEntryValue {
                key: key.to_owned(),
                value: Some(value),
            })
            .collect(),
    }))
}

/// A Vote's state.
pub(super) fn vote_state(self_vote: bool, votes_for: i32, total_voters: i32) -> State {
    state(state::Value::Vote(VoteValue {
        self_vote,
        votes_for,
        total_voters,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn primitive_strings_encode_the_empty_string_as_no_bytes() {
        assert_eq!(primitive_string("").value, Vec::<u8>::new());
        assert_eq!(primitive_string("a").value, vec![0x0a, 0x01, b'a']);
        assert_eq!(primitive_string("a").type_url, "p.cloudstate.io/string");
    }

    #[test]
    fn a_new_counter_entry_is_an_encoded_zero_delta() {
        let encoded = pncounter_delta(0).encode_to_vec();
        // Field 2 (pncounter), an empty message: the oneof case is on the wire even at zero.
        assert_eq!(encoded, vec![0x12, 0x00]);
    }
}
