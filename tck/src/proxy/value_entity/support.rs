//! Builders for the proxy-mode value-entity cases: the client's requests, the protocol messages the
//! interceptor must see between the proxy and the model, and the client calls themselves.

use cloudstate_protocol::cloudstate::ClientAction;
use cloudstate_protocol::cloudstate::tck::model::valueentity::value_entity_configured_client::ValueEntityConfiguredClient;
use cloudstate_protocol::cloudstate::tck::model::valueentity::value_entity_tck_model_client::ValueEntityTckModelClient;
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
use prost::Message as _;
use prost_types::Any;

use super::checks::{expect_failure, expect_response};
use crate::case::{CaseFailure, Verdict};
use crate::messages::{command, failure, forward, pack, reply, side_effect};
use crate::proxy::{CallProbe, ProxyCx};
use crate::wire::render_compact;

/// The protocol method of value entities, as the interceptor sees calls to it.
pub(in crate::proxy) const HANDLE: &str = "/cloudstate.valueentity.ValueEntity/handle";

/// Full name of the model's request message.
const REQUEST: &str = "cloudstate.tck.model.valueentity.Request";
/// Full name of the model's response message.
const RESPONSE: &str = "cloudstate.tck.model.valueentity.Response";
/// Full name of the model's stored state.
const PERSISTED: &str = "cloudstate.tck.model.valueentity.Persisted";

/// The command of `ValueEntityTckModel`.
pub(super) const PROCESS: &str = "Process";
/// The command of `ValueEntityTwo` and `ValueEntityConfigured`.
pub(super) const CALL: &str = "Call";

/// The failure message the cases ask the model to fail with.
pub(super) const EXPECTED_FAILURE: &str = "expected failure";

