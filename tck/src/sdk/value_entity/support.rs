//! Builders for the value-entity exchanges: what the TCK sends as the proxy, and the replies it expects.

use cloudstate_protocol::cloudstate::tck::model::valueentity::{
    Delete, Effect, Fail, Forward, Persisted, Request, RequestAction, Response, Update,
    request_action,
};
use cloudstate_protocol::cloudstate::valueentity::{
    ValueEntityAction, ValueEntityDelete, ValueEntityInit, ValueEntityInitState, ValueEntityReply,
    ValueEntityStreamIn, ValueEntityStreamOut, ValueEntityUpdate, value_entity_action,
    value_entity_stream_in, value_entity_stream_out,
};
use cloudstate_protocol::names::model::{VALUE_ENTITY_TCK_MODEL, VALUE_ENTITY_TWO};
use prost_types::Any;

use crate::messages::{command, failure, forward, pack, reply, side_effect};

/// Full name of the model's request message.
const REQUEST: &str = "cloudstate.tck.model.valueentity.Request";
/// Full name of the model's response message.
const RESPONSE: &str = "cloudstate.tck.model.valueentity.Response";
/// Full name of the model's stored state.
const PERSISTED: &str = "cloudstate.tck.model.valueentity.Persisted";

/// The command of `ValueEntityTckModel`.
const PROCESS: &str = "Process";
/// The command of `ValueEntityTwo`, the target of forwards and side effects.
const CALL: &str = "Call";

/// The failure message the cases ask the model to fail with.
pub(super) const EXPECTED_FAILURE: &str = "expected failure";

/// The init of a `ValueEntityTckModel` entity with nothing stored: the state is present but empty.
pub(super) fn init(entity_id: &str) -> ValueEntityStreamIn {
    init_with_state(entity_id, None)
}

/// The init of a `ValueEntityTckModel` entity whose stored value is `Persisted{value}`.
pub(super) fn init_stored(entity_id: &str, value: &str) -> ValueEntityStreamIn {
    init_with_state(entity_id, Some(persisted(value)))
}

fn init_with_state(entity_id: &str, value: Option<Any>) -> ValueEntityStreamIn {
    ValueEntityStreamIn {
        message: Some(value_entity_stream_in::Message::Init(ValueEntityInit {
            service_name: VALUE_ENTITY_TCK_MODEL.to_owned(),
            entity_id: entity_id.to_owned(),
            state: Some(ValueEntityInitState { value }),
        })),
    }
}

/// Command `id` to `ValueEntityTckModel.Process` with `Request{entity_id, actions}`.
pub(super) fn process(
    entity_id: &str,
    id: i64,
    actions: Vec<RequestAction>,
) -> ValueEntityStreamIn {
    let request = Request {
        id: entity_id.to_owned(),
        actions,
    };
    ValueEntityStreamIn {
        message: Some(value_entity_stream_in::Message::Command(command(
            entity_id,
            id,
            PROCESS,
            pack(REQUEST, &request),
        ))),
    }
}

fn action(action: request_action::Action) -> RequestAction {
    RequestAction {
        action: Some(action),
    }
}

/// The action `Update{value}`.
pub(super) fn update(value: &str) -> RequestAction {
    action(request_action::Action::Update(Update {
        value: value.to_owned(),
    }))
}

