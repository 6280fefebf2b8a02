//! Builders for the proxy-mode event-sourced cases: the client's requests, the protocol messages the
//! interceptor must see between the proxy and the model, and the client calls themselves.

use cloudstate_protocol::cloudstate::eventsourced::{
    EventSourcedEvent, EventSourcedInit, EventSourcedReply, EventSourcedStreamIn,
    EventSourcedStreamOut, event_sourced_stream_in, event_sourced_stream_out,
};
use cloudstate_protocol::cloudstate::tck::model::event_sourced_configured_client::EventSourcedConfiguredClient;
use cloudstate_protocol::cloudstate::tck::model::event_sourced_tck_model_client::EventSourcedTckModelClient;
use cloudstate_protocol::cloudstate::tck::model::{
    Effect, Emit, Fail, Forward, Persisted, Request, RequestAction, Response, request_action,
};
use cloudstate_protocol::cloudstate::{ClientAction, client_action};
use cloudstate_protocol::names::model::EVENT_SOURCED_TWO;
use prost::Message as _;
use prost_types::Any;
use tonic::Status;

use crate::case::{CaseFailure, Verdict};
use crate::messages::{command, failure, failure_message, forward, pack, reply, side_effect};
use crate::proxy::value_entity::checks::{expect_failure, expect_response};
use crate::proxy::{CallProbe, ProxyCx};
use crate::wire::{WireMessage as _, render_compact};

/// The protocol method of event-sourced entities, as the interceptor sees calls to it.
pub(in crate::proxy) const HANDLE: &str = "/cloudstate.eventsourced.EventSourced/handle";

/// Full name of the model's request message.
const REQUEST: &str = "cloudstate.tck.model.Request";
/// Full name of the model's response message.
const RESPONSE: &str = "cloudstate.tck.model.Response";
/// Full name of the model's events and snapshots.
const PERSISTED: &str = "cloudstate.tck.model.Persisted";

/// The command of `EventSourcedTckModel`.
const PROCESS: &str = "Process";
/// The client's method of `EventSourcedTckModel`, as traces name it.
const PROCESS_METHOD: &str = "EventSourcedTckModel.Process";
/// The command of `EventSourcedTwo` and `EventSourcedConfigured`.
const CALL: &str = "Call";

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

/// The action `Emit{value}`.
pub(in crate::proxy) fn emit(value: &str) -> RequestAction {
    action(request_action::Action::Emit(Emit {
        value: value.to_owned(),
    }))
}

/// One `Emit` action per value, in order.
pub(super) fn emits(values: &[&str]) -> Vec<RequestAction> {
    values.iter().map(|value| emit(value)).collect()
}

