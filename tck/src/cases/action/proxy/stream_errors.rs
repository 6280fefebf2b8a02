//! Streamed action calls whose protocol call the user function ends with an error status, not with a
//! failure in an `ActionResponse`: the TCK, as the user function's stand-in, ends the call with
//! `UNAVAILABLE` in place of the model's first answer. The client must get an error too (ACT-043), not a
//! response the user function never sent nor a response stream completed with status OK.

use cloudstate_protocol::cloudstate::tck::model::action::Request;
use cloudstate_protocol::cloudstate::tck::model::action::action_tck_model_client::ActionTckModelClient;
use tokio::sync::mpsc;
use tokio_stream::wrappers::UnboundedReceiverStream;

use super::calls::sent;
use super::probe::{ActionCall, client_next};
use crate::case::{CaseFailure, Verdict};
use crate::messages::action::{
    PROCESS_STREAMED, PROCESS_STREAMED_IN, PROCESS_STREAMED_OUT, full_command, group, header,
    payload_only, reply, request, single,
};
use crate::proxy::ProxyCx;

/// The protocol path of each call shape, where the TCK ends the call.
const PROTOCOL: &str = "/cloudstate.action.ActionProtocol/";

/// What the client was to get: an error status, because the user function's call ended with one.
const EXPECTED: &str =
    "an error status (the user function ended the protocol call with UNAVAILABLE)";

/// Fails unless the client got an error where `got` describes what it got instead.
fn not_an_error(what: &str, got: String) -> CaseFailure {
    CaseFailure::mismatch(
        format!(
            "{what}: the TCK ended the protocol call with gRPC status UNAVAILABLE instead of the model's \
             answer, but the client's call did not end with an error (ACT-043)"
        ),
        EXPECTED.to_owned(),
        got,
    )
}

/// New (ACT-043): `ProcessStreamedIn` with one request `[reply two]`, then the client completes; the TCK
/// ends the `handleStreamedIn` call with UNAVAILABLE in place of the model's response. The client's call
/// must fail, not be answered with a response.
pub(super) async fn client_streaming_error_status_reaches_the_client(cx: ProxyCx) -> Verdict {
    cx.intercept()
        .crash_at_next_answer(&format!("{PROTOCOL}handleStreamedIn"));
    let what = "ProcessStreamedIn [reply two], complete";
    let mut client = ActionTckModelClient::new(cx.channel());
    let steps = single([reply("two")]);
    let (requests, stream) = mpsc::unbounded_channel::<Request>();
    sent(requests.send(steps.clone()))?;
    drop(requests);
    let call = client.process_streamed_in(UnboundedReceiverStream::new(stream));
    if let Ok(response) = cx.client(what, call).await? {
        return Err(not_an_error(what, format!("the response {response:?}")));
    }
    let mut call = ActionCall::expect(&cx, "handleStreamedIn").await?;
    call.expect_command(header(PROCESS_STREAMED_IN)).await?;
    call.expect_command(payload_only(&steps)).await?;
    call.expect_half_close().await
}

/// New (ACT-043): `ProcessStreamedOut [reply A] [reply B]`; the TCK ends the `handleStreamedOut` call with
/// UNAVAILABLE in place of the model's first response. The client's response stream must end with an
/// error, not complete with status OK.
pub(super) async fn server_streaming_error_status_reaches_the_client(cx: ProxyCx) -> Verdict {
    cx.intercept()
        .crash_at_next_answer(&format!("{PROTOCOL}handleStreamedOut"));
    let what = "ProcessStreamedOut [reply A] [reply B]";
    let mut client = ActionTckModelClient::new(cx.channel());
    let groups = request([group([reply("A")]), group([reply("B")])]);
    if let Ok(mut stream) = cx
        .client(what, client.process_streamed_out(groups.clone()))
        .await?
    {
        match client_next(&cx, what, &mut stream).await? {
            Err(_) => {}
            Ok(None) => {
                return Err(not_an_error(
                    what,
                    "the end of the response stream, status OK".to_owned(),
                ));
            }
            Ok(Some(message)) => {
                return Err(not_an_error(what, format!("the message {message:?}")));
            }
        }
    }
    let mut call = ActionCall::expect(&cx, "handleStreamedOut").await?;
    call.expect_command(full_command(PROCESS_STREAMED_OUT, &groups))
        .await?;
    call.expect_half_close().await
}

/// New (ACT-043): duplex `ProcessStreamed`, first request `[reply X]` with the client's stream left open;
/// the TCK ends the `handleStreamed` call with UNAVAILABLE in place of the model's answer. The client's
/// response stream must end with an error, not complete with status OK.
pub(super) async fn duplex_error_status_reaches_the_client(cx: ProxyCx) -> Verdict {
    cx.intercept()
        .crash_at_next_answer(&format!("{PROTOCOL}handleStreamed"));
    let what = "ProcessStreamed [reply X], the client's stream left open";
    let mut client = ActionTckModelClient::new(cx.channel());
    let first = single([reply("X")]);
    let (requests, stream) = mpsc::unbounded_channel::<Request>();
    sent(requests.send(first.clone()))?;
    let call = client.process_streamed(UnboundedReceiverStream::new(stream));
    if let Ok(mut responses) = cx.client(what, call).await? {
        match client_next(&cx, what, &mut responses).await? {
            Err(_) => {}
            Ok(None) => {
                return Err(not_an_error(
                    what,
                    "the end of the response stream, status OK".to_owned(),
                ));
            }
            Ok(Some(message)) => {
                return Err(not_an_error(what, format!("the message {message:?}")));
            }
        }
    }
    drop(requests);
    let mut call = ActionCall::expect(&cx, "handleStreamed").await?;
    call.expect_command(header(PROCESS_STREAMED)).await?;
    call.expect_command(payload_only(&first)).await
}
