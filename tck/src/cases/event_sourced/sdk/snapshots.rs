//! When a snapshot is due: events that pass a multiple of the interval without landing on it, and an
//! entity started from a snapshot, whose sequence number runs on from the snapshot's.

use cloudstate_protocol::names::model::{EVENT_SOURCED_TCK_MODEL, EVENT_SOURCED_TWO};

use crate::case::{Case, Verdict, sdk_case};
use crate::messages::event_sourced::{Expected, emits, init, init_snapshot, process};
use crate::sdk::SdkCx;

/// The cases of this file, in run order.
pub(super) const CASES: &[Case] = &[
    sdk_case! {
        id: "event_sourced.sdk.snapshot_when_events_pass_a_multiple",
        summary: "a reply whose events pass a multiple of five without ending on it carries a snapshot",
        requirements: ["ES-011", "ES-012"],
        services: &[EVENT_SOURCED_TCK_MODEL, EVENT_SOURCED_TWO],
        run: snapshot_when_events_pass_a_multiple,
    },
    sdk_case! {
        id: "event_sourced.sdk.snapshot_interval_counts_from_the_init_snapshot",
        summary: "after an init with a snapshot at sequence 3, the reply whose event is the 5th carries a snapshot",
        requirements: ["ES-006", "ES-011"],
        services: &[EVENT_SOURCED_TCK_MODEL, EVENT_SOURCED_TWO],
        run: snapshot_interval_counts_from_the_init_snapshot,
    },
];

/// Replies whose events pass a multiple of five take a snapshot, also when they end between multiples.
pub(super) async fn snapshot_when_events_pass_a_multiple(cx: SdkCx) -> Verdict {
    let id = cx.fresh_id("entity");
    let mut stream = cx.event_sourced();
    stream.send(init(EVENT_SOURCED_TCK_MODEL, &id));
    // (events of the command, state after it, whether its reply carries a snapshot): the sequence number
    // goes 0 -> 3 -> 6 (past 5) -> 13 (past 10).
    let steps: [(&[&str], &str, bool); 3] = [
        (&["A", "B", "C"], "ABC", false),
        (&["D", "E", "F"], "ABCDEF", true),
        (&["G", "H", "I", "J", "K", "L", "M"], "ABCDEFGHIJKLM", true),
    ];
    for (command_id, (events, state, snapshot)) in (1..).zip(steps) {
        stream.send(process(&id, command_id, emits(events)));
        let mut expected = Expected::reply(command_id, state).events(events);
        if snapshot {
            expected = expected.snapshot(state);
        }
        stream.expect(expected.out()).await?;
    }
    stream.close().await
}

/// After an init with a snapshot at sequence 3, the 2nd event emitted is the 5th: its reply takes a
/// snapshot.
pub(super) async fn snapshot_interval_counts_from_the_init_snapshot(cx: SdkCx) -> Verdict {
    let id = cx.fresh_id("entity");
    let mut stream = cx.event_sourced();
    stream.send(init_snapshot(EVENT_SOURCED_TCK_MODEL, &id, 3, "ABC"));
    stream.send(process(&id, 1, emits(&["D"])));
    stream
        .expect(Expected::reply(1, "ABCD").events(&["D"]).out())
        .await?;
    stream.send(process(&id, 2, emits(&["E"])));
    stream
        .expect(
            Expected::reply(2, "ABCDE")
                .events(&["E"])
                .snapshot("ABCDE")
                .out(),
        )
        .await?;
    stream.close().await
}