/// One `Update` action per value, in order.
pub(super) fn updates(values: &[&str]) -> Vec<RequestAction> {
    values.iter().map(|value| update(value)).collect()
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

/// One asynchronous `Effect` action per id, in order.
pub(super) fn effects(ids: &[&str]) -> Vec<RequestAction> {
    ids.iter().map(|id| effect(id, false)).collect()
}

/// The action `Fail{message}`.
pub(super) fn fail(message: &str) -> RequestAction {
    action(request_action::Action::Fail(Fail {
        message: message.to_owned(),
    }))
}

/// `Persisted{value}`, packed: the model's stored state.
pub(super) fn persisted(value: &str) -> Any {
    pack(
        PERSISTED,
        &Persisted {
            value: value.to_owned(),
        },
    )
}

/// `Request{id}`, packed: the payload of forwards and side effects to `ValueEntityTwo.Call`.
fn request_to_two(id: &str) -> Any {
    pack(
        REQUEST,
        &Request {
            id: id.to_owned(),
            actions: Vec::new(),
        },
    )
}

/// A reply the TCK expects, built up field by field.
#[derive(Debug, Clone)]
pub(super) struct Expected(ValueEntityReply);

impl Expected {
    fn with_action(
        command_id: i64,
        client_action: Option<cloudstate_protocol::cloudstate::ClientAction>,
    ) -> Self {
        Expected(ValueEntityReply {
            command_id,
            client_action,
            side_effects: Vec::new(),
            state_action: None,
        })
    }

    /// Reply to command `command_id` with `Response{message}`, no state action and no side effects.
    pub(super) fn reply(command_id: i64, message: &str) -> Self {
        Self::with_action(
            command_id,
            reply(pack(
                RESPONSE,
                &Response {
                    message: message.to_owned(),
                },
            )),
        )
    }

    /// Forward of command `command_id` to `ValueEntityTwo.Call` with `Request{id}`.
    pub(super) fn forward(command_id: i64, id: &str) -> Self {
        Self::with_action(
            command_id,
            forward(VALUE_ENTITY_TWO, CALL, request_to_two(id)),
        )
    }

    /// Failure of command `command_id` with this description and `restart` false.
    pub(super) fn failure(command_id: i64, description: &str) -> Self {
        Self::with_action(command_id, failure(command_id, description))
    }

    /// With the state action `update(Persisted{value})`.
    pub(super) fn update(mut self, value: &str) -> Self {
        let update = ValueEntityUpdate {
            value: Some(persisted(value)),
        };
        self.0.state_action = Some(ValueEntityAction {
            action: Some(value_entity_action::Action::Update(update)),
        });
        self
    }

    /// With the state action `delete`.
    pub(super) fn delete(mut self) -> Self {
        let delete = ValueEntityDelete {};
        self.0.state_action = Some(ValueEntityAction {
            action: Some(value_entity_action::Action::Delete(delete)),
        });
        self
    }

    /// With one more side effect to `ValueEntityTwo.Call` carrying `Request{id}`.
    pub(super) fn side_effect(mut self, id: &str, synchronous: bool) -> Self {
        self.0.side_effects.push(side_effect(
            VALUE_ENTITY_TWO,
            CALL,
            request_to_two(id),
            synchronous,
        ));
        self
    }

    /// With one more asynchronous side effect per id, in order.
    pub(super) fn side_effects(self, ids: &[&str]) -> Self {
        ids.iter()
            .fold(self, |expected, id| expected.side_effect(id, false))
    }

    /// The stream message.
    pub(super) fn out(self) -> ValueEntityStreamOut {
        ValueEntityStreamOut {
            message: Some(value_entity_stream_out::Message::Reply(self.0)),
        }
    }
}

#[cfg(test)]
mod tests {
    use prost::Message as _;

    use super::*;

    #[test]
    fn a_new_entity_gets_a_present_but_empty_state() {
        let Some(value_entity_stream_in::Message::Init(init)) = init("entity-1").message else {
            panic!("not an init");
        };
        assert_eq!(init.service_name, VALUE_ENTITY_TCK_MODEL);
        assert_eq!(init.state, Some(ValueEntityInitState { value: None }));
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
    fn commands_name_process_and_carry_no_metadata() {
        let Some(value_entity_stream_in::Message::Command(command)) =
            process("entity-2", 1, updates(&["A"])).message
        else {
            panic!("not a command");
        };
        assert_eq!(
            (command.id, command.name.as_str(), command.metadata),
            (1, PROCESS, None)
        );
        let payload = command.payload.unwrap_or_default();
        assert_eq!(
            payload.type_url,
            "type.googleapis.com/cloudstate.tck.model.valueentity.Request"
        );
    }
}
