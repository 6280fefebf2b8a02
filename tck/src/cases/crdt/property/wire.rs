//! The CRDT scenarios on the wire: a scenario's actions as the model's requests, the oracle's values as
//! the model's states, the oracle's answers as the replies they become, and inits in the form the TCK
//! compares. The messages themselves are built in `crate::messages::crdt`.

use std::collections::BTreeSet;

use cloudstate_protocol::cloudstate::crdt::{
    CrdtDelta, CrdtInit, CrdtStreamIn, CrdtStreamOut, crdt_delta, crdt_stream_in,
};
use cloudstate_protocol::cloudstate::tck::model::crdt::{
    LwwRegisterClockType, Request, Response, State, Update, UpdateWriteConsistency,
};

use super::oracle::{CrdtAnswer, CrdtOutcome, CrdtStateAction as Action};
use super::scenario::{Clock, Consistency, CrdtAction, Op};
use super::value::Value;
use crate::messages::crdt::{
    Expected, change, delete, effect, fail, flag, flag_enable, forward_to, gcounter, gset,
    gset_add, increment, lww, lww_set_with, normalise_delta, ormap, ormap_add, ormap_clear,
    ormap_remove, ormap_update, orset, orset_add, orset_clear, orset_remove, pncounter, request,
    response, update_action, vote, vote_state, with_consistency,
};
use crate::property::oracle::FAILURE;
use crate::property::proxy::targets::{target, then_failure};

/// The model's clock type for a scenario's clock.
fn clock_type(clock: Clock) -> LwwRegisterClockType {
    match clock {
        Clock::Default => LwwRegisterClockType::Default,
        Clock::Reverse => LwwRegisterClockType::Reverse,
        Clock::Custom(_) => LwwRegisterClockType::Custom,
        Clock::CustomAutoIncrement(_) => LwwRegisterClockType::CustomAutoIncrement,
    }
}

/// The model's write consistency for the one a scenario's update asks for.
fn asked(consistency: Consistency) -> UpdateWriteConsistency {
    match consistency {
        Consistency::Local => UpdateWriteConsistency::Local,
        Consistency::Majority => UpdateWriteConsistency::Majority,
        Consistency::All => UpdateWriteConsistency::All,
    }
}

/// `Update` for one operation, asking for `consistency` (nested updates ask for none).
pub(crate) fn update(op: &Op, consistency: Consistency) -> Update {
    let operation = match op {
        Op::Increment(by) => increment(*by),
        Op::Change(by) => change(*by),
        Op::GSetAdd(element) => gset_add(element),
        Op::OrSetAdd(element) => orset_add(element),
        Op::OrSetRemove(element) => orset_remove(element),
        Op::OrSetClear => orset_clear(),
        Op::LwwSet(value, clock) => lww_set_with(value, clock_type(*clock), clock.custom_value()),
        Op::FlagEnable => flag_enable(),
        Op::Vote(self_vote) => vote(*self_vote),
        Op::MapAdd(key) => ormap_add(key),
        Op::MapUpdate(key, nested) => ormap_update(key, update(nested, Consistency::Local)),
        Op::MapRemove(key) => ormap_remove(key),
        Op::MapClear => ormap_clear(),
    };
    with_consistency(operation, asked(consistency))
}

/// `Request{id, actions}` for a command's actions, then `Fail` when `fail` is set; forwards and side
/// effects go to the targets named `<two>-<n>`.
pub(crate) fn request_of(
    entity_id: &str,
    actions: &[CrdtAction],
    fail_too: bool,
    two: &str,
) -> Request {
    let each = |one: &CrdtAction| match one {
        CrdtAction::Update(op, consistency) => update_action(update(op, *consistency)),
        CrdtAction::Delete => delete(),
        CrdtAction::Forward(n) => forward_to(&target(two, *n)),
        CrdtAction::Effect(n, sync) => effect(&target(two, *n), *sync),
    };
    let actions = then_failure(actions, fail_too, each, |message| fail(&message));
    request(entity_id, actions)
}

