//! Side effects and forwards to `EventSourcedTwo.Call`, alone and together with events and snapshots.

use cloudstate_protocol::names::model::{EVENT_SOURCED_TCK_MODEL, EVENT_SOURCED_TWO};

use crate::case::{Case, Verdict, sdk_case};
use crate::messages::event_sourced::{
    Expected, effect, effects, emit, emits, forward_to, init, process,
};
use crate::sdk::SdkCx;

/// The cases of this file, in run order.
pub(super) const CASES: &[Case] = &[
    sdk_case! {
        id: "event_sourced.sdk.forward_to_second_service",
        summary: "a forward to EventSourcedTwo replaces the reply, emits nothing, and the state is kept",
        requirements: ["ES-008", "ES-014"],
        services: &[EVENT_SOURCED_TCK_MODEL, EVENT_SOURCED_TWO],
        run: forward_to_second_service,
    },
    sdk_case! {
        id: "event_sourced.sdk.forward_with_emitted_events",
        summary: "a forward carries the command's events in the same reply",
        requirements: ["ES-008", "ES-014"],
        services: &[EVENT_SOURCED_TCK_MODEL, EVENT_SOURCED_TWO],
        run: forward_with_emitted_events,
    },
    sdk_case! {
        id: "event_sourced.sdk.forward_with_emitted_events_and_snapshot",
        summary: "a forward whose events reach the 5th event carries the events and the snapshot",
        requirements: ["ES-011", "ES-012", "ES-014"],
        services: &[EVENT_SOURCED_TCK_MODEL, EVENT_SOURCED_TWO],
        run: forward_with_emitted_events_and_snapshot,
    },
    sdk_case! {
        id: "event_sourced.sdk.reply_with_side_effect_to_second_service",
        summary: "a side effect to EventSourcedTwo comes with the reply and no events, and the state is kept",
        requirements: ["ES-008", "ES-015"],
        services: &[EVENT_SOURCED_TCK_MODEL, EVENT_SOURCED_TWO],
        run: reply_with_side_effect_to_second_service,
    },
    sdk_case! {
        id: "event_sourced.sdk.synchronous_side_effect_to_second_service",
        summary: "a synchronous side effect to EventSourcedTwo keeps its synchronous flag",
        requirements: ["ES-015"],
        services: &[EVENT_SOURCED_TCK_MODEL, EVENT_SOURCED_TWO],
        run: synchronous_side_effect_to_second_service,
    },
    sdk_case! {
        id: "event_sourced.sdk.forward_and_side_effect_to_second_service",
        summary: "a forward carries the command's side effect in the same reply",
        requirements: ["ES-014", "ES-015"],
        services: &[EVENT_SOURCED_TCK_MODEL, EVENT_SOURCED_TWO],
        run: forward_and_side_effect_to_second_service,
    },
    sdk_case! {
        id: "event_sourced.sdk.reply_with_multiple_side_effects",
        summary: "three side effects of one command are reported in order, asynchronous, next to the reply",
        requirements: ["ES-015"],
        services: &[EVENT_SOURCED_TCK_MODEL, EVENT_SOURCED_TWO],
        run: reply_with_multiple_side_effects,
    },
    sdk_case! {
        id: "event_sourced.sdk.reply_with_multiple_side_effects_events_and_snapshot",
        summary: "five events and three side effects give the events, the snapshot and the side effects in one reply",
        requirements: ["ES-008", "ES-011", "ES-012", "ES-015"],
        services: &[EVENT_SOURCED_TCK_MODEL, EVENT_SOURCED_TWO],
        run: reply_with_multiple_side_effects_events_and_snapshot,
    },
];

/// Case 64: a forward replaces the reply, emits nothing, and the state is kept.
pub(super) async fn forward_to_second_service(cx: SdkCx) -> Verdict {
    let id = cx.fresh_id("entity");
    let mut stream = cx.event_sourced();
    stream.send(init(EVENT_SOURCED_TCK_MODEL, &id));
    stream.send(process(&id, 1, emits(&["A", "B", "C"])));
    stream
        .expect(Expected::reply(1, "ABC").events(&["A", "B", "C"]).out())
        .await?;
    stream.send(process(&id, 2, vec![forward_to(&id)]));
    stream.expect(Expected::forward(2, &id).out()).await?;
    stream.send(process(&id, 3, vec![]));
    stream.expect(Expected::reply(3, "ABC").out()).await?;
    stream.close().await
}

