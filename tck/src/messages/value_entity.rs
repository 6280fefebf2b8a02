//! Value-entity messages: the model's requests, the protocol messages that carry them, and the replies the
//! model must answer with, as every mode builds and expects them.
//!
//! `ValueEntityTckModel.Process` takes a `Request` whose actions say what the entity does; forwards and
//! side effects go to `ValueEntityTwo.Call` with `Request{id}` and no actions, which the target answers
//! with an empty `Response`. The state is `Persisted{value}`.

use cloudstate_protocol::cloudstate::ClientAction;
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

use super::entity_request::entity_request_builders;
use super::{command, failure, forward, pack, reply, side_effect};

/// The protocol method of value entities, as the interceptor sees calls to it.
pub(crate) const HANDLE: &str = "/cloudstate.valueentity.ValueEntity/handle";

/// Full name of the model's request message.
pub(crate) const REQUEST: &str = "cloudstate.tck.model.valueentity.Request";
/// Full name of the model's response message.
pub(crate) const RESPONSE: &str = "cloudstate.tck.model.valueentity.Response";
/// Full name of the model's stored state.
pub(crate) const PERSISTED: &str = "cloudstate.tck.model.valueentity.Persisted";

/// The command of `ValueEntityTckModel`.
pub(crate) const PROCESS: &str = "Process";
/// The command of `ValueEntityTwo` and `ValueEntityConfigured`.
pub(crate) const CALL: &str = "Call";

/// The failure message the cases ask the model to fail with.
pub(crate) const EXPECTED_FAILURE: &str = "expected failure";

entity_request_builders!();

/// `Request{id}`: the request of a forward or side effect, as the target entity receives it.
pub(crate) fn target_request(id: &str) -> Request {
    request(id, Vec::new())
}

/// `Request{id}`, packed: the payload of forwards and side effects to `ValueEntityTwo.Call`.
pub(crate) fn request_to(id: &str) -> Any {
    pack(REQUEST, &target_request(id))
}

/// The action `Update{value}`.
pub(crate) fn update(value: &str) -> RequestAction {
    action(request_action::Action::Update(Update {
        value: value.to_owned(),
    }))
}

/// One `Update` action per value, in order.
pub(crate) fn updates(values: &[&str]) -> Vec<RequestAction> {
    values.iter().map(|value| update(value)).collect()
}

/// The action `Delete{}`.
pub(crate) fn delete() -> RequestAction {
    action(request_action::Action::Delete(Delete {}))
}

/// One asynchronous `Effect` action per id, in order.
pub(crate) fn effects(ids: &[&str]) -> Vec<RequestAction> {
    ids.iter().map(|id| effect(id, false)).collect()
}

/// `Response{message}`.
pub(crate) fn response(message: &str) -> Response {
    Response {
        message: message.to_owned(),
    }
}

/// `Persisted{value}`, packed: the model's stored state.
pub(crate) fn persisted(value: &str) -> Any {
    pack(
        PERSISTED,
        &Persisted {
            value: value.to_owned(),
        },
    )
}

/// The init of a `service` entity whose stored state is `Persisted{value}`, or nothing (the state is
/// then present but has no value).
pub(crate) fn init(service: &str, entity_id: &str, stored: Option<&str>) -> ValueEntityStreamIn {
    ValueEntityStreamIn {
        message: Some(value_entity_stream_in::Message::Init(ValueEntityInit {
            service_name: service.to_owned(),
            entity_id: entity_id.to_owned(),
            state: Some(ValueEntityInitState {
                value: stored.map(persisted),
            }),
        })),
    }
}

/// Command `command_id` to `name` for entity `entity_id`, carrying `request`, as a proxy sends it.
pub(crate) fn command_in(
    entity_id: &str,
    command_id: i64,
    name: &str,
    request: &Request,
) -> ValueEntityStreamIn {
    ValueEntityStreamIn {
        message: Some(value_entity_stream_in::Message::Command(command(
            entity_id,
            command_id,
            name,
            pack(REQUEST, request),
        ))),
    }
}

/// Command `command_id` to `ValueEntityTckModel.Process` carrying `request`, for the entity it names.
pub(crate) fn process_in(command_id: i64, request: &Request) -> ValueEntityStreamIn {
    command_in(&request.id, command_id, PROCESS, request)
}

/// Command `command_id` to `Call` (of `ValueEntityTwo` or `ValueEntityConfigured`) carrying `Request{id}`.
pub(crate) fn call_in(entity_id: &str, command_id: i64) -> ValueEntityStreamIn {
    command_in(entity_id, command_id, CALL, &target_request(entity_id))
}

/// A reply the model is expected to send, built up field by field.
#[derive(Debug, Clone)]
pub(crate) struct Expected(ValueEntityReply);

impl Expected {
    fn with_action(command_id: i64, client_action: Option<ClientAction>) -> Self {
        Expected(ValueEntityReply {
            command_id,
            client_action,
            side_effects: Vec::new(),
            state_action: None,
        })
    }

