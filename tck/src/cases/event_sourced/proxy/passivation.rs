//! Passivation of an idle event-sourced entity after the timeout its service announced; a re-activated
//! entity's new stream numbers its commands from 1 again.

use cloudstate_protocol::names::model::EVENT_SOURCED_CONFIGURED;
use tokio::time::Instant;

use super::messages as es;
use super::support::{call_configured, expect_call_exchange, expect_new_stream};
use crate::case::Verdict;
use crate::cases::shared::checks::{PASSIVATION_SLACK, announced_passivation, expect_passivation};
use crate::proxy::ProxyCx;

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

/// New (PASS-002): two `EventSourcedConfigured.Call`s are commands 1 and 2 of the entity's stream; the
/// proxy passivates it after the announced timeout; the next call opens a new stream (init with nothing
/// stored) on which it is command 1 again.
pub(super) async fn command_ids_restart_at_1_after_passivation(cx: ProxyCx) -> Verdict {
    let timeout = announced_passivation(&cx, EVENT_SOURCED_CONFIGURED)?;
    let id = cx.fresh_id("es-reactivated");
    es::call_configured(&cx, &id).await?;
    let sent = Instant::now();
    es::call_configured(&cx, &id).await?;
    let answered = Instant::now();
    let mut first = cx.expect_call(es::HANDLE).await?;
    first
        .expect_from_proxy(es::init(EVENT_SOURCED_CONFIGURED, &id))
        .await?;
    for command_id in 1..=2 {
        first
            .expect_from_proxy(es::call_in(&id, command_id))
            .await?;
        first
            .expect_from_user_function(es::reply_out(command_id, "", &[]))
            .await?;
    }
    expect_passivation(
        &mut first,
        sent,
        answered + timeout + PASSIVATION_SLACK,
        timeout,
    )
    .await?;

    es::call_configured(&cx, &id).await?;
    let mut second = cx.expect_call(es::HANDLE).await?;
    second
        .expect_from_proxy(es::init(EVENT_SOURCED_CONFIGURED, &id))
        .await?;
    second.expect_from_proxy(es::call_in(&id, 1)).await?;
    second
        .expect_from_user_function(es::reply_out(1, "", &[]))
        .await
}
