//! Cases 19 to 27 of the original TCK: `handleStreamedIn` calls of `ActionTckModel.ProcessStreamedIn`.
//!
//! Each case sends the header, then one payload-only command per request, half-closes, and expects the
//! one response folded from every step of every request, then the end of the call. The cases with side
//! effects spread them over three requests, so the SDK must keep collecting after the outcome is set.

use cloudstate_protocol::cloudstate::SideEffect;
use cloudstate_protocol::cloudstate::action::ActionResponse;
use cloudstate_protocol::cloudstate::tck::model::action::Request;

use crate::case::Verdict;
use crate::messages::action::{
    PROCESS_STREAMED_IN, effect, effects, fail, failed, forward, forwarded, header, no_reply,
    payload_only, replied, reply, single, sync_effect, sync_effects,
};
use crate::sdk::SdkCx;

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
