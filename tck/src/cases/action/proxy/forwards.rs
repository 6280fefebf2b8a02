//! Forwards through the proxy: a chain of forwards from an action is followed to its end.

use cloudstate_protocol::cloudstate::tck::model::action::action_tck_model_client::ActionTckModelClient;

use super::messages::{
    HANDLE_UNARY, describe, expect_unary, forward_step, forwarded, process_unary, replace, replied,
    response, steps, two_call,
};
use crate::case::Verdict;
use crate::cases::shared::checks::expect_response;
use crate::proxy::ProxyCx;

/// What the last call of the chain answers, as the TCK makes it.
const END_OF_CHAIN: &str = "end of the chain";

/// New (FWD-001): `ProcessUnary [forward chain-1]` forwards to `ActionTwo.Call`; the TCK turns that
/// call's answer into a forward to `ActionTwo.Call` again (chain-2), and that call's answer into the reply
/// "end of the chain". The proxy must make the three calls in turn and give the client the last reply.
pub(super) async fn forward_chain_is_followed(cx: ProxyCx) -> Verdict {
    let intercept = cx.intercept();
    // Both rules look for the empty reply of ActionTwo.Call; the first one armed changes the first such
    // answer, the second one the next.
    intercept.rewrite_next_from_user_function(
        HANDLE_UNARY,
        replace(replied("", Vec::new()), forwarded("chain-2", Vec::new())),
    );
    intercept.rewrite_next_from_user_function(
        HANDLE_UNARY,
        replace(replied("", Vec::new()), replied(END_OF_CHAIN, Vec::new())),
    );
    let request = steps(vec![forward_step("chain-1")]);
    let what = describe(&request);
    let mut client = ActionTckModelClient::new(cx.channel());
    let outcome = cx
        .client(&what, client.process_unary(request.clone()))
        .await?;
    expect_response(&what, outcome, &response(END_OF_CHAIN))?;
    expect_unary(
        &cx,
        process_unary(&request),
        forwarded("chain-1", Vec::new()),
    )
    .await?;
    expect_unary(&cx, two_call("chain-1"), forwarded("chain-2", Vec::new())).await?;
    expect_unary(&cx, two_call("chain-2"), replied(END_OF_CHAIN, Vec::new())).await
}