/// `Request{id, actions}`.
pub(in crate::proxy) fn request(id: &str, actions: Vec<RequestAction>) -> Request {
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

/// The action `Update{value}`.
pub(in crate::proxy) fn update(value: &str) -> RequestAction {
    action(request_action::Action::Update(Update {
        value: value.to_owned(),
    }))
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

/// `Response{message}`.
pub(in crate::proxy) fn response(message: &str) -> Response {
    Response {
        message: message.to_owned(),
    }
}

/// How a request shows in the trace and in failure reports.
fn describe(method: &str, request: &Request) -> String {
    format!(
        "{method} {}",
        render_compact(REQUEST, &request.encode_to_vec())
    )
}

/// Calls `ValueEntityTckModel.Process` through the proxy and expects `Response{message}`.
pub(in crate::proxy) async fn process_ok(
    cx: &ProxyCx,
    request: &Request,
    message: &str,
) -> Verdict {
    let what = describe("ValueEntityTckModel.Process", request);
    let mut client = ValueEntityTckModelClient::new(cx.channel());
    let outcome = cx.client(&what, client.process(request.clone())).await?;
    expect_response(&what, outcome, &response(message))
}

/// Calls `ValueEntityTckModel.Process` through the proxy and expects the failure `description`.
pub(super) async fn process_fails(cx: &ProxyCx, request: &Request, description: &str) -> Verdict {
    let what = describe("ValueEntityTckModel.Process", request);
    let mut client = ValueEntityTckModelClient::new(cx.channel());
    let outcome = cx.client(&what, client.process(request.clone())).await?;
    expect_failure(&what, outcome, description)
}

/// Calls `ValueEntityConfigured.Call` for entity `id` through the proxy and expects an empty `Response`.
pub(in crate::proxy) async fn call_configured(cx: &ProxyCx, id: &str) -> Verdict {
    let request = request(id, Vec::new());
    let what = describe("ValueEntityConfigured.Call", &request);
    let mut client = ValueEntityConfiguredClient::new(cx.channel());
    let outcome = cx.client(&what, client.call(request)).await?;
    expect_response(&what, outcome, &Response::default())
}

/// The init of a `service` entity with nothing stored: the state is present but has no value.
pub(super) fn init(service: &str, entity_id: &str) -> ValueEntityStreamIn {
    stored_init(service, entity_id, None)
}

/// The init of a `service` entity whose stored state is `Persisted{value}`, or nothing (the state is
/// then present but has no value).
pub(in crate::proxy) fn stored_init(
    service: &str,
    entity_id: &str,
    stored: Option<&str>,
) -> ValueEntityStreamIn {
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

/// Command `command_id` to `name` for entity `entity_id`, carrying `request`, as the proxy must send it.
pub(super) fn command_in(
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

/// Command `command_id` to `ValueEntityTckModel.Process` carrying `request`.
pub(in crate::proxy) fn process_in(command_id: i64, request: &Request) -> ValueEntityStreamIn {
    command_in(&request.id, command_id, PROCESS, request)
}

/// Command `command_id` to `Call` (of `ValueEntityTwo` or `ValueEntityConfigured`) carrying `Request{id}`.
pub(in crate::proxy) fn call_in(entity_id: &str, command_id: i64) -> ValueEntityStreamIn {
    command_in(entity_id, command_id, CALL, &request(entity_id, Vec::new()))
}

/// `Persisted{value}`, packed: the model's stored state.
fn persisted(value: &str) -> Any {
    pack(
        PERSISTED,
        &Persisted {
            value: value.to_owned(),
        },
    )
}

/// A reply the model is expected to send, built up field by field.
#[derive(Debug, Clone)]
pub(in crate::proxy) struct Expected(ValueEntityReply);

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
    pub(in crate::proxy) fn reply(command_id: i64, message: &str) -> Self {
        Self::with_action(command_id, reply(pack(RESPONSE, &response(message))))
    }

    /// Forward of command `command_id` to `ValueEntityTwo.Call` with `Request{id}`.
    pub(super) fn forward(command_id: i64, id: &str) -> Self {
        Self::with_action(
            command_id,
            forward(
                VALUE_ENTITY_TWO,
                CALL,
                pack(REQUEST, &request(id, Vec::new())),
            ),
        )
    }

    /// Failure of command `command_id` with this description and `restart` false.
    pub(super) fn failure(command_id: i64, description: &str) -> Self {
        Self::with_action(command_id, failure(command_id, description))
    }

    /// With the state action `update(Persisted{value})`.
    pub(in crate::proxy) fn update(mut self, value: &str) -> Self {
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
        let payload = pack(REQUEST, &request(id, Vec::new()));
        self.0
            .side_effects
            .push(side_effect(VALUE_ENTITY_TWO, CALL, payload, synchronous));
        self
    }

    /// The stream message.
    pub(in crate::proxy) fn out(self) -> ValueEntityStreamOut {
        ValueEntityStreamOut {
            message: Some(value_entity_stream_out::Message::Reply(self.0)),
        }
    }
}

/// Expects the next call the proxy makes to be a new `ValueEntity.handle` stream for entity `entity_id`
/// of `service`, opened with the init of an entity with nothing stored.
pub(super) async fn expect_new_stream(
    cx: &ProxyCx,
    service: &str,
    entity_id: &str,
) -> Result<CallProbe, CaseFailure> {
    cx.expect_stream(HANDLE, init(service, entity_id)).await
}

/// Expects command `command_id` to `Call` on a `ValueEntityTwo` or `ValueEntityConfigured` stream and its
/// empty reply.
pub(super) async fn expect_call_exchange(
    probe: &mut CallProbe,
    entity_id: &str,
    command_id: i64,
) -> Verdict {
    probe
        .expect_exchange(
            call_in(entity_id, command_id),
            Expected::reply(command_id, "").out(),
        )
        .await
}

#[cfg(test)]
mod tests {
    use cloudstate_protocol::names::model::VALUE_ENTITY_CONFIGURED;

    use super::*;

    #[test]
    fn commands_carry_the_packed_request_and_no_metadata() {
        let request = request("e-1", vec![update("A")]);
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
    fn a_new_entity_gets_a_present_but_empty_state() {
        let Some(value_entity_stream_in::Message::Init(init)) =
            init(VALUE_ENTITY_CONFIGURED, "e-2").message
        else {
            panic!("not an init");
        };
        assert_eq!(init.state, Some(ValueEntityInitState { value: None }));
    }
}