/// Case 65: a forward carries the command's event in the same reply.
pub(super) async fn forward_with_emitted_events(cx: SdkCx) -> Verdict {
    let id = cx.fresh_id("entity");
    let mut stream = cx.event_sourced();
    stream.send(init(EVENT_SOURCED_TCK_MODEL, &id));
    stream.send(process(&id, 1, vec![emit("A"), forward_to(&id)]));
    stream
        .expect(Expected::forward(1, &id).events(&["A"]).out())
        .await?;
    stream.close().await
}

/// Case 66: a forward whose events reach the 5th event carries them and the snapshot.
pub(super) async fn forward_with_emitted_events_and_snapshot(cx: SdkCx) -> Verdict {
    let id = cx.fresh_id("entity");
    let mut stream = cx.event_sourced();
    stream.send(init(EVENT_SOURCED_TCK_MODEL, &id));
    stream.send(process(&id, 1, emits(&["A", "B", "C"])));
    stream
        .expect(Expected::reply(1, "ABC").events(&["A", "B", "C"]).out())
        .await?;
    stream.send(process(&id, 2, vec![emit("D"), emit("E"), forward_to(&id)]));
    stream
        .expect(
            Expected::forward(2, &id)
                .events(&["D", "E"])
                .snapshot("ABCDE")
                .out(),
        )
        .await?;
    stream.close().await
}

/// Case 67: a side effect comes with the reply, with no events, and the state is kept.
pub(super) async fn reply_with_side_effect_to_second_service(cx: SdkCx) -> Verdict {
    let id = cx.fresh_id("entity");
    let mut stream = cx.event_sourced();
    stream.send(init(EVENT_SOURCED_TCK_MODEL, &id));
    stream.send(process(&id, 1, emits(&["A", "B", "C"])));
    stream
        .expect(Expected::reply(1, "ABC").events(&["A", "B", "C"]).out())
        .await?;
    stream.send(process(&id, 2, vec![effect(&id, false)]));
    stream
        .expect(Expected::reply(2, "ABC").side_effects(&[&id]).out())
        .await?;
    stream.send(process(&id, 3, vec![]));
    stream.expect(Expected::reply(3, "ABC").out()).await?;
    stream.close().await
}

/// Case 68: a synchronous side effect keeps its `synchronous` flag.
pub(super) async fn synchronous_side_effect_to_second_service(cx: SdkCx) -> Verdict {
    let id = cx.fresh_id("entity");
    let mut stream = cx.event_sourced();
    stream.send(init(EVENT_SOURCED_TCK_MODEL, &id));
    stream.send(process(&id, 1, vec![effect(&id, true)]));
    stream
        .expect(Expected::reply(1, "").side_effect(&id, true).out())
        .await?;
    stream.close().await
}

/// Case 69: a forward carries the command's side effect in the same reply.
pub(super) async fn forward_and_side_effect_to_second_service(cx: SdkCx) -> Verdict {
    let id = cx.fresh_id("entity");
    let mut stream = cx.event_sourced();
    stream.send(init(EVENT_SOURCED_TCK_MODEL, &id));
    stream.send(process(&id, 1, vec![effect(&id, false), forward_to(&id)]));
    stream
        .expect(Expected::forward(1, &id).side_effects(&[&id]).out())
        .await?;
    stream.close().await
}

/// Case 70: three side effects of one command are reported in order, all asynchronous.
pub(super) async fn reply_with_multiple_side_effects(cx: SdkCx) -> Verdict {
    let id = cx.fresh_id("entity");
    let mut stream = cx.event_sourced();
    stream.send(init(EVENT_SOURCED_TCK_MODEL, &id));
    stream.send(process(&id, 1, effects(&["1", "2", "3"])));
    stream
        .expect(Expected::reply(1, "").side_effects(&["1", "2", "3"]).out())
        .await?;
    stream.close().await
}

/// Case 71: five events and three side effects in one command give the events, the snapshot after the
/// 5th event, and the side effects, all in one reply.
pub(super) async fn reply_with_multiple_side_effects_events_and_snapshot(cx: SdkCx) -> Verdict {
    let id = cx.fresh_id("entity");
    let mut stream = cx.event_sourced();
    stream.send(init(EVENT_SOURCED_TCK_MODEL, &id));
    let mut actions = emits(&["A", "B", "C", "D", "E"]);
    actions.extend(effects(&["1", "2", "3"]));
    stream.send(process(&id, 1, actions));
    let expected = Expected::reply(1, "ABCDE")
        .events(&["A", "B", "C", "D", "E"])
        .snapshot("ABCDE")
        .side_effects(&["1", "2", "3"]);
    stream.expect(expected.out()).await?;
    stream.close().await
}
