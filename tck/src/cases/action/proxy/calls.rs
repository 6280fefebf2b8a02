//! Cases 158 to 161 of the original TCK: one client call of each `ActionTckModel` method through the
//! proxy, checked on the client's side and on the protocol call the proxy makes for it.

use cloudstate_protocol::cloudstate::tck::model::action::action_tck_model_client::ActionTckModelClient;
use cloudstate_protocol::cloudstate::tck::model::action::{Request, Response};
use tokio::sync::mpsc;
use tokio_stream::wrappers::UnboundedReceiverStream;
use tonic::Streaming;

use super::probe::{ActionCall, client_expect_end, client_expect_message, client_outcome};
use crate::case::{CaseFailure, Verdict};
use crate::messages::action::{
    PROCESS_STREAMED, PROCESS_STREAMED_IN, PROCESS_STREAMED_OUT, full_command, group, header,
    payload_only, process_unary, replied, reply, request, response, single,
};
use crate::proxy::ProxyCx;

/// `ProcessUnary` with a reply step: the client gets the reply; the proxy made one `handleUnary` call with
/// the full command and half-closed, and the model replied and ended the call.
pub(super) async fn unary_command_processing(cx: ProxyCx) -> Verdict {
    let mut client = ActionTckModelClient::new(cx.channel());
    let steps = single([reply("one")]);
    let answer = cx
        .client(
            "ProcessUnary [reply one]",
            client.process_unary(steps.clone()),
        )
        .await?;
    client_outcome("ProcessUnary", Ok(response("one")), answer.map(Ok))?;

    let mut call = ActionCall::expect(&cx, "handleUnary").await?;
    call.expect_command(process_unary(&steps)).await?;
    call.expect_half_close().await?;
    call.expect_response(replied("one", vec![])).await?;
    call.expect_end().await
}

/// `ProcessStreamedIn` with one request, then the client completes: the client gets the reply; the proxy
/// sent the header, the request's command and then half-closed.
pub(super) async fn streamed_in_command_processing(cx: ProxyCx) -> Verdict {
    let mut client = ActionTckModelClient::new(cx.channel());
    let steps = single([reply("two")]);
    let (requests, stream) = mpsc::unbounded_channel::<Request>();
    sent(requests.send(steps.clone()))?;
    drop(requests);
    let call = client.process_streamed_in(UnboundedReceiverStream::new(stream));
    let answer = cx
        .client("ProcessStreamedIn [reply two], complete", call)
        .await?;
    client_outcome("ProcessStreamedIn", Ok(response("two")), answer.map(Ok))?;

    let mut call = ActionCall::expect(&cx, "handleStreamedIn").await?;
    call.expect_command(header(PROCESS_STREAMED_IN)).await?;
    call.expect_command(payload_only(&steps)).await?;
    call.expect_half_close().await?;
    call.expect_response(replied("two", vec![])).await?;
    call.expect_end().await
}

/// `ProcessStreamedOut` with three groups: the client gets A, B, C and the end; the proxy sent the full
/// command and half-closed, and the model sent three replies and ended the call.
pub(super) async fn streamed_out_command_processing(cx: ProxyCx) -> Verdict {
    let mut client = ActionTckModelClient::new(cx.channel());
    let groups = request([
        group([reply("A")]),
        group([reply("B")]),
        group([reply("C")]),
    ]);
    let what = "ProcessStreamedOut [reply A] [reply B] [reply C]";
    let mut stream = match cx
        .client(what, client.process_streamed_out(groups.clone()))
        .await?
    {
        Ok(stream) => stream,
        Err(status) => return client_outcome(what, Ok(response("A")), Err(status)),
    };
    for message in ["A", "B", "C"] {
        client_expect_message(&cx, what, &mut stream, response(message)).await?;
    }
    client_expect_end(&cx, what, &mut stream).await?;

    let mut call = ActionCall::expect(&cx, "handleStreamedOut").await?;
    call.expect_command(full_command(PROCESS_STREAMED_OUT, &groups))
        .await?;
    call.expect_half_close().await?;
    for message in ["A", "B", "C"] {
        call.expect_response(replied(message, vec![])).await?;
    }
    call.expect_end().await
}

/// Duplex `ProcessStreamed`: the client sends X, Y and Z one at a time, each answered before the next is
/// sent, then completes. The proxy sent the header, each command with its reply passed on, and
/// half-closed when the client completed; both streams end with status OK.
pub(super) async fn streamed_command_processing(cx: ProxyCx) -> Verdict {
    let what = "ProcessStreamed";
    let (requests, mut responses) =
        open_streamed(&cx, what, single([reply("X")]), response("X")).await?;
    for message in ["Y", "Z"] {
        sent(requests.send(single([reply(message)])))?;
        client_expect_message(&cx, what, &mut responses, response(message)).await?;
    }
    drop(requests);
    client_expect_end(&cx, what, &mut responses).await?;

    let mut call = ActionCall::expect(&cx, "handleStreamed").await?;
    call.expect_command(header(PROCESS_STREAMED)).await?;
    for message in ["X", "Y", "Z"] {
        call.expect_command(payload_only(&single([reply(message)])))
            .await?;
        call.expect_response(replied(message, vec![])).await?;
    }
    call.expect_half_close().await?;
    call.expect_end().await
}

/// Opens a duplex `ProcessStreamed` call through the proxy whose first request, `first`, goes out with the
/// call, so a proxy that waits for it before answering the call's headers is served too, and expects
/// `answer` as the client's first message. Returns the client's request stream, still open, and its
/// response stream.
pub(super) async fn open_streamed(
    cx: &ProxyCx,
    what: &str,
    first: Request,
    answer: Response,
) -> Result<(mpsc::UnboundedSender<Request>, Streaming<Response>), CaseFailure> {
    let mut client = ActionTckModelClient::new(cx.channel());
    let (requests, stream) = mpsc::unbounded_channel::<Request>();
    sent(requests.send(first))?;
    let call = client.process_streamed(UnboundedReceiverStream::new(stream));
    match cx.client(what, call).await? {
        Ok(mut responses) => {
            client_expect_message(cx, what, &mut responses, answer).await?;
            Ok((requests, responses))
        }
        Err(status) => {
            client_outcome(what, Ok(answer), Err(status))?;
            Err(CaseFailure::fail(format!(
                "{what}: the client's call failed"
            )))
        }
    }
}

/// A request handed to the client's request stream; a failure if the call is already over.
pub(super) fn sent<T>(result: Result<(), mpsc::error::SendError<T>>) -> Verdict {
    result.map_err(|_| {
        CaseFailure::fail("the client's call ended before the TCK could send its next request")
    })
}
