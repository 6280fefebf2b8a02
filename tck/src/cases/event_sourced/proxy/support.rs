//! The proxy-mode event-sourced cases' own steps: the client's calls through the proxy, and what the
//! interceptor must see of the streams between the proxy and the model.

use cloudstate_protocol::cloudstate::eventsourced::EventSourcedStreamOut;
use cloudstate_protocol::cloudstate::tck::model::event_sourced_configured_client::EventSourcedConfiguredClient;
use cloudstate_protocol::cloudstate::tck::model::event_sourced_tck_model_client::EventSourcedTckModelClient;
use cloudstate_protocol::cloudstate::tck::model::{Request, Response};
use prost::Message as _;
use tonic::Status;

use crate::case::{CaseFailure, Verdict};
use crate::cases::shared::checks::{expect_failure, expect_response};
use crate::messages::event_sourced::{
    Expected, HANDLE, PROCESS_METHOD, REQUEST, call_in, call_request, init, response,
};
use crate::proxy::{CallProbe, ProxyCx};
use crate::wire::{WireMessage as _, render_compact};

/// How a request shows in the trace and in failure reports.
pub(crate) fn describe(method: &str, request: &Request) -> String {
    format!(
        "{method} {}",
        render_compact(REQUEST, &request.encode_to_vec())
    )
}

/// Calls `EventSourcedTckModel.Process` through the proxy, as the trace shows it.
pub(crate) async fn process(
    cx: &ProxyCx,
    request: &Request,
) -> Result<Result<Response, Status>, CaseFailure> {
    let what = describe(PROCESS_METHOD, request);
    let mut client = EventSourcedTckModelClient::new(cx.channel());
    cx.client(&what, client.process(request.clone())).await
}

/// Calls `EventSourcedTckModel.Process` through the proxy and expects `Response{message: text}`.
pub(crate) async fn process_ok(cx: &ProxyCx, request: &Request, text: &str) -> Verdict {
    let what = describe(PROCESS_METHOD, request);
    expect_response(&what, process(cx, request).await?, &response(text))
}

/// Calls `EventSourcedTckModel.Process` through the proxy and expects the failure `description`.
pub(super) async fn process_fails(cx: &ProxyCx, request: &Request, description: &str) -> Verdict {
    let what = describe(PROCESS_METHOD, request);
    expect_failure(&what, process(cx, request).await?, description)
}

/// Calls `EventSourcedConfigured.Call` for entity `id` through the proxy and expects an empty `Response`.
pub(crate) async fn call_configured(cx: &ProxyCx, id: &str) -> Verdict {
    let request = call_request(id);
    let what = describe("EventSourcedConfigured.Call", &request);
    let mut client = EventSourcedConfiguredClient::new(cx.channel());
    let outcome = cx.client(&what, client.call(request)).await?;
    expect_response(&what, outcome, &Response::default())
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
    if actual == Expected::failure(command_id, description, false).out() {
        return Ok(FailureReply::KeepStream);
    }
    if actual == Expected::failure(command_id, description, true).out() {
        return Ok(FailureReply::Restart);
    }
    Err(CaseFailure::mismatch(
        format!(
            "the user function's reply to command {command_id} is not the expected failure (with restart false, \
             as below, or true)"
        ),
        Expected::failure(command_id, description, false)
            .out()
            .pretty(),
        actual.pretty(),
    ))
}
