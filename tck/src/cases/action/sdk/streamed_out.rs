//! Cases 28 to 31 of the original TCK: `handleStreamedOut` calls of `ActionTckModel.ProcessStreamedOut`.
//!
//! Each case sends one request of four groups and expects four responses, one per group and in group
//! order, then the end of the call: the first group has no side effect, the second one, the third one
//! synchronous, and the fourth three.

use cloudstate_protocol::names::model::{ACTION_TCK_MODEL, ACTION_TWO};

use crate::case::{Case, Verdict, sdk_case};
use crate::messages::action::{
    PROCESS_STREAMED_OUT, effect, effects, fail, failed, forward, forwarded, full_command, group,
    no_reply, replied, reply, request, sync_effect, sync_effects,
};
use crate::sdk::SdkCx;

/// The cases of this file, in run order.
pub(super) const CASES: &[Case] = &[
    sdk_case! {
        id: "action.sdk.streamed_out_command_replies_and_side_effects",
        summary: "a streamed-out request of four groups gets four replies with their side effects, then the end",
        requirements: ["ACT-002", "ACT-007", "ACT-010", "ACT-014", "ACT-015", "ACT-018", "ACT-023"],
        services: &[ACTION_TCK_MODEL, ACTION_TWO],
        run: streamed_out_command_replies_and_side_effects,
    },
    sdk_case! {
        id: "action.sdk.streamed_out_command_no_replies_and_side_effects",
        summary: "a streamed-out request of four groups without replies gets four no-outcome responses, then the end",
        requirements: ["ACT-007", "ACT-009", "ACT-014", "ACT-015", "ACT-018", "ACT-023"],
        services: &[ACTION_TCK_MODEL, ACTION_TWO],
        run: streamed_out_command_no_replies_and_side_effects,
    },
    sdk_case! {
        id: "action.sdk.streamed_out_command_forwards_and_side_effects",
        summary: "a streamed-out request of four groups gets four forwards with their side effects, then the end",
        requirements: ["ACT-007", "ACT-011", "ACT-014", "ACT-015", "ACT-018", "ACT-023"],
        services: &[ACTION_TCK_MODEL, ACTION_TWO],
        run: streamed_out_command_forwards_and_side_effects,
    },
    sdk_case! {
        id: "action.sdk.streamed_out_command_failures_and_side_effects",
        summary: "four streamed-out failures with their side effects arrive on one call, which a failure does not end",
        requirements: ["ACT-007", "ACT-012", "ACT-016", "ACT-017", "ACT-018", "ACT-023"],
        services: &[ACTION_TCK_MODEL, ACTION_TWO],
        run: streamed_out_command_failures_and_side_effects,
    },
];

pub(super) async fn streamed_out_command_replies_and_side_effects(cx: SdkCx) -> Verdict {
    let request = request([
        group([reply("one")]),
        group([reply("two"), effect("other")]),
        group([reply("three"), sync_effect("another")]),
        group([reply("four"), effect("a"), effect("b"), effect("c")]),
    ]);
    let mut call = cx.action_streamed_out(full_command(PROCESS_STREAMED_OUT, &request));
    for expected in [
        replied("one", vec![]),
        replied("two", effects(["other"])),
        replied("three", sync_effects(["another"])),
        replied("four", effects(["a", "b", "c"])),
    ] {
        call.expect(expected).await?;
    }
    call.expect_end().await
}

pub(super) async fn streamed_out_command_no_replies_and_side_effects(cx: SdkCx) -> Verdict {
    let request = request([
        group([]),
        group([effect("other")]),
        group([sync_effect("another")]),
        group([effect("a"), effect("b"), effect("c")]),
    ]);
    let mut call = cx.action_streamed_out(full_command(PROCESS_STREAMED_OUT, &request));
    for expected in [
        no_reply(vec![]),
        no_reply(effects(["other"])),
        no_reply(sync_effects(["another"])),
        no_reply(effects(["a", "b", "c"])),
    ] {
        call.expect(expected).await?;
    }
    call.expect_end().await
}

pub(super) async fn streamed_out_command_forwards_and_side_effects(cx: SdkCx) -> Verdict {
    let request = request([
        group([forward("one")]),
        group([forward("two"), effect("other")]),
        group([forward("three"), sync_effect("another")]),
        group([forward("four"), effect("a"), effect("b"), effect("c")]),
    ]);
    let mut call = cx.action_streamed_out(full_command(PROCESS_STREAMED_OUT, &request));
    for expected in [
        forwarded("one", vec![]),
        forwarded("two", effects(["other"])),
        forwarded("three", sync_effects(["another"])),
        forwarded("four", effects(["a", "b", "c"])),
    ] {
        call.expect(expected).await?;
    }
    call.expect_end().await
}

/// A failure is one response like any other: the call goes on after it and ends only after the fourth.
pub(super) async fn streamed_out_command_failures_and_side_effects(cx: SdkCx) -> Verdict {
    let request = request([
        group([fail("one")]),
        group([fail("two"), effect("other")]),
        group([fail("three"), sync_effect("another")]),
        group([fail("four"), effect("a"), effect("b"), effect("c")]),
    ]);
    let mut call = cx.action_streamed_out(full_command(PROCESS_STREAMED_OUT, &request));
    for expected in [
        failed("one", vec![]),
        failed("two", effects(["other"])),
        failed("three", sync_effects(["another"])),
        failed("four", effects(["a", "b", "c"])),
    ] {
        call.expect(expected).await?;
    }
    call.expect_end().await
}