/// The action `Forward{id}`.
pub(in crate::proxy) fn forward_to(id: &str) -> RequestAction {
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
pub(in crate::proxy) fn describe(method: &str, request: &Request) -> String {
    format!(
        "{method} {}",
        render_compact(REQUEST, &request.encode_to_vec())
    )
}

/// Calls `EventSourcedTckModel.Process` through the proxy, as the trace shows it.
pub(in crate::proxy) async fn process(
    cx: &ProxyCx,
    request: &Request,
) -> Result<Result<Response, Status>, CaseFailure> {
    let what = describe(PROCESS_METHOD, request);
    let mut client = EventSourcedTckModelClient::new(cx.channel());
    cx.client(&what, client.process(request.clone())).await
}

/// Calls `EventSourcedTckModel.Process` through the proxy and expects `Response{message: text}`.
pub(in crate::proxy) async fn process_ok(cx: &ProxyCx, request: &Request, text: &str) -> Verdict {
    let what = describe(PROCESS_METHOD, request);
    expect_response(&what, process(cx, request).await?, &response(text))
}

/// Calls `EventSourcedTckModel.Process` through the proxy and expects the failure `description`.
pub(super) async fn process_fails(cx: &ProxyCx, request: &Request, description: &str) -> Verdict {
    let what = describe(PROCESS_METHOD, request);
    expect_failure(&what, process(cx, request).await?, description)
}

/// Calls `EventSourcedConfigured.Call` for entity `id` through the proxy and expects an empty `Response`.
pub(in crate::proxy) async fn call_configured(cx: &ProxyCx, id: &str) -> Verdict {
    let request = request(id, Vec::new());
    let what = describe("EventSourcedConfigured.Call", &request);
    let mut client = EventSourcedConfiguredClient::new(cx.channel());
    let outcome = cx.client(&what, client.call(request)).await?;
    expect_response(&what, outcome, &Response::default())
}

fn stream_in(message: event_sourced_stream_in::Message) -> EventSourcedStreamIn {
    EventSourcedStreamIn {
        message: Some(message),
    }
}

/// The init of a `service` entity with no snapshot stored.
pub(in crate::proxy) fn init(service: &str, entity_id: &str) -> EventSourcedStreamIn {
    stream_in(event_sourced_stream_in::Message::Init(EventSourcedInit {
        service_name: service.to_owned(),
        entity_id: entity_id.to_owned(),
        snapshot: None,
    }))
}

/// The replayed event `Persisted{value}` with this sequence number.
pub(in crate::proxy) fn event_in(sequence: i64, value: &str) -> EventSourcedStreamIn {
    stream_in(event_sourced_stream_in::Message::Event(EventSourcedEvent {
        sequence,
        payload: Some(persisted(value)),
    }))
}

/// Command `command_id` to `name` for entity `entity_id`, carrying `request`, as the proxy must send it.
fn command_in(
    entity_id: &str,
    command_id: i64,
    name: &str,
    request: &Request,
) -> EventSourcedStreamIn {
    stream_in(event_sourced_stream_in::Message::Command(command(
        entity_id,
        command_id,
        name,
        pack(REQUEST, request),
    )))
}

/// Command `command_id` to `EventSourcedTckModel.Process` carrying `request`.
pub(in crate::proxy) fn process_in(command_id: i64, request: &Request) -> EventSourcedStreamIn {
    command_in(&request.id, command_id, PROCESS, request)
}

/// Command `command_id` to `Call` (of `EventSourcedTwo` or `EventSourcedConfigured`) for entity
/// `entity_id`, carrying `Request{entity_id}`.
pub(in crate::proxy) fn call_in(entity_id: &str, command_id: i64) -> EventSourcedStreamIn {
    command_in(entity_id, command_id, CALL, &request(entity_id, Vec::new()))
}

/// `Persisted{value}`, packed: the model's events and snapshots.
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
pub(in crate::proxy) struct Expected(EventSourcedReply);

impl Expected {
    fn with_action(command_id: i64, client_action: Option<ClientAction>) -> Self {
        Expected(EventSourcedReply {
            command_id,
            client_action,
            side_effects: Vec::new(),
            events: Vec::new(),
            snapshot: None,
        })
    }

    /// Reply to command `command_id` with `Response{message}`, no events and no side effects.
    pub(in crate::proxy) fn reply(command_id: i64, message: &str) -> Self {
        Self::with_action(command_id, reply(pack(RESPONSE, &response(message))))
    }

    /// Forward of command `command_id` to `EventSourcedTwo.Call` with `Request{id}`.
    pub(in crate::proxy) fn forward(command_id: i64, id: &str) -> Self {
        Self::with_action(
            command_id,
            forward(
                EVENT_SOURCED_TWO,
                CALL,
                pack(REQUEST, &request(id, Vec::new())),
            ),
        )
    }

    /// Failure of command `command_id` with this description and `restart` false.
    pub(super) fn failure(command_id: i64, description: &str) -> Self {
        Self::with_action(command_id, failure(command_id, description))
    }

    /// Failure of command `command_id` with this description and `restart` true.
    fn restarting_failure(command_id: i64, description: &str) -> Self {
        let failure = failure_message(command_id, description, true);
        Self::with_action(
            command_id,
            Some(ClientAction {
                action: Some(client_action::Action::Failure(failure)),
            }),
        )
    }

    /// With the events `Persisted{value}`, one per value, in order.
    pub(in crate::proxy) fn events(mut self, values: &[&str]) -> Self {
        self.0
            .events
            .extend(values.iter().map(|value| persisted(value)));
        self
    }

    /// With the snapshot `Persisted{state}`.
    pub(super) fn snapshot(mut self, state: &str) -> Self {
        self.0.snapshot = Some(persisted(state));
        self
    }

    /// With one more side effect to `EventSourcedTwo.Call` carrying `Request{id}`.
    pub(super) fn side_effect(mut self, id: &str, synchronous: bool) -> Self {
        let payload = pack(REQUEST, &request(id, Vec::new()));
        self.0
            .side_effects
            .push(side_effect(EVENT_SOURCED_TWO, CALL, payload, synchronous));
        self
    }

    /// The stream message.
    pub(in crate::proxy) fn out(self) -> EventSourcedStreamOut {
        EventSourcedStreamOut {
            message: Some(event_sourced_stream_out::Message::Reply(self.0)),
        }
    }
}

/// Expects the next call the proxy makes to be a new `EventSourced.handle` stream for entity `entity_id`
/// of `service`, opened with the init of an entity with no snapshot.
pub(super) async fn expect_new_stream(
    cx: &ProxyCx,
    service: &str,
    entity_id: &str,
) -> Result<CallProbe, CaseFailure> {
    cx.expect_stream(HANDLE, init(service, entity_id)).await
}

/// Expects command `command_id` to `Call` on an `EventSourcedTwo` or `EventSourcedConfigured` stream
/// carrying `Request{entity_id}`, and its empty reply.
pub(super) async fn expect_call_exchange(
    probe: &mut CallProbe,
    entity_id: &str,
    command_id: i64,
) -> Verdict {
    let reply = Expected::reply(command_id, "").out();
    probe
        .expect_exchange(call_in(entity_id, command_id), reply)
        .await
}

/// What the model answered to a command whose outcome was a failure, in either of the two forms the
/// protocol allows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum FailureReply {
    /// `restart` false: the proxy keeps the stream.
    KeepStream,
    /// `restart` true: the proxy must close the stream and reopen it with a replay.
    Restart,
}

