//! Cases 158 to 161 of the original TCK: one client call of each `ActionTckModel` method through the
//! proxy, checked on the client's side and on the protocol call the proxy makes for it.

use cloudstate_protocol::cloudstate::tck::model::action::Request;
use cloudstate_protocol::cloudstate::tck::model::action::action_tck_model_client::ActionTckModelClient;
use tokio::sync::mpsc;
use tokio_stream::wrappers::UnboundedReceiverStream;

use super::probe::{ActionCall, client_expect_end, client_expect_message, client_outcome};
use super::support::{
    full_command, header, payload_only, replied, reply, request, response, single,
};
use crate::case::{CaseFailure, Verdict};
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
    call.expect_command(full_command("ProcessUnary", &steps))
        .await?;
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
    call.expect_command(header("ProcessStreamedIn")).await?;
    call.expect_command(payload_only(&steps)).await?;
    call.expect_half_close().await?;
    call.expect_response(replied("two", vec![])).await?;
    call.expect_end().await
}

/// `ProcessStreamedOut` with three groups: the client gets A, B, C and the end; the proxy sent the full
/// command and half-closed, and the model sent three replies and ended the call.
pub(super) async fn streamed_out_command_processing(cx: ProxyCx) -> Verdict {
    let mut client = ActionTckModelClient::new(cx.channel());
    let groups = request([vec![reply("A")], vec![reply("B")], vec![reply("C")]]);
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
    call.expect_command(full_command("ProcessStreamedOut", &groups))
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
    let mut client = ActionTckModelClient::new(cx.channel());
    let what = "ProcessStreamed";
    let (requests, stream) = mpsc::unbounded_channel::<Request>();
    // The first request goes out with the call, so a proxy that waits for it before answering the call's
    // headers is served too.
    sent(requests.send(single([reply("X")])))?;
    let mut responses = match cx
        .client(
            what,
            client.process_streamed(UnboundedReceiverStream::new(stream)),
        )
        .await?
    {
        Ok(responses) => responses,
        Err(status) => return client_outcome(what, Ok(response("X")), Err(status)),
    };
    client_expect_message(&cx, what, &mut responses, response("X")).await?;
    for message in ["Y", "Z"] {
        sent(requests.send(single([reply(message)])))?;
        client_expect_message(&cx, what, &mut responses, response(message)).await?;
    }
    drop(requests);
    client_expect_end(&cx, what, &mut responses).await?;

    let mut call = ActionCall::expect(&cx, "handleStreamed").await?;
    call.expect_command(header("ProcessStreamed")).await?;
    for message in ["X", "Y", "Z"] {
        call.expect_command(payload_only(&single([reply(message)])))
            .await?;
        call.expect_response(replied(message, vec![])).await?;
    }
    call.expect_half_close().await?;
    call.expect_end().await
}

/// A request handed to the client's request stream; a failure if the call is already over.
pub(super) fn sent<T>(result: Result<(), mpsc::error::SendError<T>>) -> Verdict {
    result.map_err(|_| {
        CaseFailure::fail("the client's call ended before the TCK could send its next request")
    })
}
