//! Passivation of an idle event-sourced entity after the timeout its service announced.

use cloudstate_protocol::names::model::EVENT_SOURCED_CONFIGURED;
use tokio::time::Instant;

use super::support::{call_configured, expect_call_exchange, expect_new_stream};
use crate::case::Verdict;
use crate::proxy::ProxyCx;
use crate::proxy::value_entity::checks::{
    PASSIVATION_SLACK, announced_passivation, expect_passivation,
};

/// Case 176: an `EventSourcedConfigured.Call` runs init (no snapshot), command 1 and its reply on a new
/// stream, and the proxy closes the stream after the announced 100 ms of idleness: not before, and
/// within 2 s.
pub(super) async fn passivation_timeout(cx: ProxyCx) -> Verdict {
    let timeout = announced_passivation(&cx, EVENT_SOURCED_CONFIGURED)?;
    let id = cx.fresh_id("es-passivation");
    let sent = Instant::now();
    call_configured(&cx, &id).await?;
    let answered = Instant::now();
    let mut stream = expect_new_stream(&cx, EVENT_SOURCED_CONFIGURED, &id).await?;
    expect_call_exchange(&mut stream, &id, 1).await?;
    expect_passivation(
        &mut stream,
        sent,
        answered + timeout + PASSIVATION_SLACK,
        timeout,
    )
    .await
}
