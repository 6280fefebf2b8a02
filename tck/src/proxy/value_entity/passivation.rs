//! Passivation of an idle value entity after the timeout its service announced, and its re-activation.

use cloudstate_protocol::names::model::VALUE_ENTITY_CONFIGURED;
use tokio::time::Instant;

use super::checks::{PASSIVATION_SLACK, announced_passivation, expect_passivation};
use super::support::{call_configured, expect_call_exchange, expect_new_stream};
use crate::case::Verdict;
use crate::proxy::ProxyCx;

/// One activation of a `ValueEntityConfigured` entity: a client call, the new stream with the init of an
/// entity with nothing stored, command 1 and its reply, and the proxy closing the stream once the entity
/// has been idle for the announced timeout.
async fn activation(cx: &ProxyCx, id: &str) -> Verdict {
    let timeout = announced_passivation(cx, VALUE_ENTITY_CONFIGURED)?;
    let sent = Instant::now();
    call_configured(cx, id).await?;
    let answered = Instant::now();
    let mut stream = expect_new_stream(cx, VALUE_ENTITY_CONFIGURED, id).await?;
    expect_call_exchange(&mut stream, id, 1).await?;
    expect_passivation(
        &mut stream,
        sent,
        answered + timeout + PASSIVATION_SLACK,
        timeout,
    )
    .await
}

/// Case 171: a `ValueEntityConfigured.Call` runs init, command 1 and its reply on a new stream, and the
/// proxy closes the stream after the announced 100 ms of idleness: not before, and within 2 s.
pub(super) async fn passivation_timeout(cx: ProxyCx) -> Verdict {
    let id = cx.fresh_id("ve-passivation");
    activation(&cx, &id).await
}

/// New: after a passivation, the next call to the same entity opens a new stream whose init carries the
/// stored state and whose commands are numbered from 1 again, and that stream is passivated in turn.
/// `ValueEntityConfigured.Call` stores nothing, so the stored state both inits must carry is none: a
/// `state` that is present but has no value.
pub(super) async fn reload_after_passivation_gets_stored_state(cx: ProxyCx) -> Verdict {
    let id = cx.fresh_id("ve-reload");
    activation(&cx, &id).await?;
    activation(&cx, &id).await
}