/// Expects the user function's reply to command `command_id` to be a failure with `description`, with no
/// events, no snapshot and no side effects, and tells which `restart` it asked for.
pub(super) async fn expect_failure_reply(
    probe: &mut CallProbe,
    command_id: i64,
    description: &str,
) -> Result<FailureReply, CaseFailure> {
    let actual = probe
        .recv_from_user_function::<EventSourcedStreamOut>()
        .await?;
    if actual == Expected::failure(command_id, description).out() {
        return Ok(FailureReply::KeepStream);
    }
    if actual == Expected::restarting_failure(command_id, description).out() {
        return Ok(FailureReply::Restart);
    }
    Err(CaseFailure::mismatch(
        format!(
            "the user function's reply to command {command_id} is not the expected failure (with restart false, \
             as below, or true)"
        ),
        Expected::failure(command_id, description).out().pretty(),
        actual.pretty(),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn commands_carry_the_packed_request_and_no_metadata() {
        let request = request("e-1", emits(&["A"]));
        let Some(event_sourced_stream_in::Message::Command(command)) =
            process_in(2, &request).message
        else {
            panic!("not a command");
        };
        assert_eq!(
            (
                command.id,
                command.entity_id.as_str(),
                command.name.as_str()
            ),
            (2, "e-1", PROCESS)
        );
        assert_eq!(command.metadata, None);
        let payload = command.payload.unwrap_or_default();
        assert_eq!(
            payload.type_url,
            "type.googleapis.com/cloudstate.tck.model.Request"
        );
        assert_eq!(
            Request::decode(payload.value.as_slice()).ok(),
            Some(request)
        );
    }

    #[test]
    fn snapshots_and_events_are_persisted_messages() {
        let Some(event_sourced_stream_out::Message::Reply(reply)) = Expected::reply(1, "AB")
            .events(&["A", "B"])
            .snapshot("AB")
            .out()
            .message
        else {
            panic!("not a reply");
        };
        assert_eq!(reply.events.len(), 2);
        assert_eq!(
            reply.snapshot.map(|any| any.type_url).as_deref(),
            Some("type.googleapis.com/cloudstate.tck.model.Persisted")
        );
    }
}
