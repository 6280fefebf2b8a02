//! The model's side of the proxy-mode CRDT cases: the requests a client sends, and the states and
//! deltas the model answers with.

use cloudstate_protocol::cloudstate::crdt::{
    CrdtDelta, GCounterDelta, GSetDelta, PnCounterDelta, VoteDelta, crdt_delta,
};
use cloudstate_protocol::cloudstate::tck::model::crdt::{
    Delete, Effect, Fail, Forward, GCounterUpdate, GCounterValue, GSetUpdate, GSetValue,
    PnCounterUpdate, PnCounterValue, Request, RequestAction, Response, State, Update, VoteUpdate,
    VoteValue, request_action, state, update,
};
use prost::Message as _;
use prost_types::Any;

/// `Request{id, actions}`.
pub(super) fn request(id: &str, actions: Vec<RequestAction>) -> Request {
    Request {
        id: id.to_owned(),
        actions,
    }
}

fn action(action: request_action::Action) -> RequestAction {
    RequestAction {
        action: Some(action),
    }
}

fn update_action(update: update::Update) -> RequestAction {
    action(request_action::Action::Update(Update {
        write_consistency: 0,
        update: Some(update),
    }))
}

/// One PNCounter `change` action per value, in order.
pub(super) fn pncounter_changes(changes: &[i64]) -> Vec<RequestAction> {
    changes
        .iter()
        .map(|&change| update_action(update::Update::Pncounter(PnCounterUpdate { change })))
        .collect()
}

/// The GCounter action `increment`.
pub(super) fn gcounter_increment(increment: u64) -> RequestAction {
    update_action(update::Update::Gcounter(GCounterUpdate { increment }))
}

/// The GSet action `add`.
pub(super) fn gset_add(element: &str) -> RequestAction {
    update_action(update::Update::Gset(GSetUpdate {
        add: element.to_owned(),
    }))
}

/// The Vote update `self_vote`.
pub(super) fn vote_update(self_vote: bool) -> Update {
    Update {
        write_consistency: 0,
        update: Some(update::Update::Vote(VoteUpdate { self_vote })),
    }
}

/// The action `Delete{}`.
pub(super) fn delete() -> RequestAction {
    action(request_action::Action::Delete(Delete {}))
}

/// The action `Forward{id}`.
pub(super) fn forward_to(id: &str) -> RequestAction {
    action(request_action::Action::Forward(Forward {
        id: id.to_owned(),
    }))
}

/// The action `Effect{id, synchronous}`.
pub(super) fn effect(id: &str, synchronous: bool) -> RequestAction {
    action(request_action::Action::Effect(Effect {
        id: id.to_owned(),
        synchronous,
    }))
}

/// The action `Fail{message}`.
pub(super) fn fail(message: &str) -> RequestAction {
    action(request_action::Action::Fail(Fail {
        message: message.to_owned(),
    }))
}

fn with_state(value: state::Value) -> Response {
    Response {
        state: Some(State { value: Some(value) }),
    }
}

/// `Response` with a PNCounter's value.
pub(super) fn pncounter(value: i64) -> Response {
    with_state(state::Value::Pncounter(PnCounterValue { value }))
}

/// `Response` with a GCounter's value.
pub(super) fn gcounter(value: u64) -> Response {
    with_state(state::Value::Gcounter(GCounterValue { value }))
}

/// `Response` with a GSet's elements (sorted, as the model gives them).
pub(super) fn gset(elements: &[&str]) -> Response {
    with_state(state::Value::Gset(GSetValue {
        elements: elements.iter().map(|&element| element.to_owned()).collect(),
    }))
}

/// `Response` with a Vote's three fields.
pub(super) fn vote(self_vote: bool, votes_for: i32, total_voters: i32) -> Response {
    with_state(state::Value::Vote(VoteValue {
        self_vote,
        votes_for,
        total_voters,
    }))
}

fn delta(delta: crdt_delta::Delta) -> CrdtDelta {
    CrdtDelta { delta: Some(delta) }
}

/// `PNCounterDelta{change}`.
pub(super) fn pncounter_delta(change: i64) -> CrdtDelta {
    delta(crdt_delta::Delta::Pncounter(PnCounterDelta { change }))
}

/// `GCounterDelta{increment}`.
pub(super) fn gcounter_delta(increment: u64) -> CrdtDelta {
    delta(crdt_delta::Delta::Gcounter(GCounterDelta { increment }))
}

/// `GSetDelta{added}`, the elements as primitive strings.
pub(super) fn gset_delta(added: &[&str]) -> CrdtDelta {
    delta(crdt_delta::Delta::Gset(GSetDelta {
        added: added
            .iter()
            .map(|element| primitive_string(element))
            .collect(),
    }))
}

/// `VoteDelta` with only `self_vote` set, as a user function reports a vote.
pub(super) fn vote_delta(self_vote: bool) -> CrdtDelta {
    delta(crdt_delta::Delta::Vote(VoteDelta {
        self_vote,
        votes_for: 0,
        total_voters: 0,
    }))
}

/// A Cloudstate primitive string: type URL `p.cloudstate.io/string`, the string as field 1.
pub(super) fn primitive_string(value: &str) -> Any {
    Any {
        type_url: "p.cloudstate.io/string".to_owned(),
        // `string` field 1, as `google.protobuf.StringValue`.
        value: value.to_owned().encode_to_vec(),
    }
}
