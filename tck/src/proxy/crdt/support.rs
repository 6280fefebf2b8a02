//! Builders for the proxy-mode CRDT cases: the client's calls, and the protocol messages the
//! interceptor must see between the proxy and the model (the requests, states and deltas they carry are
//! built in `values`).
//!
//! The cases change sets by at most one element per command, so the order of elements in a delta never
//! matters and every message is compared byte for byte.

use cloudstate_protocol::cloudstate::crdt::{
    CrdtDelete, CrdtDelta, CrdtInit, CrdtReply, CrdtStateAction, CrdtStreamCancelledResponse,
    CrdtStreamIn, CrdtStreamOut, CrdtStreamedMessage, CrdtWriteConsistency, crdt_state_action,
    crdt_stream_in, crdt_stream_out,
};
use cloudstate_protocol::cloudstate::tck::model::crdt::crdt_configured_client::CrdtConfiguredClient;
use cloudstate_protocol::cloudstate::tck::model::crdt::crdt_tck_model_client::CrdtTckModelClient;
use cloudstate_protocol::cloudstate::tck::model::crdt::crdt_two_client::CrdtTwoClient;
use cloudstate_protocol::cloudstate::tck::model::crdt::{Request, Response, StreamedRequest};
use cloudstate_protocol::cloudstate::{ClientAction, StreamCancelled};
use cloudstate_protocol::names::model::CRDT_TWO;
use prost::Message as _;

use super::values::request;
use crate::case::{CaseFailure, Verdict};
use crate::messages::{command, failure, forward, pack, reply, side_effect};
use crate::proxy::value_entity::checks::{expect_failure, expect_response};
use crate::proxy::{CallProbe, ProxyCx};
use crate::wire::render_compact;

/// The protocol method of CRDT entities, as the interceptor sees calls to it.
pub(super) const HANDLE: &str = "/cloudstate.crdt.Crdt/handle";

/// Full name of the model's request message.
const REQUEST: &str = "cloudstate.tck.model.crdt.Request";
/// Full name of the model's streamed request message.
const STREAMED_REQUEST: &str = "cloudstate.tck.model.crdt.StreamedRequest";
/// Full name of the model's response message.
const RESPONSE: &str = "cloudstate.tck.model.crdt.Response";

/// The failure message the cases ask the model to fail with.
pub(super) const EXPECTED_FAILURE: &str = "expected failure";

// ---- Protocol messages ----

fn stream_in(message: crdt_stream_in::Message) -> CrdtStreamIn {
    CrdtStreamIn {
        message: Some(message),
    }
}

/// The init of a new `service` entity: no delta.
pub(super) fn init(service: &str, entity_id: &str) -> CrdtStreamIn {
    stream_in(crdt_stream_in::Message::Init(CrdtInit {
        service_name: service.to_owned(),
        entity_id: entity_id.to_owned(),
        delta: None,
    }))
}

/// Command `command_id` to `Process` carrying `request`, as the proxy must send it.
pub(super) fn process_in(command_id: i64, request: &Request) -> CrdtStreamIn {
    stream_in(crdt_stream_in::Message::Command(command(
        &request.id,
        command_id,
        "Process",
        pack(REQUEST, request),
    )))
}

/// Command `command_id` to `Call` (`CrdtTwo`, `CrdtConfigured`) carrying `request`.
pub(super) fn call_in(command_id: i64, request: &Request) -> CrdtStreamIn {
    stream_in(crdt_stream_in::Message::Command(command(
        &request.id,
        command_id,
        "Call",
        pack(REQUEST, request),
    )))
}

/// Streamed command `command_id` to `ProcessStreamed` carrying `request`.
pub(super) fn streamed_in(command_id: i64, request: &StreamedRequest) -> CrdtStreamIn {
    let mut command = command(
        &request.id,
        command_id,
        "ProcessStreamed",
        pack(STREAMED_REQUEST, request),
    );
    command.streamed = true;
    stream_in(crdt_stream_in::Message::Command(command))
}

/// The proxy's notice that the client of streamed command `command_id` went away.
pub(super) fn cancelled_in(entity_id: &str, command_id: i64) -> CrdtStreamIn {
    stream_in(crdt_stream_in::Message::StreamCancelled(StreamCancelled {
        entity_id: entity_id.to_owned(),
        id: command_id,
    }))
}

fn state_update(delta: CrdtDelta) -> CrdtStateAction {
    CrdtStateAction {
        write_consistency: CrdtWriteConsistency::Local.into(),
        action: Some(crdt_state_action::Action::Update(delta)),
    }
}

/// A `CrdtReply` the model is expected to send, built up field by field.
#[derive(Debug, Clone)]
pub(super) struct Expected(CrdtReply);

impl Expected {
    fn with_action(command_id: i64, client_action: Option<ClientAction>) -> Self {
        Expected(CrdtReply {
            command_id,
            client_action,
            side_effects: Vec::new(),
            state_action: None,
            streamed: false,
        })
    }

    /// Reply to command `command_id` with `response`, and nothing else.
    pub(super) fn reply(command_id: i64, response: &Response) -> Self {
        Self::with_action(command_id, reply(pack(RESPONSE, response)))
    }

    /// Reply to command `command_id` with no client action.
    pub(super) fn no_action(command_id: i64) -> Self {
        Self::with_action(command_id, None)
    }

    /// Forward of command `command_id` to `CrdtTwo.Call` with `Request{id}`.
    pub(super) fn forward(command_id: i64, id: &str) -> Self {
        let payload = pack(REQUEST, &request(id, Vec::new()));
        Self::with_action(command_id, forward(CRDT_TWO, "Call", payload))
    }

