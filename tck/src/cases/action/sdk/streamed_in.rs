//! Cases 19 to 27 of the original TCK: `handleStreamedIn` calls of `ActionTckModel.ProcessStreamedIn`.
//!
//! Each case sends the header, then one payload-only command per request, half-closes, and expects the
//! one response folded from every step of every request, then the end of the call. The cases with side
//! effects spread them over three requests, so the SDK must keep collecting after the outcome is set.

use cloudstate_protocol::cloudstate::SideEffect;
use cloudstate_protocol::cloudstate::action::ActionResponse;
use cloudstate_protocol::cloudstate::tck::model::action::Request;
use cloudstate_protocol::names::model::{ACTION_TCK_MODEL, ACTION_TWO};

use crate::case::{Case, Verdict, sdk_case};
use crate::messages::action::{
    PROCESS_STREAMED_IN, effect, effects, fail, failed, forward, forwarded, header, no_reply,
    payload_only, replied, reply, single, sync_effect, sync_effects,
};
use crate::sdk::SdkCx;

/// The cases of this file, in run order.
pub(super) const CASES: &[Case] = &[
    sdk_case! {
        id: "action.sdk.streamed_in_command_reply",
        summary: "a streamed-in call of one request with a reply step gets that reply after the half-close",
        requirements: ["ACT-003", "ACT-004", "ACT-006", "ACT-010", "ACT-022"],
        services: &[ACTION_TCK_MODEL, ACTION_TWO],
        run: streamed_in_command_reply,
    },
    sdk_case! {
        id: "action.sdk.streamed_in_command_reply_with_side_effects",
        summary: "a streamed-in reply carries the side effects of all three requests, in order and with their flags",
        requirements: ["ACT-004", "ACT-006", "ACT-010", "ACT-014", "ACT-015", "ACT-019", "ACT-022"],
        services: &[ACTION_TCK_MODEL, ACTION_TWO],
        run: streamed_in_command_reply_with_side_effects,
    },
    sdk_case! {
        id: "action.sdk.streamed_in_command_no_reply_no_requests",
        summary: "a streamed-in call half-closed right after its header gets one ActionResponse with no outcome",
        requirements: ["ACT-003", "ACT-006", "ACT-009", "ACT-018", "ACT-022"],
        services: &[ACTION_TCK_MODEL, ACTION_TWO],
        run: streamed_in_command_no_reply_no_requests,
    },
    sdk_case! {
        id: "action.sdk.streamed_in_command_no_reply",
        summary: "a streamed-in call of one request with no steps gets one ActionResponse with no outcome",
        requirements: ["ACT-004", "ACT-006", "ACT-009", "ACT-022"],
        services: &[ACTION_TCK_MODEL, ACTION_TWO],
        run: streamed_in_command_no_reply,
    },
    sdk_case! {
        id: "action.sdk.streamed_in_command_no_reply_with_side_effects",
        summary: "a streamed-in call without a reply gets no outcome plus the side effects of all three requests",
        requirements: ["ACT-006", "ACT-009", "ACT-014", "ACT-015", "ACT-019", "ACT-022"],
        services: &[ACTION_TCK_MODEL, ACTION_TWO],
        run: streamed_in_command_no_reply_with_side_effects,
    },
    sdk_case! {
        id: "action.sdk.streamed_in_command_forward",
        summary: "a streamed-in call of one request with a forward step gets a forward to ActionTwo/Call",
        requirements: ["ACT-004", "ACT-006", "ACT-011", "ACT-022"],
        services: &[ACTION_TCK_MODEL, ACTION_TWO],
        run: streamed_in_command_forward,
    },
    sdk_case! {
        id: "action.sdk.streamed_in_command_forward_with_side_effects",
        summary: "a streamed-in forward carries the side effects of all three requests, in order and with their flags",
        requirements: ["ACT-006", "ACT-011", "ACT-014", "ACT-015", "ACT-019", "ACT-022"],
        services: &[ACTION_TCK_MODEL, ACTION_TWO],
        run: streamed_in_command_forward_with_side_effects,
    },
    sdk_case! {
        id: "action.sdk.streamed_in_command_failure",
        summary: "a streamed-in call of one request with a fail step gets a failure with command_id 0",
        requirements: ["ACT-004", "ACT-006", "ACT-012", "ACT-022"],
        services: &[ACTION_TCK_MODEL, ACTION_TWO],
        run: streamed_in_command_failure,
    },
    sdk_case! {
        id: "action.sdk.streamed_in_command_failure_with_side_effects",
        summary: "a streamed-in failure still collects and carries the side effects of the requests after it",
        requirements: ["ACT-006", "ACT-012", "ACT-014", "ACT-015", "ACT-016", "ACT-019", "ACT-022"],
        services: &[ACTION_TCK_MODEL, ACTION_TWO],
        run: streamed_in_command_failure_with_side_effects,
    },
];

