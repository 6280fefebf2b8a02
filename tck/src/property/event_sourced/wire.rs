//! Event-sourced scenarios on the wire: the requests and protocol messages of `EventSourcedTckModel` and
//! `EventSourcedTwo` commands, and the replies the oracle's answers become. Forward and side-effect
//! targets are named `<two>-<n>`, so that proxy scenarios can use targets of their own.

use cloudstate_protocol::cloudstate::eventsourced::{
    EventSourcedEvent, EventSourcedInit, EventSourcedReply, EventSourcedSnapshot,
    EventSourcedStreamIn, EventSourcedStreamOut, event_sourced_stream_in, event_sourced_stream_out,
};
use cloudstate_protocol::cloudstate::tck::model::{
    Effect, Emit, Fail, Forward, Persisted, Request, RequestAction, Response, request_action,
};
use cloudstate_protocol::cloudstate::{ClientAction, client_action};
use cloudstate_protocol::names::model::{EVENT_SOURCED_TCK_MODEL, EVENT_SOURCED_TWO};
use prost_types::Any;

use crate::messages::{command, failure_message, pack, reply};
use crate::property::oracle::{EsAnswer, EsEntity, FAILURE, Outcome};
use crate::property::proxy::targets::{forward_to, side_effects_to, target, then_failure};
use crate::property::strategy::{EsAction, letter};

/// Full name of the model's request message.
pub(crate) const REQUEST: &str = "cloudstate.tck.model.Request";

fn action(action: request_action::Action) -> RequestAction {
    RequestAction {
        action: Some(action),
    }
}

/// `Request{id, actions}` for `EventSourcedTckModel.Process`, then `Fail` if `fail`.
pub(crate) fn request(id: &str, actions: &[EsAction], fail: bool, two: &str) -> Request {
    let each = |one: &EsAction| {
        action(match one {
            EsAction::Emit(n) => request_action::Action::Emit(Emit { value: letter(*n) }),
            EsAction::Forward(n) => request_action::Action::Forward(Forward {
                id: target(two, *n),
            }),
            EsAction::Effect(n, sync) => request_action::Action::Effect(Effect {
                id: target(two, *n),
                synchronous: *sync,
            }),
        })
    };
    Request {
        id: id.to_owned(),
        actions: then_failure(actions, fail, each, |message| {
            action(request_action::Action::Fail(Fail { message }))
        }),
    }
}

/// `Request{id, actions: [Emit{value}]}`: a request whose reply carries `value`.
pub(crate) fn emitting(id: &str, value: &str) -> Request {
    Request {
        id: id.to_owned(),
        actions: vec![action(request_action::Action::Emit(Emit {
            value: value.to_owned(),
        }))],
    }
}

fn stream_in(message: event_sourced_stream_in::Message) -> EventSourcedStreamIn {
    EventSourcedStreamIn {
        message: Some(message),
    }
}

/// Command `command_id` to `name` carrying `request`, for the entity the request names.
pub(crate) fn command_in(command_id: i64, name: &str, request: &Request) -> EventSourcedStreamIn {
    stream_in(event_sourced_stream_in::Message::Command(command(
        &request.id,
        command_id,
        name,
        pack(REQUEST, request),
    )))
}

/// The init of a `service` entity: the stored snapshot, if any.
pub(crate) fn init(service: &str, id: &str, entity: &EsEntity) -> EventSourcedStreamIn {
    let snapshot = entity
        .snapshot
        .as_ref()
        .map(|(sequence, state)| EventSourcedSnapshot {
            snapshot_sequence: *sequence,
            snapshot: Some(persisted(state)),
        });
    stream_in(event_sourced_stream_in::Message::Init(EventSourcedInit {
        service_name: service.to_owned(),
        entity_id: id.to_owned(),
        snapshot,
    }))
}

/// The stored events after the snapshot, as the proxy replays them after the init.
pub(crate) fn replay(entity: &EsEntity) -> Vec<EventSourcedStreamIn> {
    entity
        .events
        .iter()
        .map(|(sequence, value)| {
            stream_in(event_sourced_stream_in::Message::Event(EventSourcedEvent {
                sequence: *sequence,
                payload: Some(persisted(value)),
            }))
        })
        .collect()
}

fn reply_out(reply: EventSourcedReply) -> EventSourcedStreamOut {
    EventSourcedStreamOut {
        message: Some(event_sourced_stream_out::Message::Reply(reply)),
    }
}

/// The oracle's answer to command `command_id` as the reply on the stream, with this `restart` flag for
/// a failure.
pub(crate) fn expected(
    command_id: i64,
    answer: &EsAnswer,
    restart: bool,
    two: &str,
) -> EventSourcedStreamOut {
    let client_action = match &answer.outcome {
        Outcome::Reply(message) => reply(pack(
            "cloudstate.tck.model.Response",
            &Response {
                message: message.clone(),
            },
        )),
        Outcome::Forward(n) => forward_to(EVENT_SOURCED_TWO, two, *n, request_to),
        Outcome::Failure => Some(ClientAction {
            action: Some(client_action::Action::Failure(failure_message(
                command_id, FAILURE, restart,
            ))),
        }),
    };
    reply_out(EventSourcedReply {
        command_id,
        client_action,
        side_effects: side_effects_to(EVENT_SOURCED_TWO, two, &answer.effects, request_to),
        events: answer.events.iter().map(|value| persisted(value)).collect(),
        snapshot: answer.snapshot.as_deref().map(persisted),
    })
}

/// The reply of `EventSourcedTwo.Call`: an empty `Response` and nothing else.
pub(crate) fn empty_reply(command_id: i64) -> EventSourcedStreamOut {
    reply_out(EventSourcedReply {
        command_id,
        client_action: reply(pack("cloudstate.tck.model.Response", &Response::default())),
        ..EventSourcedReply::default()
    })
}

/// `Persisted{value}`, packed: the model's events and snapshots.
pub(crate) fn persisted(value: &str) -> Any {
    pack(
        "cloudstate.tck.model.Persisted",
        &Persisted {
            value: value.to_owned(),
        },
    )
}

/// `Request{id}`, packed: the payload of forwards and side effects.
pub(crate) fn request_to(id: &str) -> Any {
    pack(REQUEST, &target_request(id))
}

/// `Request{id}`: the request of a forward or side effect, as the target entity receives it.
pub(crate) fn target_request(id: &str) -> Request {
    Request {
        id: id.to_owned(),
        actions: Vec::new(),
    }
}

/// The service of a scenario's entities.
pub(crate) const MODEL: &str = EVENT_SOURCED_TCK_MODEL;
