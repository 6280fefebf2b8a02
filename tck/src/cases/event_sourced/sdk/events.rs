//! Emitting events, applying them to the state, and snapshots every five events.

use cloudstate_protocol::names::model::{EVENT_SOURCED_TCK_MODEL, EVENT_SOURCED_TWO};

use crate::case::{Case, Verdict, sdk_case};
use crate::messages::event_sourced::{Expected, emits, init, process};
use crate::sdk::SdkCx;

/// The cases of this file, in run order.
pub(super) const CASES: &[Case] = &[
    sdk_case! {
        id: "event_sourced.sdk.initial_empty_state",
        summary: "a new entity starts with an empty state, and a command without actions emits nothing",
        requirements: ["ES-006", "ES-007", "ES-022"],
        services: &[EVENT_SOURCED_TCK_MODEL, EVENT_SOURCED_TWO],
        run: initial_empty_state,
    },
    sdk_case! {
        id: "event_sourced.sdk.single_emitted_event",
        summary: "one emitted event is reported in the reply and applied to the state",
        requirements: ["ES-007", "ES-008", "ES-009", "ES-013"],
        services: &[EVENT_SOURCED_TCK_MODEL, EVENT_SOURCED_TWO],
        run: single_emitted_event,
    },
    sdk_case! {
        id: "event_sourced.sdk.multiple_emitted_events",
        summary: "three events of one command are reported in order and all applied to the state",
        requirements: ["ES-008", "ES-009"],
        services: &[EVENT_SOURCED_TCK_MODEL, EVENT_SOURCED_TWO],
        run: multiple_emitted_events,
    },
    sdk_case! {
        id: "event_sourced.sdk.multiple_emitted_events_and_snapshots",
        summary: "exactly the replies whose events reach the 5th and the 10th event carry a snapshot of the state after them",
        requirements: ["ES-008", "ES-009", "ES-010", "ES-011", "ES-012"],
        services: &[EVENT_SOURCED_TCK_MODEL, EVENT_SOURCED_TWO],
        run: multiple_emitted_events_and_snapshots,
    },
];

/// Case 57: a new entity's state is empty, and a command without actions emits nothing.
pub(super) async fn initial_empty_state(cx: SdkCx) -> Verdict {
    let id = cx.fresh_id("entity");
    let mut stream = cx.event_sourced();
    stream.send(init(EVENT_SOURCED_TCK_MODEL, &id));
    stream.send(process(&id, 1, vec![]));
    stream.expect(Expected::reply(1, "").out()).await?;
    stream.close().await
}

/// Case 58: one emitted event is reported and applied to the state.
pub(super) async fn single_emitted_event(cx: SdkCx) -> Verdict {
    let id = cx.fresh_id("entity");
    let mut stream = cx.event_sourced();
    stream.send(init(EVENT_SOURCED_TCK_MODEL, &id));
    stream.send(process(&id, 1, emits(&["A"])));
    stream
        .expect(Expected::reply(1, "A").events(&["A"]).out())
        .await?;
    stream.send(process(&id, 2, vec![]));
    stream.expect(Expected::reply(2, "A").out()).await?;
    stream.close().await
}

/// Case 59: three events of one command are reported in order and all applied.
pub(super) async fn multiple_emitted_events(cx: SdkCx) -> Verdict {
    let id = cx.fresh_id("entity");
    let mut stream = cx.event_sourced();
    stream.send(init(EVENT_SOURCED_TCK_MODEL, &id));
    stream.send(process(&id, 1, emits(&["A", "B", "C"])));
    stream
        .expect(Expected::reply(1, "ABC").events(&["A", "B", "C"]).out())
        .await?;
    stream.send(process(&id, 2, vec![]));
    stream.expect(Expected::reply(2, "ABC").out()).await?;
    stream.close().await
}

/// Case 60: over eleven events in eight commands, exactly the replies that reach the 5th and the 10th
/// event carry a snapshot, and it holds the state after all events of that reply.
pub(super) async fn multiple_emitted_events_and_snapshots(cx: SdkCx) -> Verdict {
    let id = cx.fresh_id("entity");
    let mut stream = cx.event_sourced();
    stream.send(init(EVENT_SOURCED_TCK_MODEL, &id));
    // (events of the command, state after it, whether its reply carries a snapshot)
    let steps: [(&[&str], &str, bool); 8] = [
        (&["A"], "A", false),
        (&["B"], "AB", false),
        (&["C"], "ABC", false),
        (&["D"], "ABCD", false),
        (&["E"], "ABCDE", true),
        (&["F", "G", "H"], "ABCDEFGH", false),
        (&["I", "J"], "ABCDEFGHIJ", true),
        (&["K"], "ABCDEFGHIJK", false),
    ];
    for (command_id, (events, state, snapshot)) in (1..).zip(steps) {
        stream.send(process(&id, command_id, emits(events)));
        let mut expected = Expected::reply(command_id, state).events(events);
        if snapshot {
            expected = expected.snapshot(state);
        }
        stream.expect(expected.out()).await?;
    }
    stream.send(process(&id, 9, vec![]));
    stream
        .expect(Expected::reply(9, "ABCDEFGHIJK").out())
        .await?;
    stream.close().await
}
