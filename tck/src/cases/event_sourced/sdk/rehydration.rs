//! Starting an entity from a snapshot and replayed events, also after passivation.

use cloudstate_protocol::names::model::{EVENT_SOURCED_TCK_MODEL, EVENT_SOURCED_TWO};

use crate::case::{Case, Verdict, sdk_case};
use crate::messages::event_sourced::{Expected, emits, event_in, init, init_snapshot, process};
use crate::sdk::SdkCx;

/// The cases of this file, in run order.
pub(super) const CASES: &[Case] = &[
    sdk_case! {
        id: "event_sourced.sdk.initial_snapshot",
        summary: "the state is rebuilt from the snapshot in the init",
        requirements: ["ES-006"],
        services: &[EVENT_SOURCED_TCK_MODEL, EVENT_SOURCED_TWO],
        run: initial_snapshot,
    },
    sdk_case! {
        id: "event_sourced.sdk.initial_snapshot_and_events",
        summary: "events replayed after the init's snapshot are applied on top of it, in order",
        requirements: ["ES-006"],
        services: &[EVENT_SOURCED_TCK_MODEL, EVENT_SOURCED_TWO],
        run: initial_snapshot_and_events,
    },
    sdk_case! {
        id: "event_sourced.sdk.rehydration_after_passivation",
        summary: "after a clean passivation, the snapshot and the later events rebuild the same state",
        requirements: ["ES-006", "ES-011", "ES-022"],
        services: &[EVENT_SOURCED_TCK_MODEL, EVENT_SOURCED_TWO],
        run: rehydration_after_passivation,
    },
];

/// Case 61: the state is taken from the init's snapshot.
pub(super) async fn initial_snapshot(cx: SdkCx) -> Verdict {
    let id = cx.fresh_id("entity");
    let mut stream = cx.event_sourced();
    stream.send(init_snapshot(EVENT_SOURCED_TCK_MODEL, &id, 5, "ABCDE"));
    stream.send(process(&id, 1, vec![]));
    stream.expect(Expected::reply(1, "ABCDE").out()).await?;
    stream.close().await
}

/// Case 62: events replayed after the snapshot are applied on top of it, in order.
pub(super) async fn initial_snapshot_and_events(cx: SdkCx) -> Verdict {
    let id = cx.fresh_id("entity");
    let mut stream = cx.event_sourced();
    stream.send(init_snapshot(EVENT_SOURCED_TCK_MODEL, &id, 5, "ABCDE"));
    stream.send(event_in(6, "F"));
    stream.send(event_in(7, "G"));
    stream.send(process(&id, 1, vec![]));
    stream.expect(Expected::reply(1, "ABCDEFG").out()).await?;
    stream.close().await
}

/// Case 63: after a clean passivation, the snapshot and the events after it rebuild the same state.
pub(super) async fn rehydration_after_passivation(cx: SdkCx) -> Verdict {
    let id = cx.fresh_id("entity");
    let mut first = cx.event_sourced();
    first.send(init(EVENT_SOURCED_TCK_MODEL, &id));
    first.send(process(&id, 1, emits(&["A", "B", "C"])));
    first
        .expect(Expected::reply(1, "ABC").events(&["A", "B", "C"]).out())
        .await?;
    first.send(process(&id, 2, emits(&["D", "E"])));
    first
        .expect(
            Expected::reply(2, "ABCDE")
                .events(&["D", "E"])
                .snapshot("ABCDE")
                .out(),
        )
        .await?;
    first.send(process(&id, 3, emits(&["F"])));
    first
        .expect(Expected::reply(3, "ABCDEF").events(&["F"]).out())
        .await?;
    first.send(process(&id, 4, emits(&["G"])));
    first
        .expect(Expected::reply(4, "ABCDEFG").events(&["G"]).out())
        .await?;
    first.close().await?;

    let mut second = cx.event_sourced();
    second.send(init_snapshot(EVENT_SOURCED_TCK_MODEL, &id, 5, "ABCDE"));
    second.send(event_in(6, "F"));
    second.send(event_in(7, "G"));
    second.send(process(&id, 1, vec![]));
    second.expect(Expected::reply(1, "ABCDEFG").out()).await?;
    second.close().await
}
