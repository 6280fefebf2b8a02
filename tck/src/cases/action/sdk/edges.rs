//! Action calls at the edges: `ActionTwo.Call`, which other cases only name as the target of forwards and
//! side effects; a unary command of nearly 4 MiB; and a streamed-out and a duplex call the proxy cancels
//! mid-stream, after which the user function must go on serving.

use std::time::Duration;

use cloudstate_protocol::names::model::{ACTION_TCK_MODEL, ACTION_TWO};

use crate::case::{Case, CaseFailure, Verdict, sdk_case};
use crate::cases::shared::large::{expect_large, large_text};
use crate::messages::action::{
    PROCESS_STREAMED, PROCESS_STREAMED_OUT, full_command, group, header, payload_only,
    process_unary, replied, reply, request, single, two_call,
};
use crate::sdk::SdkCx;
use crate::wire::Direction;

/// The cases of this file, in run order.
pub(super) const CASES: &[Case] = &[
    sdk_case! {
        id: "action.sdk.second_service_call",
        summary: "ActionTwo.Call, the target of forwards and side effects, answers with an empty Response",
        requirements: ["ACT-002", "ACT-010", "ACT-018", "ACT-025"],
        services: &[ACTION_TCK_MODEL, ACTION_TWO],
        run: second_service_call,
    },
    sdk_case! {
        id: "action.sdk.unary_large_payload",
        summary: "a unary command of nearly 4 MiB is answered with its reply of the same size",
        requirements: ["ACT-002", "ACT-010", "ACT-042"],
        services: &[ACTION_TCK_MODEL, ACTION_TWO],
        run: unary_large_payload,
    },
    sdk_case! {
        id: "action.sdk.streamed_out_cancelled_mid_stream",
        summary: "a streamed-out call the proxy cancels after its first response leaves the next calls served",
        requirements: ["ACT-023", "ACT-041"],
        services: &[ACTION_TCK_MODEL, ACTION_TWO],
        run: streamed_out_cancelled_mid_stream,
    },
    sdk_case! {
        id: "action.sdk.streamed_cancelled_mid_stream",
        summary: "a duplex call the proxy cancels after a response, without half-closing, leaves the next calls served",
        requirements: ["ACT-024", "ACT-041"],
        services: &[ACTION_TCK_MODEL, ACTION_TWO],
        run: streamed_cancelled_mid_stream,
    },
];

/// How many groups the cancelled streamed-out call asks for: more responses than fit the flow-control
/// window of the call, so the user function is still sending when the proxy cancels it.
const CANCELLED_GROUPS: usize = 50_000;

/// How long the case lets the user function notice the cancellation before it calls again.
const NOTICE: Duration = Duration::from_millis(100);

/// `ActionTwo.Call` with `OtherRequest{id}` answers with an empty `Response`, whatever the id.
pub(super) async fn second_service_call(cx: SdkCx) -> Verdict {
    for id in ["one", "two"] {
        let mut call = cx.action_unary(two_call(id));
        call.expect(replied("", vec![])).await?;
        call.expect_end().await?;
    }
    Ok(())
}

/// A `ProcessUnary` request whose one step replies with a text of nearly 4 MiB gets that reply.
pub(super) async fn unary_large_payload(cx: SdkCx) -> Verdict {
    let text = large_text("unary-");
    let mut call = cx.action_unary(process_unary(&single([reply(&text)])));
    expect_large(
        &mut call,
        replied(&text, vec![]),
        &format!(
            "sent ProcessUnary with one reply step of {} bytes, so a command just under gRPC's \
             default limit of 4 MiB, and expected the reply with that text (ACT-042)",
            text.len()
        ),
    )
    .await?;
    call.expect_end().await
}

/// The proxy cancels a streamed-out call of many groups after its first response; the user function stops
/// (nothing is checked of that call any more) and then answers a unary call and a whole streamed-out call.
pub(super) async fn streamed_out_cancelled_mid_stream(cx: SdkCx) -> Verdict {
    let groups = (0..CANCELLED_GROUPS).map(|index| group([reply(&index.to_string())]));
    let mut cancelled =
        cx.action_streamed_out(full_command(PROCESS_STREAMED_OUT, &request(groups)));
    cancelled.expect(replied("0", vec![])).await?;
    drop(cancelled);
    cx.trace().record(
        "case",
        Direction::Event,
        format!(
            "cancelled the streamed-out call of {CANCELLED_GROUPS} groups after its first response; \
             waiting {} ms before the next calls",
            NOTICE.as_millis()
        ),
    );
    tokio::time::sleep(NOTICE).await;
    served_after_cancelling(&cx, "a streamed-out call mid-stream").await
}

/// The proxy cancels a duplex call after the response to its first request, without half-closing it;
/// the user function then answers a unary call and a whole streamed-out call.
pub(super) async fn streamed_cancelled_mid_stream(cx: SdkCx) -> Verdict {
    let mut cancelled = cx.action_streamed();
    cancelled.send(header(PROCESS_STREAMED));
    cancelled.send(payload_only(&single([reply("one")])));
    cancelled.expect(replied("one", vec![])).await?;
    drop(cancelled);
    cx.trace().record(
        "case",
        Direction::Event,
        format!(
            "cancelled the duplex call after its first response, its input still open; waiting {} \
             ms before the next calls",
            NOTICE.as_millis()
        ),
    );
    tokio::time::sleep(NOTICE).await;
    served_after_cancelling(&cx, "a duplex call with its input still open").await
}

/// After the proxy cancelled `cancelled`, a unary call and a whole streamed-out call are answered.
async fn served_after_cancelling(cx: &SdkCx, cancelled: &str) -> Verdict {
    let note = |mut failure: CaseFailure| {
        failure.message = format!(
            "{} (a call sent after the proxy cancelled {cancelled}; the user function must go on \
             serving, ACT-041)",
            failure.message
        );
        failure
    };
    let mut unary = cx.action_unary(process_unary(&single([reply("after")])));
    unary.expect(replied("after", vec![])).await.map_err(note)?;
    unary.expect_end().await?;

    let whole = request([group([reply("one")]), group([reply("two")])]);
    let mut again = cx.action_streamed_out(full_command(PROCESS_STREAMED_OUT, &whole));
    again.expect(replied("one", vec![])).await.map_err(note)?;
    again.expect(replied("two", vec![])).await?;
    again.expect_end().await
}