/// Sends the header and then `requests`, half-closes, and expects `expected` and the end of the call.
async fn streamed_in<const N: usize>(
    cx: &SdkCx,
    requests: [Request; N],
    expected: ActionResponse,
) -> Verdict {
    let mut call = cx.action_streamed_in();
    call.send(header(PROCESS_STREAMED_IN));
    for request in requests {
        call.send(payload_only(&request));
    }
    call.half_close();
    call.expect(expected).await?;
    call.expect_end().await
}

/// The side effects of the three-request cases, in the order they were asked for: `a`, then `b`
/// (synchronous), then `c` and `d`.
fn a_sync_b_c_d() -> Vec<SideEffect> {
    [effects(["a"]), sync_effects(["b"]), effects(["c", "d"])].concat()
}

pub(super) async fn streamed_in_command_reply(cx: SdkCx) -> Verdict {
    streamed_in(&cx, [single([reply("one")])], replied("one", vec![])).await
}

pub(super) async fn streamed_in_command_reply_with_side_effects(cx: SdkCx) -> Verdict {
    let requests = [
        single([reply("two"), effect("a")]),
        single([sync_effect("b")]),
        single([effect("c"), effect("d")]),
    ];
    streamed_in(&cx, requests, replied("two", a_sync_b_c_d())).await
}

pub(super) async fn streamed_in_command_no_reply_no_requests(cx: SdkCx) -> Verdict {
    streamed_in(&cx, [], no_reply(vec![])).await
}

pub(super) async fn streamed_in_command_no_reply(cx: SdkCx) -> Verdict {
    streamed_in(&cx, [single([])], no_reply(vec![])).await
}

pub(super) async fn streamed_in_command_no_reply_with_side_effects(cx: SdkCx) -> Verdict {
    let requests = [
        single([effect("a")]),
        single([sync_effect("b")]),
        single([effect("c"), effect("d")]),
    ];
    streamed_in(&cx, requests, no_reply(a_sync_b_c_d())).await
}

pub(super) async fn streamed_in_command_forward(cx: SdkCx) -> Verdict {
    streamed_in(&cx, [single([forward("one")])], forwarded("one", vec![])).await
}

pub(super) async fn streamed_in_command_forward_with_side_effects(cx: SdkCx) -> Verdict {
    let requests = [
        single([forward("two"), effect("a")]),
        single([sync_effect("b")]),
        single([effect("c"), effect("d")]),
    ];
    streamed_in(&cx, requests, forwarded("two", a_sync_b_c_d())).await
}

pub(super) async fn streamed_in_command_failure(cx: SdkCx) -> Verdict {
    streamed_in(&cx, [single([fail("one")])], failed("one", vec![])).await
}

pub(super) async fn streamed_in_command_failure_with_side_effects(cx: SdkCx) -> Verdict {
    let requests = [
        single([fail("two"), effect("a")]),
        single([sync_effect("b")]),
        single([effect("c"), effect("d")]),
    ];
    streamed_in(&cx, requests, failed("two", a_sync_b_c_d())).await
}
