//! Cases 162 and 163 of the original TCK: forwards and side effects of actions through the proxy. Each
//! forward and each side effect must become a call of its own: a `handleUnary` call of
//! `ActionTwo.Call`, which the model answers with an empty `Response`.

use cloudstate_protocol::cloudstate::tck::model::action::action_tck_model_client::ActionTckModelClient;

use super::calls::{open_streamed, sent};
use super::probe::{ActionCall, client_expect_end, client_outcome};
use crate::case::Verdict;
use crate::messages::action::{
    PROCESS_STREAMED, effect, effects, forward, forwarded, header, no_reply, payload_only,
    process_unary, replied, reply, response, single, two_call,
};
use crate::proxy::ProxyCx;

/// Unary: a forward gives the client the empty `Response` of the forwarded `ActionTwo.Call`, made as a
/// separate call after the forward; a reply "" with a side effect gives the client the empty reply, and
/// the side effect becomes a separate `ActionTwo.Call`.
pub(super) async fn unary_forwards_and_side_effects(cx: ProxyCx) -> Verdict {
    let mut client = ActionTckModelClient::new(cx.channel());

    let steps = single([forward("other")]);
    let answer = cx
        .client(
            "ProcessUnary [forward other]",
            client.process_unary(steps.clone()),
        )
        .await?;
    client_outcome(
        "ProcessUnary [forward other]",
        Ok(response("")),
        answer.map(Ok),
    )?;
    let mut call = ActionCall::expect(&cx, "handleUnary").await?;
    call.expect_command(process_unary(&steps)).await?;
    call.expect_half_close().await?;
    call.expect_response(forwarded("other", vec![])).await?;
    call.expect_end().await?;
    expect_two_call(&cx, "other").await?;

    let steps = single([reply(""), effect("another")]);
    let what = "ProcessUnary [reply \"\", side effect another]";
    let answer = cx.client(what, client.process_unary(steps.clone())).await?;
    client_outcome(what, Ok(response("")), answer.map(Ok))?;
    let mut call = ActionCall::expect(&cx, "handleUnary").await?;
    call.expect_command(process_unary(&steps)).await?;
    call.expect_half_close().await?;
    call.expect_response(replied("", effects(["another"])))
        .await?;
    call.expect_end().await?;
    expect_two_call(&cx, "another").await
}

/// Duplex: a forward in the stream makes the proxy call `ActionTwo.Call` and pass its empty `Response` on
/// as the next message of the client's stream; a request with only a side effect gives the client
/// nothing, but the side effect's call is made. Both streams then end with status OK.
pub(super) async fn streamed_forwards_and_side_effects(cx: ProxyCx) -> Verdict {
    let what = "ProcessStreamed";
    let (requests, mut responses) =
        open_streamed(&cx, what, single([forward("one")]), response("")).await?;
    let mut streamed = ActionCall::expect(&cx, "handleStreamed").await?;
    streamed.expect_command(header(PROCESS_STREAMED)).await?;
    streamed
        .expect_command(payload_only(&single([forward("one")])))
        .await?;
    streamed.expect_response(forwarded("one", vec![])).await?;
    expect_two_call(&cx, "one").await?;

    sent(requests.send(single([effect("two")])))?;
    streamed
        .expect_command(payload_only(&single([effect("two")])))
        .await?;
    streamed.expect_response(no_reply(effects(["two"]))).await?;
    expect_two_call(&cx, "two").await?;

    // The side effect's request gave the client no message: the next thing it gets is the end.
    drop(requests);
    client_expect_end(&cx, what, &mut responses).await?;
    streamed.expect_half_close().await?;
    streamed.expect_end().await
}

/// The separate `handleUnary` call of `ActionTwo.Call` with `OtherRequest{id}` that a forward or a side
/// effect makes, answered with an empty `Response`.
async fn expect_two_call(cx: &ProxyCx, id: &str) -> Verdict {
    let mut call = ActionCall::expect(cx, "handleUnary").await?;
    call.expect_command(two_call(id)).await?;
    call.expect_half_close().await?;
    call.expect_response(replied("", vec![])).await?;
    call.expect_end().await
}