    /// Failure of command `command_id` with this description (restart false).
    pub(super) fn failure(command_id: i64, description: &str) -> Self {
        Self::with_action(command_id, failure(command_id, description))
    }

    /// With the state action `update(delta)`, write consistency `LOCAL`.
    pub(super) fn update(mut self, delta: CrdtDelta) -> Self {
        self.0.state_action = Some(state_update(delta));
        self
    }

    /// With the state action `delete`.
    pub(super) fn delete(mut self) -> Self {
        self.0.state_action = Some(CrdtStateAction {
            write_consistency: CrdtWriteConsistency::Local.into(),
            action: Some(crdt_state_action::Action::Delete(CrdtDelete {})),
        });
        self
    }

    /// With one more side effect to `CrdtTwo.Call` carrying `Request{id}`.
    pub(super) fn side_effect(mut self, id: &str, synchronous: bool) -> Self {
        let payload = pack(REQUEST, &request(id, Vec::new()));
        self.0
            .side_effects
            .push(side_effect(CRDT_TWO, "Call", payload, synchronous));
        self
    }

    /// With `streamed` set.
    pub(super) fn streamed(mut self) -> Self {
        self.0.streamed = true;
        self
    }

    /// The stream message.
    pub(super) fn out(self) -> CrdtStreamOut {
        CrdtStreamOut {
            message: Some(crdt_stream_out::Message::Reply(self.0)),
        }
    }
}

/// A `CrdtStreamedMessage` for command `command_id` with `response`.
pub(super) fn streamed_out(command_id: i64, response: &Response) -> CrdtStreamOut {
    CrdtStreamOut {
        message: Some(crdt_stream_out::Message::StreamedMessage(
            CrdtStreamedMessage {
                command_id,
                client_action: reply(pack(RESPONSE, response)),
                side_effects: Vec::new(),
                end_stream: false,
            },
        )),
    }
}

/// The answer to the cancellation of streamed command `command_id`, with the state action
/// `update(delta)` when given.
pub(super) fn cancelled_out(command_id: i64, delta: Option<CrdtDelta>) -> CrdtStreamOut {
    CrdtStreamOut {
        message: Some(crdt_stream_out::Message::StreamCancelledResponse(
            CrdtStreamCancelledResponse {
                command_id,
                side_effects: Vec::new(),
                state_action: delta.map(state_update),
            },
        )),
    }
}

// ---- Client calls ----

/// How a request shows in the trace and in failure reports.
pub(super) fn describe(method: &str, request: &Request) -> String {
    format!(
        "{method} {}",
        render_compact(REQUEST, &request.encode_to_vec())
    )
}

/// Calls `CrdtTckModel.Process` through the proxy and expects `expected`.
pub(super) async fn process_ok(cx: &ProxyCx, request: &Request, expected: &Response) -> Verdict {
    let what = describe("CrdtTckModel.Process", request);
    let mut client = CrdtTckModelClient::new(cx.channel());
    let outcome = cx.client(&what, client.process(request.clone())).await?;
    expect_response(&what, outcome, expected)
}

/// Calls `CrdtTckModel.Process` through the proxy and expects the failure `description`.
pub(super) async fn process_fails(cx: &ProxyCx, request: &Request, description: &str) -> Verdict {
    let what = describe("CrdtTckModel.Process", request);
    let mut client = CrdtTckModelClient::new(cx.channel());
    let outcome = cx.client(&what, client.process(request.clone())).await?;
    expect_failure(&what, outcome, description)
}

/// Calls `CrdtTwo.Call` through the proxy and expects an empty `Response`.
pub(super) async fn call_two(cx: &ProxyCx, request: &Request) -> Verdict {
    let what = describe("CrdtTwo.Call", request);
    let mut client = CrdtTwoClient::new(cx.channel());
    let outcome = cx.client(&what, client.call(request.clone())).await?;
    expect_response(&what, outcome, &Response::default())
}

/// Calls `CrdtConfigured.Call` for entity `id` through the proxy and expects an empty `Response`.
pub(super) async fn call_configured(cx: &ProxyCx, id: &str) -> Verdict {
    let request = request(id, Vec::new());
    let what = describe("CrdtConfigured.Call", &request);
    let mut client = CrdtConfiguredClient::new(cx.channel());
    let outcome = cx.client(&what, client.call(request)).await?;
    expect_response(&what, outcome, &Response::default())
}

// ---- Traffic ----

/// Expects the next call the proxy makes to be a new `Crdt.handle` stream for entity `entity_id` of
/// `service`, opened with the init of an entity with no value.
pub(super) async fn expect_new_stream(
    cx: &ProxyCx,
    service: &str,
    entity_id: &str,
) -> Result<CallProbe, CaseFailure> {
    cx.expect_stream(HANDLE, init(service, entity_id)).await
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::proxy::crdt::values::primitive_string;

    #[test]
    fn primitive_strings_and_commands_have_the_protocol_shape() {
        assert_eq!(primitive_string("").value, Vec::<u8>::new());
        assert_eq!(primitive_string("a").value, vec![0x0a, 0x01, b'a']);
        let Some(crdt_stream_in::Message::Command(command)) =
            streamed_in(2, &StreamedRequest::default()).message
        else {
            panic!("not a command");
        };
        assert!(command.streamed && command.metadata.is_none());
        assert_eq!(
            command.payload.map(|payload| payload.type_url).as_deref(),
            Some("type.googleapis.com/cloudstate.tck.model.crdt.StreamedRequest")
        );
    }
}
