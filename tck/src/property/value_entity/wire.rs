//! Value-entity scenarios on the wire: the requests and protocol messages of `ValueEntityTckModel` and
//! `ValueEntityTwo` commands, and the replies the oracle's answers become. Forward and side-effect
//! targets are named `<two>-<n>`, so that proxy scenarios can use targets of their own.

use cloudstate_protocol::cloudstate::tck::model::valueentity::{
    Delete, Effect, Fail, Forward, Persisted, Request, RequestAction, Response, Update,
    request_action,
};
use cloudstate_protocol::cloudstate::valueentity::{
    ValueEntityAction, ValueEntityDelete, ValueEntityInit, ValueEntityInitState, ValueEntityReply,
    ValueEntityStreamIn, ValueEntityStreamOut, ValueEntityUpdate, value_entity_action,
    value_entity_stream_in, value_entity_stream_out,
};
use cloudstate_protocol::names::model::VALUE_ENTITY_TWO;
use prost_types::Any;

use crate::messages::{command, failure, pack, reply};
use crate::property::oracle::{FAILURE, Outcome, StateAction, VeAnswer};
use crate::property::proxy::targets::{forward_to, side_effects_to, target, then_failure};
use crate::property::strategy::VeAction;

/// Full name of the model's request message.
pub(crate) const REQUEST: &str = "cloudstate.tck.model.valueentity.Request";
/// Full name of the model's response message.
const RESPONSE: &str = "cloudstate.tck.model.valueentity.Response";

fn action(action: request_action::Action) -> RequestAction {
    RequestAction {
        action: Some(action),
    }
}

/// `Request{id, actions}` for `ValueEntityTckModel.Process`, then `Fail` if `fail`.
pub(crate) fn request(id: &str, actions: &[VeAction], fail: bool, two: &str) -> Request {
    let each = |one: &VeAction| {
        action(match one {
            VeAction::Update(n) => request_action::Action::Update(Update {
                value: format!("v{n}"),
            }),
            VeAction::Delete => request_action::Action::Delete(Delete {}),
            VeAction::Forward(n) => request_action::Action::Forward(Forward {
                id: target(two, *n),
            }),
            VeAction::Effect(n, sync) => request_action::Action::Effect(Effect {
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

/// `Request{id, actions: [Update{value}]}`: a request whose reply carries `value`.
pub(crate) fn updating(id: &str, value: &str) -> Request {
    Request {
        id: id.to_owned(),
        actions: vec![action(request_action::Action::Update(Update {
            value: value.to_owned(),
        }))],
    }
}

/// `Request{id}`: the request of a forward or side effect, as the target entity receives it.
pub(crate) fn target_request(id: &str) -> Request {
    Request {
        id: id.to_owned(),
        actions: Vec::new(),
    }
}

/// Command `command_id` to `name` carrying `request`, for the entity the request names.
pub(crate) fn command_in(command_id: i64, name: &str, request: &Request) -> ValueEntityStreamIn {
    ValueEntityStreamIn {
        message: Some(value_entity_stream_in::Message::Command(command(
            &request.id,
            command_id,
            name,
            pack(REQUEST, request),
        ))),
    }
}

/// The init of a `service` entity with its stored value, if any.
pub(crate) fn init(service: &str, id: &str, stored: Option<&str>) -> ValueEntityStreamIn {
    ValueEntityStreamIn {
        message: Some(value_entity_stream_in::Message::Init(ValueEntityInit {
            service_name: service.to_owned(),
            entity_id: id.to_owned(),
            state: Some(ValueEntityInitState {
                value: stored.map(persisted),
            }),
        })),
    }
}

fn reply_out(reply: ValueEntityReply) -> ValueEntityStreamOut {
    ValueEntityStreamOut {
        message: Some(value_entity_stream_out::Message::Reply(reply)),
    }
}

/// The oracle's answer to command `command_id` as the reply on the stream.
pub(crate) fn expected(command_id: i64, answer: &VeAnswer, two: &str) -> ValueEntityStreamOut {
    let client_action = match &answer.outcome {
        Outcome::Reply(message) => reply(pack(
            RESPONSE,
            &Response {
                message: message.clone(),
            },
        )),
        Outcome::Forward(n) => forward_to(VALUE_ENTITY_TWO, two, *n, request_to),
        Outcome::Failure => failure(command_id, FAILURE),
    };
    let state_action = answer
        .state_action
        .as_ref()
        .map(|action| ValueEntityAction {
            action: Some(match action {
                StateAction::Update(value) => {
                    value_entity_action::Action::Update(ValueEntityUpdate {
                        value: Some(persisted(value)),
                    })
                }
                StateAction::Delete => value_entity_action::Action::Delete(ValueEntityDelete {}),
            }),
        });
    reply_out(ValueEntityReply {
        command_id,
        client_action,
        side_effects: side_effects_to(VALUE_ENTITY_TWO, two, &answer.effects, request_to),
        state_action,
    })
}

/// The reply of `ValueEntityTwo.Call`: an empty `Response` and nothing else.
pub(crate) fn empty_reply(command_id: i64) -> ValueEntityStreamOut {
    reply_out(ValueEntityReply {
        command_id,
        client_action: reply(pack(RESPONSE, &Response::default())),
        side_effects: Vec::new(),
        state_action: None,
    })
}

/// `Persisted{value}`, packed: the model's stored state.
pub(crate) fn persisted(value: &str) -> Any {
    pack(
        "cloudstate.tck.model.valueentity.Persisted",
        &Persisted {
            value: value.to_owned(),
        },
    )
}

/// `Request{id}`, packed: the payload of forwards and side effects.
pub(crate) fn request_to(id: &str) -> Any {
    pack(REQUEST, &target_request(id))
}
