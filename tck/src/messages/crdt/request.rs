//! The CRDT model's requests: the full names of its messages, its command names, and builders of its
//! `Request`, of the actions a request carries and of the update operations an action carries. Set
//! elements, register values and map keys are strings.

use crate::messages::entity_request::entity_request_builders;
use cloudstate_protocol::cloudstate::tck::model::crdt::{
    Delete, Effect, Fail, FlagUpdate, Forward, GCounterUpdate, GSetUpdate, LwwRegisterClock,
    LwwRegisterClockType, LwwRegisterUpdate, OrMapEntryUpdate, OrMapUpdate, OrSetUpdate,
    PnCounterUpdate, Request, RequestAction, Update, UpdateWriteConsistency, VoteUpdate,
    or_map_update, or_set_update, request_action, update,
};

/// Full name of the model's request message.
pub(crate) const REQUEST: &str = "cloudstate.tck.model.crdt.Request";
/// Full name of the model's streamed request message.
pub(crate) const STREAMED_REQUEST: &str = "cloudstate.tck.model.crdt.StreamedRequest";
/// Full name of the model's response message.
pub(crate) const RESPONSE: &str = "cloudstate.tck.model.crdt.Response";

/// The command of `CrdtTckModel` that runs a request's actions.
pub(crate) const PROCESS: &str = "Process";
/// The streamed command of `CrdtTckModel`.
pub(crate) const PROCESS_STREAMED: &str = "ProcessStreamed";
/// The command of `CrdtTwo` and `CrdtConfigured`, which forwards and side effects call.
pub(crate) const CALL: &str = "Call";

/// The failure message the cases ask the model to fail with.
pub(crate) const EXPECTED_FAILURE: &str = "expected failure";

entity_request_builders!();

/// The action `Update{update}`.
pub(crate) fn update_action(update: Update) -> RequestAction {
    action(request_action::Action::Update(update))
}

/// One `Update` action per update, in order.
pub(crate) fn updates(updates: impl IntoIterator<Item = Update>) -> Vec<RequestAction> {
    updates.into_iter().map(update_action).collect()
}

/// The action `Delete{}`.
pub(crate) fn delete() -> RequestAction {
    action(request_action::Action::Delete(Delete {}))
}

/// An update of this operation, asking for a `LOCAL` write.
fn operation(operation: update::Update) -> Update {
    Update {
        update: Some(operation),
        write_consistency: UpdateWriteConsistency::Local.into(),
    }
}

/// `update`, asking for this write consistency.
pub(crate) fn with_consistency(mut update: Update, consistency: UpdateWriteConsistency) -> Update {
    update.write_consistency = consistency.into();
    update
}

/// `gcounter{increment}`.
pub(crate) fn increment(increment: u64) -> Update {
    operation(update::Update::Gcounter(GCounterUpdate { increment }))
}

/// `pncounter{change}`.
pub(crate) fn change(change: i64) -> Update {
    operation(update::Update::Pncounter(PnCounterUpdate { change }))
}

/// `gset{add}`.
pub(crate) fn gset_add(element: &str) -> Update {
    operation(update::Update::Gset(GSetUpdate {
        add: element.to_owned(),
    }))
}

/// An ORSet update of this action.
fn orset_operation(action: or_set_update::Action) -> Update {
    operation(update::Update::Orset(OrSetUpdate {
        action: Some(action),
    }))
}

/// `orset{add}`.
pub(crate) fn orset_add(element: &str) -> Update {
    orset_operation(or_set_update::Action::Add(element.to_owned()))
}

/// `orset{remove}`.
pub(crate) fn orset_remove(element: &str) -> Update {
    orset_operation(or_set_update::Action::Remove(element.to_owned()))
}

/// `orset{clear: true}`.
pub(crate) fn orset_clear() -> Update {
    orset_operation(or_set_update::Action::Clear(true))
}

/// `lwwregister{value}` with the default clock.
pub(crate) fn lww_set(value: &str) -> Update {
    lww_set_with(value, LwwRegisterClockType::Default, 0)
}

/// `lwwregister{value, clock{clock_type, custom_clock_value}}`.
pub(crate) fn lww_set_with(value: &str, clock: LwwRegisterClockType, custom: i64) -> Update {
    operation(update::Update::Lwwregister(LwwRegisterUpdate {
        value: value.to_owned(),
        clock: Some(LwwRegisterClock {
            clock_type: clock.into(),
            custom_clock_value: custom,
        }),
    }))
}

/// `flag{}`: enable the flag.
pub(crate) fn flag_enable() -> Update {
    operation(update::Update::Flag(FlagUpdate {}))
}

/// `vote{self_vote}`.
pub(crate) fn vote(self_vote: bool) -> Update {
    operation(update::Update::Vote(VoteUpdate { self_vote }))
}

/// An ORMap update of this action.
fn ormap_operation(action: or_map_update::Action) -> Update {
    operation(update::Update::Ormap(Box::new(OrMapUpdate {
        action: Some(action),
    })))
}

/// `ormap{add: key}`.
pub(crate) fn ormap_add(key: &str) -> Update {
    ormap_operation(or_map_update::Action::Add(key.to_owned()))
}

/// `ormap{update{key, update}}`: `nested` applied to the value under `key` (its write consistency is
/// not read).
pub(crate) fn ormap_update(key: &str, nested: Update) -> Update {
    ormap_operation(or_map_update::Action::Update(Box::new(OrMapEntryUpdate {
        key: key.to_owned(),
        update: Some(Box::new(nested)),
    })))
}

/// `ormap{remove: key}`.
pub(crate) fn ormap_remove(key: &str) -> Update {
    ormap_operation(or_map_update::Action::Remove(key.to_owned()))
}

/// `ormap{clear: true}`.
pub(crate) fn ormap_clear() -> Update {
    ormap_operation(or_map_update::Action::Clear(true))
}

#[cfg(test)]
mod tests {
    use prost::Message as _;

    use super::*;

    #[test]
    fn updates_ask_for_local_writes_unless_told() {
        assert_eq!(increment(1).write_consistency, 0);
        let all = with_consistency(increment(1), UpdateWriteConsistency::All);
        assert_eq!(all.write_consistency, 2);
        // Field 1 (gcounter) holding field 1 (increment) = 1; the local write consistency is no bytes.
        assert_eq!(increment(1).encode_to_vec(), vec![0x0a, 0x02, 0x08, 0x01]);
    }

    #[test]
    fn a_request_keeps_its_actions_in_order() {
        let built = request("e", vec![effect("t", true), forward_to("t"), delete()]);
        let kinds: Vec<_> = built
            .actions
            .iter()
            .map(|action| match action.action {
                Some(request_action::Action::Effect(_)) => "effect",
                Some(request_action::Action::Forward(_)) => "forward",
                Some(request_action::Action::Delete(_)) => "delete",
                _ => "other",
            })
            .collect();
        assert_eq!(kinds, ["effect", "forward", "delete"]);
        assert_eq!(built.id, "e");
    }
}
