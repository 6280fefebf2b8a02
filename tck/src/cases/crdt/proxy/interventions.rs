//! CRDT cases in which the TCK, as the user function's stand-in, does what the model never does: it
//! crashes an entity's stream mid-command, or answers a command with a top-level `Failure`. The proxy
//! holds the CRDT's value itself, so a new stream must start with that value as the init's delta.

use bytes::Bytes;
use cloudstate_protocol::cloudstate::Failure;
use cloudstate_protocol::cloudstate::crdt::{CrdtStreamIn, CrdtStreamOut, crdt_stream_out};
use cloudstate_protocol::cloudstate::tck::model::crdt::crdt_tck_model_client::CrdtTckModelClient;
use cloudstate_protocol::names::model::CRDT_TCK_MODEL;
use prost::Message as _;

use super::support::{describe, expect_new_stream, process_fails, process_ok};
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

/// The description of the TCK's top-level failure.
const FATAL: &str = "the entity cannot go on";

/// A top-level `Failure` naming command `command_id` in place of a reply; `None` for other messages.
fn failure_instead_of_reply(message: &Bytes, command_id: i64) -> Option<Bytes> {
    let out = CrdtStreamOut::decode(message.clone()).ok()?;
    let Some(crdt_stream_out::Message::Reply(_)) = out.message else {
        return None;
    };
    let failure = CrdtStreamOut {
        message: Some(crdt_stream_out::Message::Failure(Failure {
            command_id,
            description: FATAL.to_owned(),
            restart: false,
        })),
    };
    Some(Bytes::from(failure.encode_to_vec()))
}

/// New: a GCounter is incremented to 2 (command 1); the TCK replaces the model's reply to a read
/// (command 2) with a top-level `Failure` naming command 2. The client must get `UNKNOWN` with the
/// failure's description. The next read must get 2, on the same stream as command 3 (the reference
/// proxy keeps the stream) or on a new stream whose init carries the value 2, as command 1.
pub(super) async fn top_level_failure_fails_the_named_command(cx: ProxyCx) -> Verdict {
    let id = cx.fresh_id("GCounter-fatal");
    let incrementing = request(&id, updates([increment(2)]));
    process_ok(&cx, &incrementing, &response(gcounter(2))).await?;
    let mut entity = expect_new_stream(&cx, CRDT_TCK_MODEL, &id).await?;
    let reply = Expected::reply(1, gcounter(2)).update(gcounter_delta(2));
    entity
        .expect_exchange(process(1, &incrementing), reply.out())
        .await?;

    cx.intercept()
        .rewrite_next_from_user_function(HANDLE, |message| failure_instead_of_reply(message, 2));
    let read = request(&id, Vec::new());
    process_fails(&cx, &read, FATAL).await?;
    entity.expect_from_proxy(process(2, &read)).await?;
    let _: CrdtStreamOut = entity.recv_from_user_function().await?;

    process_ok(&cx, &read, &response(gcounter(2))).await?;
    let answer = Expected::reply(3, gcounter(2)).out();
    match entity.next_event().await? {
        CallEvent::FromProxy(bytes) => {
            let sent = CrdtStreamIn::decode(bytes).map_err(|error| {
                CaseFailure::fail(format!(
                    "the proxy sent a message that is not a CrdtStreamIn: {error}"
                ))
            })?;
            if sent != process(3, &read) {
                return Err(CaseFailure::mismatch(
                    "after a top-level Failure that the proxy answered by keeping the entity's stream, its next message there is not the client's next command",
                    format!("{:?}", process(3, &read)),
                    format!("{sent:?}"),
                ));
            }
            entity.expect_from_user_function(answer).await
        }
        CallEvent::ProxyHalfClosed | CallEvent::ProxyCancelled | CallEvent::Ended(_) => {
            let mut again = cx.expect_call(HANDLE).await?;
            again
                .expect_from_proxy(init(&id, Some(gcounter_delta(2))))
                .await?;
            again
                .expect_exchange(process(1, &read), Expected::reply(1, gcounter(2)).out())
                .await
        }
        other => Err(CaseFailure::fail(format!(
            "after a top-level Failure, expected the client's next command on the entity's stream or the stream's end, but saw {other:?}"
        ))),
    }
}
