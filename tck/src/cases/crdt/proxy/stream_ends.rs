//! What a proxy does with the streamed messages of a streamed CRDT command beyond passing on their
//! replies: one with `end_stream` ends the client's stream, after which the proxy sends no
//! `StreamCancelled` for that command (spec CRDT-027, CRDT-029), and the side effects each carries are
//! carried out, each once (CRDT-041).

use std::time::Duration;

use cloudstate_protocol::cloudstate::tck::model::crdt::crdt_tck_model_client::CrdtTckModelClient;
use cloudstate_protocol::cloudstate::tck::model::crdt::{Effect, Response, StreamedRequest};
use cloudstate_protocol::names::model::{CRDT_TCK_MODEL, CRDT_TWO};
use prost::Message as _;
use tonic::Streaming;

use super::support::{call_two, client_expect, client_expect_end, expect_new_stream, process_ok};
use crate::case::{CaseFailure, Verdict};
use crate::messages::crdt::{
    Expected, HANDLE, STREAMED_REQUEST, Streamed, call, cancelled, cancelled_response, delete,
    gcounter, gcounter_delta, increment, init_of, process, process_streamed, request, response,
    updates,
};
use crate::proxy::{CallProbe, ProxyCx};
use crate::wire::{Direction, render_compact};

/// How long the proxy has to end a client's stream after the streamed message that ends it, or to carry
/// out a streamed message's side effect.
const END_WAIT: Duration = Duration::from_secs(2);
/// How long the case waits, after its client went away, for a `StreamCancelled` the proxy must not send.
const SILENCE: Duration = Duration::from_millis(100);

/// Opens `CrdtTckModel.ProcessStreamed` with `request` through the proxy: the client's response stream.
async fn open_streamed(
    cx: &ProxyCx,
    request: &StreamedRequest,
) -> Result<Streaming<Response>, CaseFailure> {
    let what = format!(
        "CrdtTckModel.ProcessStreamed {}",
        render_compact(STREAMED_REQUEST, &request.encode_to_vec())
    );
    let mut client = CrdtTckModelClient::new(cx.channel());
    match cx
        .client(&what, client.process_streamed(request.clone()))
        .await?
    {
        Ok(stream) => Ok(stream),
        Err(status) => Err(CaseFailure::fail(format!(
            "{what}: the call failed with gRPC status {:?}: {}",
            status.code(),
            status.message()
        ))),
    }
}

/// Opens the streamed command `watching` on a new GCounter (command 1, answered with 0 and `streamed`
/// true) and increments the counter by 1 (command 2, answered with 1): the watching client's stream and
/// the entity's stream, on which the model is about to send the streamed message for command 1.
async fn watch_then_increment(
    cx: &ProxyCx,
    watching: &StreamedRequest,
) -> Result<(Streaming<Response>, CallProbe), CaseFailure> {
    let id = &watching.id;
    let mut watcher = open_streamed(cx, watching).await?;
    client_expect(cx, "watcher", &mut watcher, &response(gcounter(0))).await?;
    let mut entity = expect_new_stream(cx, CRDT_TCK_MODEL, id).await?;
    entity
        .expect_exchange(
            process_streamed(1, watching),
            Expected::reply(1, gcounter(0)).streamed().out(),
        )
        .await?;

    let incrementing = request(id, updates([increment(1)]));
    process_ok(cx, &incrementing, &response(gcounter(1))).await?;
    entity
        .expect_exchange(
            process(2, &incrementing),
            Expected::reply(2, gcounter(1))
                .update(gcounter_delta(1))
                .out(),
        )
        .await?;
    Ok((watcher, entity))
}

