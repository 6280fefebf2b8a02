//! Forwards through the proxy: a chain of forwards is followed to its end, and a forward reaches the
//! entity its payload names, not the entity that forwarded.

use cloudstate_protocol::cloudstate::tck::model::action::action_tck_model_client::ActionTckModelClient;
use cloudstate_protocol::names::model::{EVENT_SOURCED_TCK_MODEL, EVENT_SOURCED_TWO};

use super::action_messages::{
    HANDLE_UNARY, describe, expect_unary, forward_step, forwarded, process_unary, replace, replied,
    response, steps, two_call,
};
use super::event_sourced_messages as es;
use crate::case::Verdict;
use crate::proxy::ProxyCx;
use crate::proxy::value_entity::checks::expect_response;

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

/// New (FWD-002): event-sourced entity A forwards to `EventSourcedTwo.Call` for another entity, B. The
/// proxy must open B's own stream (init for B, command 1 for B) and give the client B's empty reply.
pub(super) async fn forward_to_another_entity(cx: ProxyCx) -> Verdict {
    let id = cx.fresh_id("es-forwarding");
    let other = cx.fresh_id("es-forwarded-to");
    let forwarding = es::request(&id, vec![es::forward_to(&other)]);
    es::process_ok(&cx, &forwarding, "").await?;
    let mut entity = cx.expect_call(es::HANDLE).await?;
    entity
        .expect_from_proxy(es::init(EVENT_SOURCED_TCK_MODEL, &id))
        .await?;
    entity
        .expect_from_proxy(es::process_in(1, &forwarding))
        .await?;
    entity
        .expect_from_user_function(es::forward_out(1, &other))
        .await?;
    let mut target = cx.expect_call(es::HANDLE).await?;
    target
        .expect_from_proxy(es::init(EVENT_SOURCED_TWO, &other))
        .await?;
    target.expect_from_proxy(es::call_in(&other, 1)).await?;
    target
        .expect_from_user_function(es::reply_out(1, "", &[]))
        .await
}
