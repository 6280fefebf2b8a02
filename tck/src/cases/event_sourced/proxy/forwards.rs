//! Forwards through the proxy: a forward from an event-sourced entity reaches the entity its payload
//! names, not the entity that forwarded.

use cloudstate_protocol::names::model::{EVENT_SOURCED_TCK_MODEL, EVENT_SOURCED_TWO};

use super::messages as es;
use crate::case::Verdict;
use crate::proxy::ProxyCx;

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
