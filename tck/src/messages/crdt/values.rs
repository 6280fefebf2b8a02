//! CRDT values in the two forms the messages carry them: the protocol's deltas (set elements, register
//! values and map keys as primitive strings) and the model's states (the same as plain strings), with
//! the model's `Response` that carries a state.

use cloudstate_protocol::cloudstate::crdt::{
    CrdtClock, CrdtDelta, FlagDelta, GCounterDelta, GSetDelta, LwwRegisterDelta, OrMapDelta,
    OrMapEntryDelta, OrSetDelta, PnCounterDelta, VoteDelta, crdt_delta,
};
use cloudstate_protocol::cloudstate::tck::model::crdt::{
    FlagValue, GCounterValue, GSetValue, LwwRegisterValue, OrMapEntryValue, OrMapValue, OrSetValue,
    PnCounterValue, Response, State, VoteValue, state,
};
use prost::Message as _;
use prost_types::Any;

/// The type URL of a primitive string.
pub(crate) const STRING_TYPE_URL: &str = "p.cloudstate.io/string";

/// A string as a primitive-string `Any` (CRDT-017): the string as field 1, so `""` is no bytes at all.
pub(crate) fn primitive_string(value: &str) -> Any {
    Any {
        type_url: STRING_TYPE_URL.to_owned(),
        value: value.to_owned().encode_to_vec(),
    }
}

/// Each string as a primitive string, in order.
fn strings(values: &[&str]) -> Vec<Any> {
    values.iter().map(|value| primitive_string(value)).collect()
}

/// A delta of this kind.
fn delta(delta: crdt_delta::Delta) -> CrdtDelta {
    CrdtDelta { delta: Some(delta) }
}

/// `GCounterDelta{increment}`.
pub(crate) fn gcounter_delta(increment: u64) -> CrdtDelta {
    delta(crdt_delta::Delta::Gcounter(GCounterDelta { increment }))
}

/// `PNCounterDelta{change}`.
pub(crate) fn pncounter_delta(change: i64) -> CrdtDelta {
    delta(crdt_delta::Delta::Pncounter(PnCounterDelta { change }))
}

/// `GSetDelta{added}`.
pub(crate) fn gset_delta(added: &[&str]) -> CrdtDelta {
    delta(crdt_delta::Delta::Gset(GSetDelta {
        added: strings(added),
    }))
}

/// `ORSetDelta{cleared, removed, added}`.
pub(crate) fn orset_delta(cleared: bool, removed: &[&str], added: &[&str]) -> CrdtDelta {
    delta(crdt_delta::Delta::Orset(OrSetDelta {
        cleared,
        removed: strings(removed),
        added: strings(added),
    }))
}

/// `ORSetDelta{added}`.
pub(crate) fn orset_added(added: &[&str]) -> CrdtDelta {
    orset_delta(false, &[], added)
}

/// `LWWRegisterDelta{value}` with the default clock.
pub(crate) fn lww_delta(value: &str) -> CrdtDelta {
    lww_delta_with(value, CrdtClock::Default, 0)
}

/// `LWWRegisterDelta{value, clock, custom_clock_value}`.
pub(crate) fn lww_delta_with(value: &str, clock: CrdtClock, custom: i64) -> CrdtDelta {
    delta(crdt_delta::Delta::Lwwregister(LwwRegisterDelta {
        value: Some(primitive_string(value)),
        clock: clock.into(),
        custom_clock_value: custom,
    }))
}

/// `FlagDelta{value}`.
pub(crate) fn flag_delta(value: bool) -> CrdtDelta {
    delta(crdt_delta::Delta::Flag(FlagDelta { value }))
}

/// `VoteDelta{self_vote, votes_for, total_voters}`; a user function sets only `self_vote`.
pub(crate) fn vote_delta(self_vote: bool, votes_for: i32, total_voters: i32) -> CrdtDelta {
    delta(crdt_delta::Delta::Vote(VoteDelta {
        self_vote,
        votes_for,
        total_voters,
    }))
}

