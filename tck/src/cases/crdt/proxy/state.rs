//! A CRDT entity's life through the proxy: state changes on one stream, a failure that leaves the stream
//! open, the end of the stream after a delete, and passivation after the announced idle time.

use cloudstate_protocol::names::model::{CRDT_CONFIGURED, CRDT_TCK_MODEL};
use tokio::time::Instant;

use super::support::{call_configured, expect_new_stream, process_fails, process_ok};
use crate::case::Verdict;
use crate::cases::shared::checks::{PASSIVATION_SLACK, announced_passivation, expect_passivation};
use crate::messages::crdt::{
    EXPECTED_FAILURE, Expected, call, change, delete, fail, gcounter, gcounter_delta, increment,
    pncounter, pncounter_delta, process, request, response, updates,
};
use crate::proxy::ProxyCx;

/// Case 177 (PNCounter): a read, two commands of three changes each and a delete give the client the
/// counter's value after each (0, 2, 7, 7). The interceptor sees one stream: the init of a new entity
/// (no delta), then commands 1 to 4, each answered with the net change of its command as one delta
/// (none for the read, +2, +5) and, for the last, a `delete`; the proxy then ends the stream.
pub(super) async fn state_changes(cx: ProxyCx) -> Verdict {
    let id = cx.fresh_id("PNCounter");

    let read = request(&id, Vec::new());
    process_ok(&cx, &read, &response(pncounter(0))).await?;
    let mut entity = expect_new_stream(&cx, CRDT_TCK_MODEL, &id).await?;
    entity
        .expect_exchange(process(1, &read), Expected::reply(1, pncounter(0)).out())
        .await?;

    let steps: [(&[i64], i64, i64); 2] = [(&[1, -2, 3], 2, 2), (&[4, -5, 6], 7, 5)];
    for (command_id, (changes, value, net)) in (2..).zip(steps) {
        let changing = request(&id, updates(changes.iter().map(|&by| change(by))));
        process_ok(&cx, &changing, &response(pncounter(value))).await?;
        let reply = Expected::reply(command_id, pncounter(value)).update(pncounter_delta(net));
        entity
            .expect_exchange(process(command_id, &changing), reply.out())
            .await?;
    }

    let deleting = request(&id, vec![delete()]);
    process_ok(&cx, &deleting, &response(pncounter(7))).await?;
    entity
        .expect_exchange(
            process(4, &deleting),
            Expected::reply(4, pncounter(7)).delete().out(),
        )
        .await?;
    entity.expect_closed().await
}

/// Case 179 (GCounter): after +42, a failing command gives the client status `UNKNOWN` with the
/// failure's description, and the model's reply is a `ClientAction.failure` for command 2 with no state
/// action; the stream stays open, so a delete is command 3 on it and gets the kept value, 42; the proxy
/// then ends the stream.
pub(super) async fn failures(cx: ProxyCx) -> Verdict {
    let id = cx.fresh_id("GCounter");

    let incrementing = request(&id, updates([increment(42)]));
    process_ok(&cx, &incrementing, &response(gcounter(42))).await?;
    let mut entity = expect_new_stream(&cx, CRDT_TCK_MODEL, &id).await?;
    entity
        .expect_exchange(
            process(1, &incrementing),
            Expected::reply(1, gcounter(42))
                .update(gcounter_delta(42))
                .out(),
        )
        .await?;

    let failing = request(&id, vec![fail(EXPECTED_FAILURE)]);
    process_fails(&cx, &failing, EXPECTED_FAILURE).await?;
    entity
        .expect_exchange(
            process(2, &failing),
            Expected::failure(2, EXPECTED_FAILURE).out(),
        )
        .await?;

    let deleting = request(&id, vec![delete()]);
    process_ok(&cx, &deleting, &response(gcounter(42))).await?;
    entity
        .expect_exchange(
            process(3, &deleting),
            Expected::reply(3, gcounter(42)).delete().out(),
        )
        .await?;
    entity.expect_closed().await
}

/// Case 182: a `CrdtConfigured.Call` runs init (no delta), command 1 and its empty reply on a new stream,
/// and the proxy closes the stream after the announced 100 ms of idleness: not before, and within 2 s.
pub(super) async fn passivation_timeout(cx: ProxyCx) -> Verdict {
    let timeout = announced_passivation(&cx, CRDT_CONFIGURED)?;
    let id = cx.fresh_id("crdt-passivation");
    let sent = Instant::now();
    call_configured(&cx, &id).await?;
    let answered = Instant::now();
    let mut stream = expect_new_stream(&cx, CRDT_CONFIGURED, &id).await?;
    let called = request(&id, Vec::new());
    stream
        .expect_exchange(call(1, &called), Expected::empty_reply(1).out())
        .await?;
    expect_passivation(
        &mut stream,
        sent,
        answered + timeout + PASSIVATION_SLACK,
        timeout,
    )
    .await
}
