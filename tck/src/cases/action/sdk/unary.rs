//! Cases 3 to 18 of the original TCK: `handleUnary` calls of `ActionTckModel.ProcessUnary`.
//!
//! Each case sends one request with one group of steps and expects the single folded response, then the
//! end of the call. The outcomes are numbered "one" to "four" as in the original cases; "other" and
//! "another" name single side effects, and "a", "b", "c" a sequence of three.

use cloudstate_protocol::cloudstate::action::ActionResponse;
use cloudstate_protocol::cloudstate::tck::model::action::ProcessStep;

use crate::case::Verdict;
use crate::messages::action::{
    effect, effects, fail, failed, forward, forwarded, no_reply, process_unary, replied, reply,
    single, sync_effect, sync_effects,
};
use crate::sdk::SdkCx;

/// Sends `ProcessUnary` with one group of `steps`, expects `expected` and then the end of the call.
async fn unary<const N: usize>(
    cx: &SdkCx,
    steps: [ProcessStep; N],
    expected: ActionResponse,
) -> Verdict {
    let mut call = cx.action_unary(process_unary(&single(steps)));
    call.expect(expected).await?;
    call.expect_end().await
}

pub(super) async fn unary_command_reply(cx: SdkCx) -> Verdict {
    unary(&cx, [reply("one")], replied("one", vec![])).await
}

pub(super) async fn unary_command_reply_with_side_effect(cx: SdkCx) -> Verdict {
    let steps = [reply("two"), effect("other")];
    unary(&cx, steps, replied("two", effects(["other"]))).await
}

pub(super) async fn unary_command_reply_with_synchronous_side_effect(cx: SdkCx) -> Verdict {
    let steps = [reply("three"), sync_effect("another")];
    unary(&cx, steps, replied("three", sync_effects(["another"]))).await
}

pub(super) async fn unary_command_reply_with_multiple_side_effects(cx: SdkCx) -> Verdict {
    let steps = [reply("four"), effect("a"), effect("b"), effect("c")];
    unary(&cx, steps, replied("four", effects(["a", "b", "c"]))).await
}

pub(super) async fn unary_command_no_reply(cx: SdkCx) -> Verdict {
    unary(&cx, [], no_reply(vec![])).await
}

pub(super) async fn unary_command_no_reply_with_side_effect(cx: SdkCx) -> Verdict {
    unary(&cx, [effect("other")], no_reply(effects(["other"]))).await
}

pub(super) async fn unary_command_no_reply_with_synchronous_side_effect(cx: SdkCx) -> Verdict {
    let steps = [sync_effect("another")];
    unary(&cx, steps, no_reply(sync_effects(["another"]))).await
}

pub(super) async fn unary_command_no_reply_with_multiple_side_effects(cx: SdkCx) -> Verdict {
    let steps = [effect("a"), effect("b"), effect("c")];
    unary(&cx, steps, no_reply(effects(["a", "b", "c"]))).await
}

pub(super) async fn unary_command_forward(cx: SdkCx) -> Verdict {
    unary(&cx, [forward("one")], forwarded("one", vec![])).await
}

pub(super) async fn unary_command_forward_with_side_effect(cx: SdkCx) -> Verdict {
    let steps = [forward("two"), effect("other")];
    unary(&cx, steps, forwarded("two", effects(["other"]))).await
}

pub(super) async fn unary_command_forward_with_synchronous_side_effect(cx: SdkCx) -> Verdict {
    let steps = [forward("three"), sync_effect("another")];
    unary(&cx, steps, forwarded("three", sync_effects(["another"]))).await
}

pub(super) async fn unary_command_forward_with_multiple_side_effects(cx: SdkCx) -> Verdict {
    let steps = [forward("four"), effect("a"), effect("b"), effect("c")];
    unary(&cx, steps, forwarded("four", effects(["a", "b", "c"]))).await
}

pub(super) async fn unary_command_failure(cx: SdkCx) -> Verdict {
    unary(&cx, [fail("one")], failed("one", vec![])).await
}

pub(super) async fn unary_command_failure_with_side_effect(cx: SdkCx) -> Verdict {
    let steps = [fail("two"), effect("other")];
    unary(&cx, steps, failed("two", effects(["other"]))).await
}

pub(super) async fn unary_command_failure_with_synchronous_side_effect(cx: SdkCx) -> Verdict {
    let steps = [fail("three"), sync_effect("another")];
    unary(&cx, steps, failed("three", sync_effects(["another"]))).await
}

pub(super) async fn unary_command_failure_with_multiple_side_effects(cx: SdkCx) -> Verdict {
    let steps = [fail("four"), effect("a"), effect("b"), effect("c")];
    unary(&cx, steps, failed("four", effects(["a", "b", "c"]))).await
}