/// An `ORMapDelta`, built up entry by entry.
#[derive(Debug, Clone, Default)]
pub(crate) struct MapDelta(OrMapDelta);

impl MapDelta {
    /// The entry of `key`, changed by `delta`.
    fn entry(key: &str, delta: CrdtDelta) -> OrMapEntryDelta {
        OrMapEntryDelta {
            key: Some(primitive_string(key)),
            delta: Some(delta),
        }
    }

    /// With `cleared` set.
    pub(crate) fn cleared(mut self) -> Self {
        self.0.cleared = true;
        self
    }

    /// With these keys removed.
    pub(crate) fn removed(mut self, keys: &[&str]) -> Self {
        self.0.removed.extend(strings(keys));
        self
    }

    /// With `key` updated by `delta`.
    pub(crate) fn updated(mut self, key: &str, delta: CrdtDelta) -> Self {
        self.0.updated.push(Self::entry(key, delta));
        self
    }

    /// With `key` added, its value given by `delta`.
    pub(crate) fn added(mut self, key: &str, delta: CrdtDelta) -> Self {
        self.0.added.push(Self::entry(key, delta));
        self
    }

    /// Whether the delta changes nothing: no clear, and no key removed, updated or added.
    pub(crate) fn is_empty(&self) -> bool {
        let map = &self.0;
        !map.cleared && map.removed.is_empty() && map.updated.is_empty() && map.added.is_empty()
    }

    /// The delta.
    pub(crate) fn delta(self) -> CrdtDelta {
        delta(crdt_delta::Delta::Ormap(self.0))
    }
}

/// A state of this kind.
fn with_value(value: state::Value) -> State {
    State { value: Some(value) }
}

/// A GCounter's state.
pub(crate) fn gcounter(value: u64) -> State {
    with_value(state::Value::Gcounter(GCounterValue { value }))
}

/// A PNCounter's state.
pub(crate) fn pncounter(value: i64) -> State {
    with_value(state::Value::Pncounter(PnCounterValue { value }))
}

/// A GSet's state; `elements` sorted, as the model gives them.
pub(crate) fn gset(elements: &[&str]) -> State {
    with_value(state::Value::Gset(GSetValue {
        elements: elements.iter().map(|e| (*e).to_owned()).collect(),
    }))
}

/// An ORSet's state; `elements` sorted, as the model gives them.
pub(crate) fn orset(elements: &[&str]) -> State {
    with_value(state::Value::Orset(OrSetValue {
        elements: elements.iter().map(|e| (*e).to_owned()).collect(),
    }))
}

/// An LWWRegister's state.
pub(crate) fn lww(value: &str) -> State {
    with_value(state::Value::Lwwregister(LwwRegisterValue {
        value: value.to_owned(),
    }))
}

/// A Flag's state.
pub(crate) fn flag(value: bool) -> State {
    with_value(state::Value::Flag(FlagValue { value }))
}

/// An ORMap's state; `entries` sorted by key, as the model gives them.
pub(crate) fn ormap<'a>(entries: impl IntoIterator<Item = (&'a str, State)>) -> State {
    with_value(state::Value::Ormap(OrMapValue {
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
pub(crate) fn vote_state(self_vote: bool, votes_for: i32, total_voters: i32) -> State {
    with_value(state::Value::Vote(VoteValue {
        self_vote,
        votes_for,
        total_voters,
    }))
}

/// `Response{state}`: what the client of a `Process` call gets.
pub(crate) fn response(state: State) -> Response {
    Response { state: Some(state) }
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

    #[test]
    fn a_map_delta_is_empty_until_something_changes() {
        assert!(MapDelta::default().is_empty());
        assert!(!MapDelta::default().cleared().is_empty());
        assert!(!MapDelta::default().removed(&["k"]).is_empty());
        let added = MapDelta::default().added("Flag-1", flag_delta(false));
        assert!(!added.is_empty());
        let Some(crdt_delta::Delta::Ormap(map)) = added.delta().delta else {
            panic!("not a map delta");
        };
        assert_eq!(map.added[0].key, Some(primitive_string("Flag-1")));
    }
}
