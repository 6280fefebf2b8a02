//! Value-entity cases in which the TCK, as the user function's stand-in, does what the model never does:
//! it crashes an entity's stream, so that the proxy must re-activate the entity with its stored state,
//! and it holds a synchronous side effect's answer, so that the client's reply must wait for it.

use cloudstate_protocol::cloudstate::tck::model::valueentity::value_entity_tck_model_client::ValueEntityTckModelClient;
use cloudstate_protocol::names::model::{VALUE_ENTITY_TCK_MODEL, VALUE_ENTITY_TWO};
use std::time::Duration;

use super::support::{
    Expected, HANDLE, call_in, effect, expect_new_stream, process_in, process_ok, request,
    stored_init, update,
};
use crate::case::{CaseFailure, Verdict};
use crate::proxy::{CallEvent, ProxyCx};

/// How long the client's reply must stay away while the side effect's answer is held.
const HELD_FOR: Duration = Duration::from_millis(300);

/// New: the entity stores "A"; the TCK then ends the entity's stream with an error instead of relaying
/// the answer to a read, as a crashed user function would. The client's read fails; the next read opens
/// a new stream whose init carries the stored "A", with commands numbered from 1 again.
pub(super) async fn reactivation_after_a_crash_gets_the_stored_state(cx: ProxyCx) -> Verdict {
    let id = cx.fresh_id("ve-crash");
    let storing = request(&id, vec![update("A")]);
    process_ok(&cx, &storing, "A").await?;
    let mut entity = expect_new_stream(&cx, VALUE_ENTITY_TCK_MODEL, &id).await?;
    entity
        .expect_exchange(
            process_in(1, &storing),
            Expected::reply(1, "A").update("A").out(),
        )
        .await?;

    cx.intercept().crash_at_next_answer(HANDLE);
    let read = request(&id, Vec::new());
    let what = format!("ValueEntityTckModel.Process {{id: {id}}} (its answer crashed by the TCK)");
    let mut client = ValueEntityTckModelClient::new(cx.channel());
    if let Ok(response) = cx.client(&what, client.process(read.clone())).await? {
        return Err(CaseFailure::fail(format!(
            "{what}: the client got {response:?}, but the entity's stream failed during the command"
        )));
    }
    entity.expect_from_proxy(process_in(2, &read)).await?;
    match entity.next_event().await? {
        CallEvent::Ended(Some(_)) => {}
        other => {
            return Err(CaseFailure::fail(format!(
                "expected the TCK's simulated crash to end the stream, but saw {other:?}"
            )));
        }
    }

    process_ok(&cx, &read, "A").await?;
    let mut again = cx.expect_call(HANDLE).await?;
    again
        .expect_from_proxy(stored_init(VALUE_ENTITY_TCK_MODEL, &id, Some("A")))
        .await?;
    again
        .expect_exchange(process_in(1, &read), Expected::reply(1, "A").out())
        .await
}

/// New: a command with a synchronous side effect to `ValueEntityTwo.Call`. The TCK holds the side
/// effect's answer: while it is held the client must not get its reply; once released, the client gets
/// "one".
pub(super) async fn synchronous_side_effect_finishes_before_the_reply(cx: ProxyCx) -> Verdict {
    let id = cx.fresh_id("ve-sync-effect");
    let one = request(&id, vec![update("one")]);
    process_ok(&cx, &one, "one").await?;
    let mut entity = expect_new_stream(&cx, VALUE_ENTITY_TCK_MODEL, &id).await?;
    entity
        .expect_exchange(
            process_in(1, &one),
            Expected::reply(1, "one").update("one").out(),
        )
        .await?;

    // The next ValueEntity.handle call is the side effect's new ValueEntityTwo stream.
    let held = cx.intercept().hold_next_response(HANDLE);
    let effecting = request(&id, vec![effect(&id, true)]);
    let reply = {
        let (cx, effecting) = (cx.clone(), effecting.clone());
        tokio::spawn(async move { process_ok(&cx, &effecting, "one").await })
    };
    let expected = Expected::reply(2, "one").side_effect(&id, true);
    entity
        .expect_exchange(process_in(2, &effecting), expected.out())
        .await?;
    let mut two = expect_new_stream(&cx, VALUE_ENTITY_TWO, &id).await?;
    two.expect_from_proxy(call_in(&id, 1)).await?;
    tokio::time::sleep(HELD_FOR).await;
    if reply.is_finished() {
        return Err(CaseFailure::fail(format!(
            "the client got its reply while the synchronous side effect's answer was still held by the \
             TCK ({} ms after the side effect's command)",
            HELD_FOR.as_millis()
        )));
    }
    held.release();
    two.expect_from_user_function(Expected::reply(1, "").out())
        .await?;
    reply
        .await
        .map_err(|error| CaseFailure::error(format!("the client call's task failed: {error}")))?
}
