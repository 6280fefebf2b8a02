//! What a CRDT's next activation carries after a passivation: the value the proxy holds for it. The main
//! model entity is given a short passivation timeout for the case (`shared::short_passivation`).

use cloudstate_protocol::names::model::CRDT_TCK_MODEL;
use tokio::time::Instant;

use super::support::{expect_new_stream, process_ok};
use crate::case::Verdict;
use crate::cases::shared::short_passivation::{expect_short_passivation, with_short_passivation};
use crate::messages::crdt::{
    Expected, HANDLE, gcounter, gcounter_delta, increment, init, process, request, response,
    updates,
};
use crate::proxy::ProxyCx;

/// New (PASS-003, CRDT-003): a GCounter is incremented to 4; the idle entity is passivated after the short
/// timeout; the next read opens a new stream whose init carries the value 4 as its delta, and is command
/// 1 on it.
pub(super) async fn passivation_keeps_the_held_value(cx: ProxyCx) -> Verdict {
    with_short_passivation(&cx, CRDT_TCK_MODEL, holds_and_reactivates(&cx)).await
}

async fn holds_and_reactivates(cx: &ProxyCx) -> Verdict {
    let id = cx.fresh_id("GCounter-passivated");
    let incrementing = request(&id, updates([increment(4)]));
    let sent = Instant::now();
    process_ok(cx, &incrementing, &response(gcounter(4))).await?;
    let answered = Instant::now();
    let mut first = expect_new_stream(cx, CRDT_TCK_MODEL, &id).await?;
    let reply = Expected::reply(1, gcounter(4)).update(gcounter_delta(4));
    first
        .expect_exchange(process(1, &incrementing), reply.out())
        .await?;
    expect_short_passivation(&mut first, sent, answered).await?;

    let read = request(&id, Vec::new());
    process_ok(cx, &read, &response(gcounter(4))).await?;
    let mut second = cx.expect_call(HANDLE).await?;
    second
        .expect_from_proxy(init(&id, Some(gcounter_delta(4))))
        .await?;
    second
        .expect_exchange(process(1, &read), Expected::reply(1, gcounter(4)).out())
        .await
}
