//! Cases 164 and 165 of the original TCK: a failure from the user function reaches the client as a gRPC
//! error with status `UNKNOWN` and the failure's description.

use cloudstate_protocol::cloudstate::tck::model::action::Request;
use cloudstate_protocol::cloudstate::tck::model::action::action_tck_model_client::ActionTckModelClient;
use tokio::sync::mpsc;
use tokio_stream::wrappers::UnboundedReceiverStream;
use tonic::Code;

use super::calls::sent;
use super::probe::{ActionCall, client_next, client_outcome};
use crate::case::Verdict;
use crate::messages::action::{
    PROCESS_STREAMED, fail, failed, header, payload_only, process_unary, single,
};
use crate::proxy::ProxyCx;

/// The description every failure of these cases carries.
const DESCRIPTION: &str = "expected failure";

/// Unary: the client gets `UNKNOWN` with the description; the model's failure passed through the proxy.
pub(super) async fn unary_failures(cx: ProxyCx) -> Verdict {
    let mut client = ActionTckModelClient::new(cx.channel());
    let steps = single([fail(DESCRIPTION)]);
    let what = "ProcessUnary [fail]";
    let answer = cx.client(what, client.process_unary(steps.clone())).await?;
    client_outcome(what, Err((Code::Unknown, DESCRIPTION)), answer.map(Ok))?;

    let mut call = ActionCall::expect(&cx, "handleUnary").await?;
    call.expect_command(process_unary(&steps)).await?;
    call.expect_half_close().await?;
    call.expect_response(failed(DESCRIPTION, vec![])).await?;
    call.expect_end().await
}

/// Duplex: a failure ends the client's response stream with `UNKNOWN` and the description while the
/// client's request stream is still open, and the proxy then closes its protocol call (cancels it, or
/// half-closes it).
pub(super) async fn streamed_failures(cx: ProxyCx) -> Verdict {
    let mut client = ActionTckModelClient::new(cx.channel());
    let what = "ProcessStreamed [fail]";
    let steps = single([fail(DESCRIPTION)]);
    let (requests, stream) = mpsc::unbounded_channel::<Request>();
    sent(requests.send(steps.clone()))?;
    // `requests` stays open until the end of the case: the error must come without the client completing.
    let status = match cx
        .client(
            what,
            client.process_streamed(UnboundedReceiverStream::new(stream)),
        )
        .await?
    {
        // A proxy may answer with the error alone, without response headers first.
        Err(status) => Err(status),
        Ok(mut responses) => match client_next(&cx, what, &mut responses).await? {
            Err(status) => Err(status),
            Ok(Some(message)) => Ok(Ok(message)),
            Ok(None) => Ok(Err("the end of the stream with status OK")),
        },
    };
    client_outcome(what, Err((Code::Unknown, DESCRIPTION)), status)?;

    let mut call = ActionCall::expect(&cx, "handleStreamed").await?;
    call.expect_command(header(PROCESS_STREAMED)).await?;
    call.expect_command(payload_only(&steps)).await?;
    call.expect_response(failed(DESCRIPTION, vec![])).await?;
    call.expect_closed_by_proxy().await?;
    drop(requests);
    Ok(())
}