/// New (GCounter): a streamed command that ends at the value 1 gets 0 at once, as command 1 answered
/// with `streamed` true. An increment by 1 (command 2) is answered, then the model sends the streamed
/// message for command 1 with the value 1 and `end_stream` true: the watching client must get 1 and then
/// the end of its stream with status OK, within 2 s. The client then goes away; 100 ms later a delete
/// (command 3) must be the proxy's next message on the entity's stream, with no `StreamCancelled` for
/// command 1 before it, and ends the stream.
pub(super) async fn end_stream_ends_the_client_stream(cx: ProxyCx) -> Verdict {
    let id = cx.fresh_id("GCounter");
    let watching = StreamedRequest {
        id: id.clone(),
        end_state: Some(gcounter(1)),
        ..StreamedRequest::default()
    };
    let (mut watcher, mut entity) = watch_then_increment(&cx, &watching).await?;
    entity
        .expect_from_user_function(Streamed::state(1, gcounter(1)).end_stream().out())
        .await?;
    client_expect(&cx, "watcher", &mut watcher, &response(gcounter(1))).await?;
    let rule = "the streamed message for its command had end_stream true (CRDT-027)";
    client_expect_end(&cx, "watcher", &mut watcher, END_WAIT, rule).await?;

    cx.trace().record(
        "client watcher",
        Direction::Event,
        "the client drops its ended call".to_owned(),
    );
    drop(watcher);
    tokio::time::sleep(SILENCE).await;
    let deleting = request(&id, vec![delete()]);
    process_ok(&cx, &deleting, &response(gcounter(1))).await?;
    entity
        .expect_exchange(
            process(3, &deleting),
            Expected::reply(3, gcounter(1)).delete().out(),
        )
        .await?;
    entity.expect_closed().await
}

/// New (GCounter): a streamed command asks for a side effect to `CrdtTwo.Call` (for the same entity id)
/// with each streamed message; its first answer, command 1, carries none. An increment by 1 (command 2)
/// makes the model send a streamed message for command 1 with the value 1 and that side effect: the
/// watching client gets 1, and the proxy must call `CrdtTwo.Call` as command 1 on a new `CrdtTwo`
/// stream. When the watcher goes away its cancellation is answered; a `CrdtTwo.Call` with a delete must
/// then be command 2 on the `CrdtTwo` stream (the side effect ran once), and a delete of the counter,
/// command 3, ends its stream.
pub(super) async fn side_effects_of_streamed_messages(cx: ProxyCx) -> Verdict {
    let id = cx.fresh_id("GCounter");
    let watching = StreamedRequest {
        id: id.clone(),
        effects: vec![Effect {
            id: id.clone(),
            synchronous: false,
        }],
        ..StreamedRequest::default()
    };
    let (mut watcher, mut entity) = watch_then_increment(&cx, &watching).await?;
    entity
        .expect_from_user_function(
            Streamed::state(1, gcounter(1))
                .side_effect(&id, false)
                .out(),
        )
        .await?;
    client_expect(&cx, "watcher", &mut watcher, &response(gcounter(1))).await?;
    let until = tokio::time::Instant::now() + END_WAIT;
    let Some(mut two) = cx.call_until(HANDLE, until).await? else {
        return Err(CaseFailure::mismatch(
            "the proxy did not carry out the side effect of the streamed message for command 1 (CRDT-041)",
            format!(
                "a new {HANDLE} stream for the CrdtTwo entity {id}, with the command CrdtTwo.Call"
            ),
            format!("no call to the user function within {END_WAIT:?}"),
        ));
    };
    two.expect_from_proxy(init_of(CRDT_TWO, &id, None)).await?;
    let called = request(&id, Vec::new());
    two.expect_exchange(call(1, &called), Expected::empty_reply(1).out())
        .await?;

    cx.trace().record(
        "client watcher",
        Direction::Event,
        "the client cancels the call".to_owned(),
    );
    drop(watcher);
    entity
        .expect_exchange(cancelled(&id, 1), cancelled_response(1, None))
        .await?;

    let deleting = request(&id, vec![delete()]);
    call_two(&cx, &deleting).await?;
    two.expect_exchange(call(2, &deleting), Expected::empty_reply(2).delete().out())
        .await?;
    two.expect_closed().await?;
    process_ok(&cx, &deleting, &response(gcounter(1))).await?;
    entity
        .expect_exchange(
            process(3, &deleting),
            Expected::reply(3, gcounter(1)).delete().out(),
        )
        .await?;
    entity.expect_closed().await
}