    /// Reply to command `command_id` with `Response{message}`, no state action and no side effects.
    pub(crate) fn reply(command_id: i64, message: &str) -> Self {
        Self::with_action(command_id, reply(pack(RESPONSE, &response(message))))
    }

    /// Forward of command `command_id` to `ValueEntityTwo.Call` with `Request{id}`.
    pub(crate) fn forward(command_id: i64, id: &str) -> Self {
        Self::with_action(command_id, forward(VALUE_ENTITY_TWO, CALL, request_to(id)))
    }

    /// Failure of command `command_id` with this description and `restart` false.
    pub(crate) fn failure(command_id: i64, description: &str) -> Self {
        Self::with_action(command_id, failure(command_id, description))
    }

    /// With the state action `update(Persisted{value})`.
    pub(crate) fn update(mut self, value: &str) -> Self {
        let update = ValueEntityUpdate {
            value: Some(persisted(value)),
        };
        self.0.state_action = Some(ValueEntityAction {
            action: Some(value_entity_action::Action::Update(update)),
        });
        self
    }

    /// With the state action `delete`.
    pub(crate) fn delete(mut self) -> Self {
        self.0.state_action = Some(ValueEntityAction {
            action: Some(value_entity_action::Action::Delete(ValueEntityDelete {})),
        });
        self
    }

    /// With one more side effect to `ValueEntityTwo.Call` carrying `Request{id}`.
    pub(crate) fn side_effect(mut self, id: &str, synchronous: bool) -> Self {
        self.0.side_effects.push(side_effect(
            VALUE_ENTITY_TWO,
            CALL,
            request_to(id),
            synchronous,
        ));
        self
    }

    /// With one more asynchronous side effect per id, in order.
    pub(crate) fn side_effects(self, ids: &[&str]) -> Self {
        ids.iter()
            .fold(self, |expected, id| expected.side_effect(id, false))
    }

    /// The stream message.
    pub(crate) fn out(self) -> ValueEntityStreamOut {
        ValueEntityStreamOut {
            message: Some(value_entity_stream_out::Message::Reply(self.0)),
        }
    }
}

#[cfg(test)]
mod tests {
    use cloudstate_protocol::names::model::VALUE_ENTITY_TCK_MODEL;
    use prost::Message as _;

    use super::*;

    #[test]
    fn a_new_entity_gets_a_present_but_empty_state() {
        let Some(value_entity_stream_in::Message::Init(init)) =
            init(VALUE_ENTITY_TCK_MODEL, "entity-1", None).message
        else {
            panic!("not an init");
        };
        assert_eq!(init.service_name, VALUE_ENTITY_TCK_MODEL);
        assert_eq!(init.state, Some(ValueEntityInitState { value: None }));
    }

    #[test]
    fn a_stored_init_carries_the_persisted_value() {
        let Some(value_entity_stream_in::Message::Init(init)) =
            init(VALUE_ENTITY_TCK_MODEL, "e-1", Some("A")).message
        else {
            panic!("not an init");
        };
        let value = init.state.and_then(|state| state.value);
        assert_eq!(value, Some(persisted("A")));
    }

    #[test]
    fn state_is_packed_as_the_model_persisted_message() {
        let any = persisted("A");
        assert_eq!(
            any.type_url,
            "type.googleapis.com/cloudstate.tck.model.valueentity.Persisted"
        );
        assert_eq!(
            Persisted::decode(any.value.as_slice()).ok(),
            Some(Persisted { value: "A".into() })
        );
    }

    #[test]
    fn a_failure_carries_no_state_action_and_no_side_effects() {
        let Some(value_entity_stream_out::Message::Reply(reply)) =
            Expected::failure(3, "boom").out().message
        else {
            panic!("not a reply");
        };
        assert_eq!(reply.command_id, 3);
        assert!(reply.state_action.is_none());
        assert!(reply.side_effects.is_empty());
    }

    #[test]
    fn commands_carry_the_packed_request_and_no_metadata() {
        let request = request("e-1", updates(&["A"]));
        let Some(value_entity_stream_in::Message::Command(command)) =
            process_in(3, &request).message
        else {
            panic!("not a command");
        };
        assert_eq!(
            (
                command.id,
                command.entity_id.as_str(),
                command.name.as_str()
            ),
            (3, "e-1", PROCESS)
        );
        assert_eq!(command.metadata, None);
        let payload = command.payload.unwrap_or_default();
        assert_eq!(
            payload.type_url,
            "type.googleapis.com/cloudstate.tck.model.valueentity.Request"
        );
        assert_eq!(
            Request::decode(payload.value.as_slice()).ok(),
            Some(request)
        );
    }

    #[test]
    fn a_reply_updates_or_deletes_the_state_only_when_asked() {
        let state = |expected: Expected| match expected.out().message {
            Some(value_entity_stream_out::Message::Reply(reply)) => reply.state_action,
            _ => panic!("not a reply"),
        };
        assert!(state(Expected::reply(1, "X")).is_none());
        assert!(state(Expected::reply(1, "X").update("X")).is_some());
        assert!(state(Expected::reply(1, "X").delete()).is_some());
    }
}
