//! Cases 32 to 35 of the original TCK: duplex `handleStreamed` calls of `ActionTckModel.ProcessStreamed`.
//!
//! Each case sends the header, then five requests one at a time, and checks the responses to each request
//! before it sends the next: one response per group. The first four requests have one group each (no side
//! effect, one, one synchronous, three); the fifth has two groups and so gets two responses. The TCK then
//! half-closes and expects the end of the call.

use cloudstate_protocol::cloudstate::action::ActionResponse;
use cloudstate_protocol::cloudstate::tck::model::action::Request;
use cloudstate_protocol::names::model::{ACTION_TCK_MODEL, ACTION_TWO};

use crate::case::{Case, Verdict, sdk_case};
use crate::messages::action::{
    PROCESS_STREAMED, effect, effects, fail, failed, forward, forwarded, group, header, no_reply,
    payload_only, replied, reply, request, single, sync_effect, sync_effects,
};
use crate::sdk::{ActionStream, SdkCx};

/// The cases of this file, in run order.
pub(super) const CASES: &[Case] = &[
    sdk_case! {
        id: "action.sdk.streamed_command_replies_and_side_effects",
        summary: "a duplex call answers each request with one reply per group before the next request, then ends",
        requirements: ["ACT-003", "ACT-004", "ACT-007", "ACT-008", "ACT-010", "ACT-014", "ACT-015", "ACT-018", "ACT-024"],
        services: &[ACTION_TCK_MODEL, ACTION_TWO],
        run: streamed_command_replies_and_side_effects,
    },
    sdk_case! {
        id: "action.sdk.streamed_command_no_replies_and_side_effects",
        summary: "a duplex call answers each request without replies with one no-outcome response per group",
        requirements: ["ACT-007", "ACT-008", "ACT-009", "ACT-014", "ACT-015", "ACT-018", "ACT-024"],
        services: &[ACTION_TCK_MODEL, ACTION_TWO],
        run: streamed_command_no_replies_and_side_effects,
    },
    sdk_case! {
        id: "action.sdk.streamed_command_forwards_and_side_effects",
        summary: "a duplex call answers each request with one forward per group, with its side effects",
        requirements: ["ACT-007", "ACT-008", "ACT-011", "ACT-014", "ACT-015", "ACT-018", "ACT-024"],
        services: &[ACTION_TCK_MODEL, ACTION_TWO],
        run: streamed_command_forwards_and_side_effects,
    },
    sdk_case! {
        id: "action.sdk.streamed_command_failures_and_side_effects",
        summary: "a duplex call answers each request with one failure per group and stays open after failures",
        requirements: ["ACT-007", "ACT-008", "ACT-012", "ACT-016", "ACT-017", "ACT-018", "ACT-024"],
        services: &[ACTION_TCK_MODEL, ACTION_TWO],
        run: streamed_command_failures_and_side_effects,
    },
];

/// Opens a duplex call of `ProcessStreamed` and sends its header.
fn open(cx: &SdkCx) -> ActionStream {
    let mut call = cx.action_streamed();
    call.send(header(PROCESS_STREAMED));
    call
}

/// Sends one request on the call and expects exactly these responses to it, in order, before anything
/// else is sent.
async fn exchange<const N: usize>(
    call: &mut ActionStream,
    request: Request,
    expected: [ActionResponse; N],
) -> Verdict {
    call.send(payload_only(&request));
    for response in expected {
        call.expect(response).await?;
    }
    Ok(())
}

pub(super) async fn streamed_command_replies_and_side_effects(cx: SdkCx) -> Verdict {
    let mut call = open(&cx);
    let steps = single([reply("one")]);
    exchange(&mut call, steps, [replied("one", vec![])]).await?;
    let steps = single([reply("two"), effect("other")]);
    exchange(&mut call, steps, [replied("two", effects(["other"]))]).await?;
    let steps = single([reply("three"), sync_effect("another")]);
    let expected = replied("three", sync_effects(["another"]));
    exchange(&mut call, steps, [expected]).await?;
    let steps = single([reply("four"), effect("a"), effect("b"), effect("c")]);
    let expected = replied("four", effects(["a", "b", "c"]));
    exchange(&mut call, steps, [expected]).await?;
    let groups = request([
        group([reply("five")]),
        group([reply("six"), effect("other")]),
    ]);
    let expected = [replied("five", vec![]), replied("six", effects(["other"]))];
    exchange(&mut call, groups, expected).await?;
    call.close().await
}

pub(super) async fn streamed_command_no_replies_and_side_effects(cx: SdkCx) -> Verdict {
    let mut call = open(&cx);
    exchange(&mut call, single([]), [no_reply(vec![])]).await?;
    let steps = single([effect("other")]);
    exchange(&mut call, steps, [no_reply(effects(["other"]))]).await?;
    let steps = single([sync_effect("another")]);
    exchange(&mut call, steps, [no_reply(sync_effects(["another"]))]).await?;
    let steps = single([effect("a"), effect("b"), effect("c")]);
    exchange(&mut call, steps, [no_reply(effects(["a", "b", "c"]))]).await?;
    let groups = request([group([]), group([effect("other")])]);
    let expected = [no_reply(vec![]), no_reply(effects(["other"]))];
    exchange(&mut call, groups, expected).await?;
    call.close().await
}

pub(super) async fn streamed_command_forwards_and_side_effects(cx: SdkCx) -> Verdict {
    let mut call = open(&cx);
    let steps = single([forward("one")]);
    exchange(&mut call, steps, [forwarded("one", vec![])]).await?;
    let steps = single([forward("two"), effect("other")]);
    exchange(&mut call, steps, [forwarded("two", effects(["other"]))]).await?;
    let steps = single([forward("three"), sync_effect("another")]);
    let expected = forwarded("three", sync_effects(["another"]));
    exchange(&mut call, steps, [expected]).await?;
    let steps = single([forward("four"), effect("a"), effect("b"), effect("c")]);
    let expected = forwarded("four", effects(["a", "b", "c"]));
    exchange(&mut call, steps, [expected]).await?;
    let groups = request([
        group([forward("five")]),
        group([forward("six"), effect("other")]),
    ]);
    let expected = [
        forwarded("five", vec![]),
        forwarded("six", effects(["other"])),
    ];
    exchange(&mut call, groups, expected).await?;
    call.close().await
}

/// Failures are responses like any other: the call stays open after each of them.
pub(super) async fn streamed_command_failures_and_side_effects(cx: SdkCx) -> Verdict {
    let mut call = open(&cx);
    let steps = single([fail("one")]);
    exchange(&mut call, steps, [failed("one", vec![])]).await?;
    let steps = single([fail("two"), effect("other")]);
    exchange(&mut call, steps, [failed("two", effects(["other"]))]).await?;
    let steps = single([fail("three"), sync_effect("another")]);
    let expected = failed("three", sync_effects(["another"]));
    exchange(&mut call, steps, [expected]).await?;
    let steps = single([fail("four"), effect("a"), effect("b"), effect("c")]);
    let expected = failed("four", effects(["a", "b", "c"]));
    exchange(&mut call, steps, [expected]).await?;
    let groups = request([group([fail("five")]), group([fail("six"), effect("other")])]);
    let expected = [failed("five", vec![]), failed("six", effects(["other"]))];
    exchange(&mut call, groups, expected).await?;
    call.close().await
}
