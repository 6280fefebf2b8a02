//! The CRDT scenarios on the wire: the commands the TCK sends as the proxy, and the replies the oracle's
//! answers become.

use cloudstate_protocol::cloudstate::crdt::{
    CrdtDelete, CrdtDelta, CrdtInit, CrdtReply, CrdtStateAction, CrdtStreamIn, CrdtStreamOut,
    crdt_delta, crdt_state_action, crdt_stream_in, crdt_stream_out,
};
use cloudstate_protocol::cloudstate::tck::model::crdt::{
    Delete, Effect, Fail, FlagUpdate, FlagValue, Forward, GCounterUpdate, GCounterValue,
    GSetUpdate, GSetValue, LwwRegisterClock, LwwRegisterUpdate, LwwRegisterValue, OrMapEntryUpdate,
    OrMapEntryValue, OrMapUpdate, OrMapValue, OrSetUpdate, OrSetValue, PnCounterUpdate,
    PnCounterValue, Request, RequestAction, Response, State, Update, VoteUpdate, VoteValue,
    or_map_update, or_set_update, request_action, state, update,
};
use cloudstate_protocol::names::model::{CRDT_TCK_MODEL, CRDT_TWO};
use prost_types::Any;

use super::oracle::{CrdtAnswer, CrdtOutcome, CrdtStateAction as Action};
use super::scenario::{Consistency, CrdtAction, Op};
use super::value::Value;
use crate::messages::{command, failure, pack, reply};
use crate::property::oracle::FAILURE;
use crate::property::proxy::targets::{forward_to, side_effects_to, target, then_failure};

/// Full name of the model's request message.
pub(crate) const REQUEST: &str = "cloudstate.tck.model.crdt.Request";
/// Full name of the model's response message.
const RESPONSE: &str = "cloudstate.tck.model.crdt.Response";

fn stream_in(message: crdt_stream_in::Message) -> CrdtStreamIn {
    CrdtStreamIn {
        message: Some(message),
    }
}

/// The init of a `CrdtTckModel` entity, with the value the proxy holds as its delta.
pub(crate) fn init(entity_id: &str, delta: Option<CrdtDelta>) -> CrdtStreamIn {
    init_of(CRDT_TCK_MODEL, entity_id, delta)
}

/// The init of an entity of `service`, with the value the proxy holds as its delta.
pub(crate) fn init_of(service: &str, entity_id: &str, delta: Option<CrdtDelta>) -> CrdtStreamIn {
    stream_in(crdt_stream_in::Message::Init(CrdtInit {
        service_name: service.to_owned(),
        entity_id: entity_id.to_owned(),
        delta,
    }))
}

/// A delta from another replica.
pub(crate) fn replicated(delta: CrdtDelta) -> CrdtStreamIn {
    stream_in(crdt_stream_in::Message::Delta(delta))
}

/// The proxy deleting the entity.
pub(crate) fn deleted() -> CrdtStreamIn {
    stream_in(crdt_stream_in::Message::Delete(CrdtDelete {}))
}

