//! What the proxy-mode CRDT cases share: the client's calls through the proxy and what the client must
//! get, and the first message the interceptor must see on a new `Crdt.handle` stream. The protocol
//! messages and the model's requests, states and deltas are built in `crate::messages::crdt`.
//!
//! The cases change sets by at most one element per command, so the order of elements in a delta never
//! matters and every message is compared byte for byte.

use cloudstate_protocol::cloudstate::tck::model::crdt::crdt_configured_client::CrdtConfiguredClient;
use cloudstate_protocol::cloudstate::tck::model::crdt::crdt_tck_model_client::CrdtTckModelClient;
use cloudstate_protocol::cloudstate::tck::model::crdt::crdt_two_client::CrdtTwoClient;
use std::time::Duration;

use cloudstate_protocol::cloudstate::tck::model::crdt::{Request, Response};
use prost::Message as _;
use tonic::Streaming;

use crate::case::{CaseFailure, Verdict};
use crate::cases::shared::checks::{expect_failure, expect_response};
use crate::messages::crdt::{HANDLE, REQUEST, init_of, request};
use crate::proxy::{CallProbe, ProxyCx};
use crate::wire::{Direction, render_compact};

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

/// Expects the next call the proxy makes to be a new `Crdt.handle` stream for entity `entity_id` of
/// `service`, opened with the init of an entity with no value.
pub(super) async fn expect_new_stream(
    cx: &ProxyCx,
    service: &str,
    entity_id: &str,
) -> Result<CallProbe, CaseFailure> {
    cx.expect_stream(HANDLE, init_of(service, entity_id, None))
        .await
}

/// The next item of a client's response stream, as the trace and failure reports show it, waiting at
/// most `wait` (and never past the case deadline); `None` when nothing came by then.
async fn client_next(
    cx: &ProxyCx,
    what: &str,
    stream: &mut Streaming<Response>,
    wait: Duration,
) -> Option<(Option<Response>, String)> {
    let until = (tokio::time::Instant::now() + wait).min(cx.deadline());
    let next = tokio::time::timeout_at(until, stream.message())
        .await
        .ok()?;
    let (message, actual) = match next {
        Ok(Some(message)) => {
            let actual = format!("{message:?}");
            (Some(message), actual)
        }
        Ok(None) => (None, "(end of stream, status OK)".to_owned()),
        Err(status) => (
            None,
            format!("gRPC status {:?}: {}", status.code(), status.message()),
        ),
    };
    cx.trace().record(
        &format!("client {what}"),
        Direction::Received,
        format!("proxy -> client {actual}"),
    );
    Some((message, actual))
}

/// Expects the next message of a client's response stream to be `expected`.
pub(super) async fn client_expect(
    cx: &ProxyCx,
    what: &str,
    stream: &mut Streaming<Response>,
    expected: &Response,
) -> Verdict {
    let wait = cx
        .deadline()
        .saturating_duration_since(tokio::time::Instant::now());
    match client_next(cx, what, stream, wait).await {
        None => Err(CaseFailure::fail(format!(
            "{what}: the client got no message before the case deadline, expected {expected:?}"
        ))),
        Some((Some(message), _)) if message == *expected => Ok(()),
        Some((_, actual)) => Err(CaseFailure::mismatch(
            format!("{what}: the client's response stream did not give the expected message"),
            format!("{expected:?}"),
            actual,
        )),
    }
}

/// Expects a client's response stream to end with status OK within `wait`; `rule` says why it must.
pub(super) async fn client_expect_end(
    cx: &ProxyCx,
    what: &str,
    stream: &mut Streaming<Response>,
    wait: Duration,
    rule: &str,
) -> Verdict {
    match client_next(cx, what, stream, wait).await {
        Some((None, actual)) if actual.starts_with("(end of stream") => Ok(()),
        Some((_, actual)) => Err(CaseFailure::mismatch(
            format!("{what}: the client's response stream did not end with status OK ({rule})"),
            "(end of stream, status OK)".to_owned(),
            actual,
        )),
        None => Err(CaseFailure::mismatch(
            format!("{what}: the client's response stream was still open after {wait:?} ({rule})"),
            "(end of stream, status OK)".to_owned(),
            "(nothing: the stream stayed open)".to_owned(),
        )),
    }
}
