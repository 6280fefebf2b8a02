//! Passivation through the proxy: never while a command is in flight, however long its answer takes, and
//! a re-activated entity's new stream numbers its commands from 1 again.

use cloudstate_protocol::names::model::{EVENT_SOURCED_CONFIGURED, VALUE_ENTITY_CONFIGURED};
use tokio::time::Instant;

use super::event_sourced_messages as es;
use super::value_entity_messages as ve;
use crate::case::{CaseFailure, Verdict};
use crate::proxy::value_entity::checks::{
    PASSIVATION_SLACK, announced_passivation, expect_passivation,
};
use crate::proxy::{CallEvent, ProxyCx};

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
