//! Side effects and forwards to `EventSourcedTwo.Call`, alone and together with events and snapshots.

use cloudstate_protocol::names::model::EVENT_SOURCED_TCK_MODEL;

use crate::case::Verdict;
use crate::messages::event_sourced::{
    Expected, effect, effects, emit, emits, forward_to, init, process,
};
use crate::sdk::SdkCx;

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
