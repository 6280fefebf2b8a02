//! What an event-sourced entity's next activation carries: after a passivation, the latest snapshot,
//! stored with the sequence number of its reply's last event, and exactly the events after it; after a
//! reply that forwards, the events that reply emitted. The main model entity is given a short passivation
//! timeout for the passivation case (`shared::short_passivation`).

use cloudstate_protocol::cloudstate::eventsourced::EventSourcedStreamOut;
use cloudstate_protocol::names::model::{EVENT_SOURCED_TCK_MODEL, EVENT_SOURCED_TWO};
use tokio::time::Instant;

use super::messages as es;
use crate::case::Verdict;
use crate::cases::shared::short_passivation::{expect_short_passivation, with_short_passivation};
use crate::messages::event_sourced::init_snapshot;
use crate::proxy::ProxyCx;

/// The events of the first command: seven, so that its reply carries the snapshot taken at 7 (the model
/// snapshots when a reply reaches or crosses a multiple of 5).
const FIRST: [&str; 7] = ["A", "B", "C", "D", "E", "F", "G"];

/// New (PASS-003, ES-004, ES-005, ES-039): `Process` emitting A to G (a snapshot at sequence 7), then
/// `Process` emitting H; the idle entity is passivated after the short timeout; the next `Process []`
/// opens a new stream with the init carrying the snapshot `ABCDEFG` at sequence 7, then the event H at
/// sequence 8 and nothing else, then command 1.
pub(super) async fn passivation_replays_snapshot_and_later_events(cx: ProxyCx) -> Verdict {
    with_short_passivation(&cx, EVENT_SOURCED_TCK_MODEL, snapshots_and_reactivates(&cx)).await
}

async fn snapshots_and_reactivates(cx: &ProxyCx) -> Verdict {
    let token = cx.durable_proxy()?.run_token().to_owned();
    let id = cx.fresh_id(&format!("es-passivated-snapshot-{token}"));
    let seven = es::request(&id, FIRST.iter().map(|value| es::emit(value)).collect());
    es::process_ok(cx, &seven, "ABCDEFG").await?;
    let eighth = es::request(&id, vec![es::emit("H")]);
    let sent = Instant::now();
    es::process_ok(cx, &eighth, "ABCDEFGH").await?;
    let answered = Instant::now();
    let mut first = cx.expect_call(es::HANDLE).await?;
    first
        .expect_from_proxy(es::init(EVENT_SOURCED_TCK_MODEL, &id))
        .await?;
    first.expect_from_proxy(es::process_in(1, &seven)).await?;
    first
        .recv_from_user_function::<EventSourcedStreamOut>()
        .await?;
    first.expect_from_proxy(es::process_in(2, &eighth)).await?;
    first
        .recv_from_user_function::<EventSourcedStreamOut>()
        .await?;
    expect_short_passivation(&mut first, sent, answered).await?;

    let read = es::request(&id, Vec::new());
    es::process_ok(cx, &read, "ABCDEFGH").await?;
    let mut second = cx.expect_call(es::HANDLE).await?;
    second
        .expect_from_proxy(init_snapshot(EVENT_SOURCED_TCK_MODEL, &id, 7, "ABCDEFG"))
        .await?;
    second.expect_from_proxy(es::event_in(8, "H")).await?;
    second.expect_from_proxy(es::process_in(1, &read)).await?;
    second
        .expect_from_user_function(es::reply_out(1, "ABCDEFGH", &[]))
        .await
}

/// New (ES-038, ES-005): `Process [emit A, forward to EventSourcedTwo]` stores the event A although the
/// client gets the target's answer; after a crash and restart of the (durable) proxy, the entity's next
/// stream replays A at sequence 1 before command 1.
pub(super) async fn events_of_a_forwarding_reply_are_stored(cx: ProxyCx) -> Verdict {
    let cx = &cx;
    let token = cx.durable_proxy()?.run_token().to_owned();
    let id = cx.fresh_id(&format!("es-forward-events-{token}"));
    let other = cx.fresh_id("es-forward-events-target");
    let forwarding = es::request(&id, vec![es::emit("A"), es::forward_to(&other)]);
    es::process_ok(cx, &forwarding, "").await?;
    let mut source = cx.expect_call(es::HANDLE).await?;
    source
        .expect_from_proxy(es::init(EVENT_SOURCED_TCK_MODEL, &id))
        .await?;
    source
        .expect_from_proxy(es::process_in(1, &forwarding))
        .await?;
    source
        .recv_from_user_function::<EventSourcedStreamOut>()
        .await?;
    let mut target = cx.expect_call(es::HANDLE).await?;
    target
        .expect_from_proxy(es::init(EVENT_SOURCED_TWO, &other))
        .await?;
    target.expect_from_proxy(es::call_in(&other, 1)).await?;
    cx.restart_proxy().await?;
    cx.expect_rediscovery().await?;

    let read = es::request(&id, Vec::new());
    es::process_ok(cx, &read, "A").await?;
    let mut after = cx.expect_call(es::HANDLE).await?;
    after
        .expect_from_proxy(es::init(EVENT_SOURCED_TCK_MODEL, &id))
        .await?;
    after.expect_from_proxy(es::event_in(1, "A")).await?;
    after.expect_from_proxy(es::process_in(1, &read)).await?;
    after
        .expect_from_user_function(es::reply_out(1, "A", &[]))
        .await
}
