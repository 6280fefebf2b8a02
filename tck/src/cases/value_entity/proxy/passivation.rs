//! Passivation of an idle value entity after the timeout its service announced, and its re-activation;
//! never while a command is in flight, however long its answer takes.

use cloudstate_protocol::names::model::VALUE_ENTITY_CONFIGURED;
use tokio::time::Instant;

use super::messages as ve;
use super::support::{call_configured, expect_call_exchange, expect_new_stream};
use crate::case::{CaseFailure, Verdict};
use crate::cases::shared::checks::{PASSIVATION_SLACK, announced_passivation, expect_passivation};
use crate::proxy::{CallEvent, ProxyCx};

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

/// How many passivation timeouts the TCK holds the answer to the command.
const HELD_TIMEOUTS: u32 = 4;

/// New (PASS-001): a `ValueEntityConfigured.Call` (passivation timeout 100 ms) whose answer the TCK holds
/// for four timeouts. The proxy must leave the stream alone while the command is in flight; once the
/// answer is released the client gets it, and only then does the idle time count: the stream is
/// passivated no sooner than one timeout after the answer.
pub(super) async fn no_passivation_while_a_command_is_in_flight(cx: ProxyCx) -> Verdict {
    let timeout = announced_passivation(&cx, VALUE_ENTITY_CONFIGURED)?;
    let id = cx.fresh_id("ve-in-flight");
    let held = cx.intercept().hold_next_response(ve::HANDLE);
    let client = {
        let (cx, id) = (cx.clone(), id.clone());
        tokio::spawn(async move { ve::call_configured(&cx, &id).await })
    };
    let mut stream = cx.expect_call(ve::HANDLE).await?;
    stream
        .expect_from_proxy(ve::init(VALUE_ENTITY_CONFIGURED, &id, None))
        .await?;
    stream.expect_from_proxy(ve::call_in(&id, 1)).await?;
    let held_for = timeout * HELD_TIMEOUTS;
    if let Ok(event) = tokio::time::timeout(held_for, stream.next_event()).await {
        let what = match event? {
            CallEvent::ProxyHalfClosed => "half-closed the stream".to_owned(),
            CallEvent::ProxyCancelled => "cancelled the stream".to_owned(),
            other => format!("did this on the stream: {other:?}"),
        };
        return Err(CaseFailure::fail(format!(
            "while the TCK held the answer to command 1 ({} ms, {HELD_TIMEOUTS} times the announced \
             passivation timeout of {} ms), the proxy {what}: an entity with a command in flight is not idle",
            held_for.as_millis(),
            timeout.as_millis()
        )));
    }
    held.release();
    let released = Instant::now();
    stream
        .expect_from_user_function(ve::reply_out(1, "", None))
        .await?;
    client
        .await
        .map_err(|error| CaseFailure::error(format!("the client call's task failed: {error}")))??;
    expect_passivation(
        &mut stream,
        released,
        Instant::now() + timeout + PASSIVATION_SLACK,
        timeout,
    )
    .await
}