/// `Update` for one operation, asking for `consistency` (nested updates ask for none).
pub(crate) fn update(op: &Op, consistency: Consistency) -> Update {
    let operation = match op {
        Op::Increment(increment) => update::Update::Gcounter(GCounterUpdate {
            increment: *increment,
        }),
        Op::Change(change) => update::Update::Pncounter(PnCounterUpdate { change: *change }),
        Op::GSetAdd(add) => update::Update::Gset(GSetUpdate { add: add.clone() }),
        Op::OrSetAdd(e) => orset(or_set_update::Action::Add(e.clone())),
        Op::OrSetRemove(e) => orset(or_set_update::Action::Remove(e.clone())),
        Op::OrSetClear => orset(or_set_update::Action::Clear(true)),
        Op::LwwSet(value, clock) => update::Update::Lwwregister(LwwRegisterUpdate {
            value: value.clone(),
            clock: Some(LwwRegisterClock {
                clock_type: clock.number(),
                custom_clock_value: clock.custom_value(),
            }),
        }),
        Op::FlagEnable => update::Update::Flag(FlagUpdate {}),
        Op::Vote(self_vote) => update::Update::Vote(VoteUpdate {
            self_vote: *self_vote,
        }),
        Op::MapAdd(key) => ormap(or_map_update::Action::Add(key.clone())),
        Op::MapUpdate(key, nested) => {
            ormap(or_map_update::Action::Update(Box::new(OrMapEntryUpdate {
                key: key.clone(),
                update: Some(Box::new(update(nested, Consistency::Local))),
            })))
        }
        Op::MapRemove(key) => ormap(or_map_update::Action::Remove(key.clone())),
        Op::MapClear => ormap(or_map_update::Action::Clear(true)),
    };
    Update {
        update: Some(operation),
        write_consistency: consistency.number(),
    }
}

fn orset(action: or_set_update::Action) -> update::Update {
    update::Update::Orset(OrSetUpdate {
        action: Some(action),
    })
}

fn ormap(action: or_map_update::Action) -> update::Update {
    update::Update::Ormap(Box::new(OrMapUpdate {
        action: Some(action),
    }))
}

fn action(action: request_action::Action) -> RequestAction {
    RequestAction {
        action: Some(action),
    }
}

/// `Request{id, actions}` for a command's actions, then `Fail` when `fail` is set.
pub(crate) fn request(entity_id: &str, actions: &[CrdtAction], fail: bool, two: &str) -> Request {
    let each = |one: &CrdtAction| {
        action(match one {
            CrdtAction::Update(op, consistency) => {
                request_action::Action::Update(update(op, *consistency))
            }
            CrdtAction::Delete => request_action::Action::Delete(Delete {}),
            CrdtAction::Forward(n) => request_action::Action::Forward(Forward {
                id: target(two, *n),
            }),
            CrdtAction::Effect(n, sync) => request_action::Action::Effect(Effect {
                id: target(two, *n),
                synchronous: *sync,
            }),
        })
    };
    Request {
        id: entity_id.to_owned(),
        actions: then_failure(actions, fail, each, |message| {
            action(request_action::Action::Fail(Fail { message }))
        }),
    }
}

/// Command `command_id` to `CrdtTckModel.Process` carrying `request`.
pub(crate) fn process(command_id: i64, request: &Request) -> CrdtStreamIn {
    command_in(command_id, "Process", request)
}

/// Command `command_id` to `name` carrying `request`, for the entity the request names.
pub(crate) fn command_in(command_id: i64, name: &str, request: &Request) -> CrdtStreamIn {
    let command = command(&request.id, command_id, name, pack(REQUEST, request));
    stream_in(crdt_stream_in::Message::Command(command))
}

/// `Request{id, actions: [Effect{id: marker}]}`: a request that changes nothing and whose reply carries
/// `marker`.
pub(crate) fn marked(entity_id: &str, marker: &str) -> Request {
    Request {
        id: entity_id.to_owned(),
        actions: vec![action(request_action::Action::Effect(Effect {
            id: marker.to_owned(),
            synchronous: false,
        }))],
    }
}

