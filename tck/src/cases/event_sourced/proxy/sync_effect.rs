//! An event-sourced entity's synchronous side effect, which the proxy must finish before it answers the
//! client: the TCK holds the side effect's answer and watches the client wait for its reply.

use std::time::Duration;

use cloudstate_protocol::names::model::{EVENT_SOURCED_TCK_MODEL, EVENT_SOURCED_TWO};

use super::messages as es;
use crate::case::{CaseFailure, Verdict};
use crate::messages::event_sourced::{Expected, effect};
use crate::proxy::ProxyCx;

/// How long the TCK holds the side effect's answer, watching the client wait.
const HELD_FOR: Duration = Duration::from_millis(300);

/// New (ES-029): `Process [emit A]` opens the entity's stream; then `Process [synchronous side effect to
/// EventSourcedTwo]`, whose target's new stream the TCK holds every answer of for 300 ms. The client must
/// not get its reply (`A`) before the side effect's answer is released.
pub(super) async fn synchronous_side_effect_finishes_before_the_reply(cx: ProxyCx) -> Verdict {
    let id = cx.fresh_id("es-sync-effect");
    let emitting = es::request(&id, vec![es::emit("A")]);
    es::process_ok(&cx, &emitting, "A").await?;
    let mut entity = cx.expect_call(es::HANDLE).await?;
    entity
        .expect_from_proxy(es::init(EVENT_SOURCED_TCK_MODEL, &id))
        .await?;
    entity
        .expect_exchange(es::process_in(1, &emitting), es::reply_out(1, "A", &["A"]))
        .await?;

    // The next EventSourced.handle call is the side effect's new EventSourcedTwo stream.
    let held = cx.intercept().hold_next_response(es::HANDLE);
    let effecting = es::request(&id, vec![effect(&id, true)]);
    let reply = {
        let (cx, effecting) = (cx.clone(), effecting.clone());
        tokio::spawn(async move { es::process_ok(&cx, &effecting, "A").await })
    };
    let expected = Expected::reply(2, "A").side_effect(&id, true);
    entity
        .expect_exchange(es::process_in(2, &effecting), expected.out())
        .await?;
    let mut two = cx.expect_call(es::HANDLE).await?;
    two.expect_from_proxy(es::init(EVENT_SOURCED_TWO, &id))
        .await?;
    two.expect_from_proxy(es::call_in(&id, 1)).await?;
    tokio::time::sleep(HELD_FOR).await;
    if reply.is_finished() {
        return Err(CaseFailure::fail(format!(
            "the client got its reply while the synchronous side effect's answer was still held by the TCK \
             ({} ms after the side effect's command): ES-029 says a synchronous side effect completes \
             before the client's call is answered",
            HELD_FOR.as_millis()
        )));
    }
    held.release();
    two.expect_from_user_function(es::reply_out(1, "", &[]))
        .await?;
    reply
        .await
        .map_err(|error| CaseFailure::error(format!("the client call's task failed: {error}")))?
}
