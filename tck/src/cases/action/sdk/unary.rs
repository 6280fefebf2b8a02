//! Cases 3 to 18 of the original TCK: `handleUnary` calls of `ActionTckModel.ProcessUnary`.
//!
//! Each case sends one request with one group of steps and expects the single folded response, then the
//! end of the call. The outcomes are numbered "one" to "four" as in the original cases; "other" and
//! "another" name single side effects, and "a", "b", "c" a sequence of three.

use cloudstate_protocol::cloudstate::action::ActionResponse;
use cloudstate_protocol::cloudstate::tck::model::action::ProcessStep;
use cloudstate_protocol::names::model::{ACTION_TCK_MODEL, ACTION_TWO};

use crate::case::{Case, Verdict, sdk_case};
use crate::messages::action::{
    effect, effects, fail, failed, forward, forwarded, no_reply, process_unary, replied, reply,
    single, sync_effect, sync_effects,
};
use crate::sdk::SdkCx;

/// The cases of this file, in run order.
pub(super) const CASES: &[Case] = &[
    sdk_case! {
        id: "action.sdk.unary_command_reply",
        summary: "a unary command whose one step is a reply gets that reply, with no side effects",
        requirements: ["ACT-002", "ACT-005", "ACT-010", "ACT-013", "ACT-020", "ACT-021"],
        services: &[ACTION_TCK_MODEL, ACTION_TWO],
        run: unary_command_reply,
    },
    sdk_case! {
        id: "action.sdk.unary_command_reply_with_side_effect",
        summary: "a unary reply carries the asynchronous side effect requested after it",
        requirements: ["ACT-005", "ACT-010", "ACT-013", "ACT-014", "ACT-019", "ACT-021"],
        services: &[ACTION_TCK_MODEL, ACTION_TWO],
        run: unary_command_reply_with_side_effect,
    },
    sdk_case! {
        id: "action.sdk.unary_command_reply_with_synchronous_side_effect",
        summary: "a unary reply carries its side effect with the synchronous flag set",
        requirements: ["ACT-005", "ACT-010", "ACT-014", "ACT-015", "ACT-021"],
        services: &[ACTION_TCK_MODEL, ACTION_TWO],
        run: unary_command_reply_with_synchronous_side_effect,
    },
    sdk_case! {
        id: "action.sdk.unary_command_reply_with_multiple_side_effects",
        summary: "a unary reply carries three side effects in the order they were requested",
        requirements: ["ACT-005", "ACT-010", "ACT-014", "ACT-019", "ACT-021"],
        services: &[ACTION_TCK_MODEL, ACTION_TWO],
        run: unary_command_reply_with_multiple_side_effects,
    },
    sdk_case! {
        id: "action.sdk.unary_command_no_reply",
        summary: "a unary command with no steps gets an ActionResponse with no outcome",
        requirements: ["ACT-002", "ACT-005", "ACT-009", "ACT-019", "ACT-021"],
        services: &[ACTION_TCK_MODEL, ACTION_TWO],
        run: unary_command_no_reply,
    },
    sdk_case! {
        id: "action.sdk.unary_command_no_reply_with_side_effect",
        summary: "a unary command without a reply gets no outcome plus its asynchronous side effect",
        requirements: ["ACT-005", "ACT-009", "ACT-013", "ACT-014", "ACT-021"],
        services: &[ACTION_TCK_MODEL, ACTION_TWO],
        run: unary_command_no_reply_with_side_effect,
    },
    sdk_case! {
        id: "action.sdk.unary_command_no_reply_with_synchronous_side_effect",
        summary: "a unary command without a reply gets no outcome plus its synchronous side effect",
        requirements: ["ACT-005", "ACT-009", "ACT-014", "ACT-015", "ACT-021"],
        services: &[ACTION_TCK_MODEL, ACTION_TWO],
        run: unary_command_no_reply_with_synchronous_side_effect,
    },
    sdk_case! {
        id: "action.sdk.unary_command_no_reply_with_multiple_side_effects",
        summary: "a unary command without a reply gets no outcome plus three side effects in order",
        requirements: ["ACT-005", "ACT-009", "ACT-014", "ACT-019", "ACT-021"],
        services: &[ACTION_TCK_MODEL, ACTION_TWO],
        run: unary_command_no_reply_with_multiple_side_effects,
    },
    sdk_case! {
        id: "action.sdk.unary_command_forward",
        summary: "a unary command whose one step is a forward gets a forward to ActionTwo/Call",
        requirements: ["ACT-002", "ACT-005", "ACT-011", "ACT-013", "ACT-020", "ACT-021"],
        services: &[ACTION_TCK_MODEL, ACTION_TWO],
        run: unary_command_forward,
    },
    sdk_case! {
        id: "action.sdk.unary_command_forward_with_side_effect",
        summary: "a unary forward carries the asynchronous side effect requested after it",
        requirements: ["ACT-005", "ACT-011", "ACT-014", "ACT-019", "ACT-021"],
        services: &[ACTION_TCK_MODEL, ACTION_TWO],
        run: unary_command_forward_with_side_effect,
    },
    sdk_case! {
        id: "action.sdk.unary_command_forward_with_synchronous_side_effect",
        summary: "a unary forward carries its side effect with the synchronous flag set",
        requirements: ["ACT-005", "ACT-011", "ACT-014", "ACT-015", "ACT-021"],
        services: &[ACTION_TCK_MODEL, ACTION_TWO],
        run: unary_command_forward_with_synchronous_side_effect,
    },
    sdk_case! {
        id: "action.sdk.unary_command_forward_with_multiple_side_effects",
        summary: "a unary forward carries three side effects in the order they were requested",
        requirements: ["ACT-005", "ACT-011", "ACT-014", "ACT-019", "ACT-021"],
        services: &[ACTION_TCK_MODEL, ACTION_TWO],
        run: unary_command_forward_with_multiple_side_effects,
    },
    sdk_case! {
        id: "action.sdk.unary_command_failure",
        summary: "a unary command whose one step is a failure gets a failure with command_id 0 and restart false",
        requirements: ["ACT-002", "ACT-005", "ACT-012", "ACT-020", "ACT-021"],
        services: &[ACTION_TCK_MODEL, ACTION_TWO],
        run: unary_command_failure,
    },
    sdk_case! {
        id: "action.sdk.unary_command_failure_with_side_effect",
        summary: "a unary failure still carries the asynchronous side effect requested after it",
        requirements: ["ACT-005", "ACT-012", "ACT-014", "ACT-016", "ACT-021"],
        services: &[ACTION_TCK_MODEL, ACTION_TWO],
        run: unary_command_failure_with_side_effect,
    },
    sdk_case! {
        id: "action.sdk.unary_command_failure_with_synchronous_side_effect",
        summary: "a unary failure still carries its side effect with the synchronous flag set",
        requirements: ["ACT-005", "ACT-012", "ACT-015", "ACT-016", "ACT-021"],
        services: &[ACTION_TCK_MODEL, ACTION_TWO],
        run: unary_command_failure_with_synchronous_side_effect,
    },
    sdk_case! {
        id: "action.sdk.unary_command_failure_with_multiple_side_effects",
        summary: "a unary failure still carries three side effects in the order they were requested",
        requirements: ["ACT-005", "ACT-012", "ACT-014", "ACT-016", "ACT-021"],
        services: &[ACTION_TCK_MODEL, ACTION_TWO],
        run: unary_command_failure_with_multiple_side_effects,
    },
];

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