/// The model's `State` of a value: set elements sorted, map entries sorted by key.
pub(crate) fn state(value: &Value) -> State {
    let rendered = match value {
        Value::GCounter(value) => state::Value::Gcounter(GCounterValue { value: *value }),
        Value::PnCounter(value) => state::Value::Pncounter(PnCounterValue { value: *value }),
        Value::GSet(set) => state::Value::Gset(GSetValue {
            elements: set.iter().cloned().collect(),
        }),
        Value::OrSet(set) => state::Value::Orset(OrSetValue {
            elements: set.iter().cloned().collect(),
        }),
        Value::Lww(value, _) => state::Value::Lwwregister(LwwRegisterValue {
            value: value.clone(),
        }),
        Value::Flag(value) => state::Value::Flag(FlagValue { value: *value }),
        Value::OrMap(map) => state::Value::Ormap(OrMapValue {
            entries: map
                .iter()
                .map(|(key, value)| OrMapEntryValue {
                    key: key.clone(),
                    value: Some(state(value)),
                })
                .collect(),
        }),
        Value::Vote(self_vote, votes_for, total_voters) => state::Value::Vote(VoteValue {
            self_vote: *self_vote,
            votes_for: *votes_for,
            total_voters: *total_voters,
        }),
    };
    State {
        value: Some(rendered),
    }
}

/// `Response{state}` of a value: what the client of a `Process` call gets.
pub(crate) fn response(value: &Value) -> Response {
    Response {
        state: Some(state(value)),
    }
}

/// `Request{id}`: the request of a forward or side effect, as its target entity receives it.
pub(crate) fn target_request(id: &str) -> Request {
    Request {
        id: id.to_owned(),
        actions: Vec::new(),
    }
}

/// `Request{id}`, packed: the payload of forwards and side effects to `CrdtTwo.Call`.
fn to_two(id: &str) -> Any {
    pack(REQUEST, &target_request(id))
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
    let client_action = match &answer.outcome {
        CrdtOutcome::Reply(value) => reply(pack(RESPONSE, &response(value))),
        CrdtOutcome::Forward(n) => forward_to(CRDT_TWO, two, *n, to_two),
        CrdtOutcome::Failure => failure(command_id, FAILURE),
    };
    let state_action = answer.state_action.as_ref().map(|action| match action {
        Action::Update(delta, consistency) => CrdtStateAction {
            write_consistency: consistency.number(),
            action: Some(crdt_state_action::Action::Update(delta.clone())),
        },
        Action::Delete(consistency) => CrdtStateAction {
            write_consistency: consistency.number(),
            action: Some(crdt_state_action::Action::Delete(CrdtDelete {})),
        },
    });
    CrdtStreamOut {
        message: Some(crdt_stream_out::Message::Reply(CrdtReply {
            command_id,
            client_action,
            side_effects: side_effects_to(CRDT_TWO, two, &answer.effects, to_two),
            state_action,
            streamed: false,
        })),
    }
}

/// The reply of `CrdtTwo.Call`: an empty `Response` and nothing else.
pub(crate) fn empty_reply(command_id: i64) -> CrdtStreamOut {
    CrdtStreamOut {
        message: Some(crdt_stream_out::Message::Reply(CrdtReply {
            command_id,
            client_action: reply(pack(RESPONSE, &Response::default())),
            ..CrdtReply::default()
        })),
    }
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
        comparable(delta);
    }
    init
}

fn comparable(delta: &mut CrdtDelta) {
    let sort = |anys: &mut Vec<Any>| anys.sort_by_cached_key(prost::Message::encode_to_vec);
    match delta.delta.as_mut() {
        Some(crdt_delta::Delta::Gset(set)) => sort(&mut set.added),
        Some(crdt_delta::Delta::Orset(set)) => {
            sort(&mut set.removed);
            sort(&mut set.added);
        }
        Some(crdt_delta::Delta::Lwwregister(register)) => {
            register.clock = 0;
            register.custom_clock_value = 0;
        }
        Some(crdt_delta::Delta::Ormap(map)) => {
            sort(&mut map.removed);
            for entries in [&mut map.updated, &mut map.added] {
                for entry in entries.iter_mut() {
                    if let Some(nested) = entry.delta.as_mut() {
                        comparable(nested);
                    }
                }
                entries.sort_by_cached_key(|entry| {
                    entry
                        .key
                        .as_ref()
                        .map(prost::Message::encode_to_vec)
                        .unwrap_or_default()
                });
            }
        }
        _ => {}
    }
}