/// `Request{id, actions: [Effect{id: marker}]}`: a request that changes nothing and whose reply carries
/// `marker`.
pub(crate) fn marked(entity_id: &str, marker: &str) -> Request {
    request(entity_id, vec![effect(marker, false)])
}

/// The elements of a set, in order.
fn strings(set: &BTreeSet<String>) -> Vec<&str> {
    set.iter().map(String::as_str).collect()
}

/// The model's `State` of a value: set elements sorted, map entries sorted by key.
pub(crate) fn state(value: &Value) -> State {
    match value {
        Value::GCounter(value) => gcounter(*value),
        Value::PnCounter(value) => pncounter(*value),
        Value::GSet(set) => gset(&strings(set)),
        Value::OrSet(set) => orset(&strings(set)),
        Value::Lww(value, _) => lww(value),
        Value::Flag(value) => flag(*value),
        Value::OrMap(map) => ormap(map.iter().map(|(key, value)| (key.as_str(), state(value)))),
        Value::Vote(self_vote, votes_for, total_voters) => {
            vote_state(*self_vote, *votes_for, *total_voters)
        }
    }
}

/// `Response{state}` of a value: what the client of a `Process` call gets.
pub(crate) fn response_of(value: &Value) -> Response {
    response(state(value))
}

/// Every reply the oracle accepts for command `command_id`: one per state action the answer allows, the
/// spec's own reading first.
pub(crate) fn expected_replies(
    command_id: i64,
    answer: &CrdtAnswer,
    two: &str,
) -> Vec<CrdtStreamOut> {
    answer
        .state_choices
        .iter()
        .map(|choice| {
            let mut answer = answer.clone();
            answer.state_action = choice.clone();
            expected_reply(command_id, &answer, two)
        })
        .collect()
}

/// The oracle's answer to command `command_id` as the reply on the stream.
fn expected_reply(command_id: i64, answer: &CrdtAnswer, two: &str) -> CrdtStreamOut {
    let expected = match &answer.outcome {
        CrdtOutcome::Reply(value) => Expected::reply(command_id, state(value)),
        CrdtOutcome::Forward(n) => Expected::forward(command_id, &target(two, *n)),
        CrdtOutcome::Failure => Expected::failure(command_id, FAILURE),
    };
    let expected = answer
        .effects
        .iter()
        .fold(expected, |expected, (n, synchronous)| {
            expected.side_effect(&target(two, *n), *synchronous)
        });
    match &answer.state_action {
        Some(Action::Update(delta, consistency)) => {
            expected.update_with(delta.clone(), consistency.protocol())
        }
        Some(Action::Delete(consistency)) => expected.delete_with(consistency.protocol()),
        None => expected,
    }
    .out()
}

/// An init as the TCK compares it: set elements and map entries sorted by their bytes, and register
/// clocks left out, since a proxy that resolved a write's clock into its own ordering re-sends the value
/// alone.
pub(crate) fn comparable_init(init: &CrdtStreamIn) -> CrdtStreamIn {
    let mut init = init.clone();
    if let Some(crdt_stream_in::Message::Init(CrdtInit {
        delta: Some(delta), ..
    })) = init.message.as_mut()
    {
        normalise_delta(delta);
        without_clocks(delta);
    }
    init
}

/// Leaves out the clocks of a register delta, and of the register deltas in a map delta.
fn without_clocks(delta: &mut CrdtDelta) {
    match delta.delta.as_mut() {
        Some(crdt_delta::Delta::Lwwregister(register)) => {
            register.clock = 0;
            register.custom_clock_value = 0;
        }
        Some(crdt_delta::Delta::Ormap(map)) => {
            for entry in map.updated.iter_mut().chain(map.added.iter_mut()) {
                if let Some(nested) = entry.delta.as_mut() {
                    without_clocks(nested);
                }
            }
        }
        _ => {}
    }
}
