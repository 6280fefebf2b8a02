//! A CRDT case in which the TCK, as the user function's stand-in, does what the model never does: it
//! crashes an entity's stream mid-command. The proxy holds the CRDT's value itself, so the next command's
//! new stream must start with that value as the init's delta.

use cloudstate_protocol::cloudstate::tck::model::crdt::crdt_tck_model_client::CrdtTckModelClient;
use cloudstate_protocol::names::model::CRDT_TCK_MODEL;

use super::support::{describe, expect_new_stream, process_ok};
use crate::case::{CaseFailure, Verdict};
use crate::messages::crdt::{
    Expected, HANDLE, gcounter, gcounter_delta, increment, init, process, request, response,
    updates,
};
use crate::proxy::{CallEvent, ProxyCx};

/// New: a GCounter is incremented to 3; the TCK then ends the entity's stream with an error instead of
/// relaying the answer to a read, as a crashed user function would. The client's read fails; the next
/// read opens a new stream whose init carries the counter's value 3 as a delta, and is command 1 on it.
pub(super) async fn reactivation_after_a_crash_sends_the_held_state(cx: ProxyCx) -> Verdict {
    let id = cx.fresh_id("GCounter-crash");
    let incrementing = request(&id, updates([increment(3)]));
    process_ok(&cx, &incrementing, &response(gcounter(3))).await?;
    let mut entity = expect_new_stream(&cx, CRDT_TCK_MODEL, &id).await?;
    let reply = Expected::reply(1, gcounter(3)).update(gcounter_delta(3));
    entity
        .expect_exchange(process(1, &incrementing), reply.out())
        .await?;

    cx.intercept().crash_at_next_answer(HANDLE);
    let read = request(&id, Vec::new());
    let what = format!(
        "{} (its answer crashed by the TCK)",
        describe("CrdtTckModel.Process", &read)
    );
    let mut client = CrdtTckModelClient::new(cx.channel());
    if let Ok(response) = cx.client(&what, client.process(read.clone())).await? {
        return Err(CaseFailure::fail(format!(
            "{what}: the client got {response:?}, but the entity's stream failed during the command"
        )));
    }
    entity.expect_from_proxy(process(2, &read)).await?;
    match entity.next_event().await? {
        CallEvent::Ended(Some(_)) => {}
        other => {
            return Err(CaseFailure::fail(format!(
                "expected the TCK's simulated crash to end the stream, but saw {other:?}"
            )));
        }
    }

    process_ok(&cx, &read, &response(gcounter(3))).await?;
    let mut again = cx.expect_call(HANDLE).await?;
    again
        .expect_from_proxy(init(&id, Some(gcounter_delta(3))))
        .await?;
    again
        .expect_exchange(process(1, &read), Expected::reply(1, gcounter(3)).out())
        .await
}
