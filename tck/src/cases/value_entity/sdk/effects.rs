//! Side effects and forwards to `ValueEntityTwo.Call`, alone and together with state changes.

use cloudstate_protocol::names::model::{VALUE_ENTITY_TCK_MODEL, VALUE_ENTITY_TWO};

use super::support::{Expected, effect, effects, forward_to, init, process, update, updates};
use crate::case::{Case, Verdict, sdk_case};
use crate::sdk::SdkCx;

/// The cases of this file, in run order.
pub(super) const CASES: &[Case] = &[
    sdk_case! {
        id: "value_entity.sdk.reply_with_multiple_side_effects",
        summary: "three side effects of one command are reported in order, asynchronous, next to the reply",
        requirements: ["VE-012"],
        services: &[VALUE_ENTITY_TCK_MODEL, VALUE_ENTITY_TWO],
        run: reply_with_multiple_side_effects,
    },
    sdk_case! {
        id: "value_entity.sdk.reply_with_side_effect_to_second_service",
        summary: "a side effect to ValueEntityTwo comes with the reply and no state action, and the state is kept",
        requirements: ["VE-008", "VE-012"],
        services: &[VALUE_ENTITY_TCK_MODEL, VALUE_ENTITY_TWO],
        run: reply_with_side_effect_to_second_service,
    },
    sdk_case! {
        id: "value_entity.sdk.reply_with_multiple_side_effects_and_state",
        summary: "five updates and three side effects give one update with the last value plus the side effects",
        requirements: ["VE-008", "VE-012"],
        services: &[VALUE_ENTITY_TCK_MODEL, VALUE_ENTITY_TWO],
        run: reply_with_multiple_side_effects_and_state,
    },
    sdk_case! {
        id: "value_entity.sdk.synchronous_side_effect_to_second_service",
        summary: "a synchronous side effect to ValueEntityTwo keeps its synchronous flag",
        requirements: ["VE-012"],
        services: &[VALUE_ENTITY_TCK_MODEL, VALUE_ENTITY_TWO],
        run: synchronous_side_effect_to_second_service,
    },
    sdk_case! {
        id: "value_entity.sdk.forward_to_second_service",
        summary: "a forward to ValueEntityTwo replaces the reply, changes no state, and the state is kept",
        requirements: ["VE-008", "VE-011"],
        services: &[VALUE_ENTITY_TCK_MODEL, VALUE_ENTITY_TWO],
        run: forward_to_second_service,
    },
    sdk_case! {
        id: "value_entity.sdk.forward_with_updated_state_to_second_service",
        summary: "a forward carries the command's state update in the same reply",
        requirements: ["VE-008", "VE-011"],
        services: &[VALUE_ENTITY_TCK_MODEL, VALUE_ENTITY_TWO],
        run: forward_with_updated_state_to_second_service,
    },
    sdk_case! {
        id: "value_entity.sdk.forward_and_side_effect_to_second_service",
        summary: "a forward carries the command's side effect in the same reply",
        requirements: ["VE-011", "VE-012"],
        services: &[VALUE_ENTITY_TCK_MODEL, VALUE_ENTITY_TWO],
        run: forward_and_side_effect_to_second_service,
    },
];

/// Case 45: three side effects in one command, in order, all asynchronous.
pub(super) async fn reply_with_multiple_side_effects(cx: SdkCx) -> Verdict {
    let id = cx.fresh_id("entity");
    let mut stream = cx.value_entity();
    stream.send(init(&id));
    stream.send(process(&id, 1, effects(&["1", "2", "3"])));
    stream
        .expect(Expected::reply(1, "").side_effects(&["1", "2", "3"]).out())
        .await?;
    stream.close().await
}

/// Case 46: a side effect next to a reply, with no state action, and the state kept.
pub(super) async fn reply_with_side_effect_to_second_service(cx: SdkCx) -> Verdict {
    let id = cx.fresh_id("entity");
    let mut stream = cx.value_entity();
    stream.send(init(&id));
    stream.send(process(&id, 1, updates(&["X"])));
    stream
        .expect(Expected::reply(1, "X").update("X").out())
        .await?;
    stream.send(process(&id, 2, vec![effect(&id, false)]));
    stream
        .expect(Expected::reply(2, "X").side_effects(&[&id]).out())
        .await?;
    stream.send(process(&id, 3, vec![]));
    stream.expect(Expected::reply(3, "X").out()).await?;
    stream.close().await
}

/// Case 47: five updates and three side effects give one update with the last value and the side effects.
pub(super) async fn reply_with_multiple_side_effects_and_state(cx: SdkCx) -> Verdict {
    let id = cx.fresh_id("entity");
    let mut stream = cx.value_entity();
    stream.send(init(&id));
    let mut actions = updates(&["A", "B", "C", "D", "E"]);
    actions.extend(effects(&["1", "2", "3"]));
    stream.send(process(&id, 1, actions));
    stream
        .expect(
            Expected::reply(1, "E")
                .update("E")
                .side_effects(&["1", "2", "3"])
                .out(),
        )
        .await?;
    stream.close().await
}

/// Case 48: a synchronous side effect keeps its `synchronous` flag.
pub(super) async fn synchronous_side_effect_to_second_service(cx: SdkCx) -> Verdict {
    let id = cx.fresh_id("entity");
    let mut stream = cx.value_entity();
    stream.send(init(&id));
    stream.send(process(&id, 1, vec![effect(&id, true)]));
    stream
        .expect(Expected::reply(1, "").side_effect(&id, true).out())
        .await?;
    stream.close().await
}

/// Case 49: a forward replaces the reply, changes nothing, and the state is kept.
pub(super) async fn forward_to_second_service(cx: SdkCx) -> Verdict {
    let id = cx.fresh_id("entity");
    let mut stream = cx.value_entity();
    stream.send(init(&id));
    stream.send(process(&id, 1, updates(&["X"])));
    stream
        .expect(Expected::reply(1, "X").update("X").out())
        .await?;
    stream.send(process(&id, 2, vec![forward_to(&id)]));
    stream.expect(Expected::forward(2, &id).out()).await?;
    stream.send(process(&id, 3, vec![]));
    stream.expect(Expected::reply(3, "X").out()).await?;
    stream.close().await
}

/// Case 50: a forward carries the command's state update in the same reply.
pub(super) async fn forward_with_updated_state_to_second_service(cx: SdkCx) -> Verdict {
    let id = cx.fresh_id("entity");
    let mut stream = cx.value_entity();
    stream.send(init(&id));
    stream.send(process(&id, 1, vec![update("A"), forward_to(&id)]));
    stream
        .expect(Expected::forward(1, &id).update("A").out())
        .await?;
    stream.close().await
}

/// Case 51: a forward carries the command's side effect in the same reply.
pub(super) async fn forward_and_side_effect_to_second_service(cx: SdkCx) -> Verdict {
    let id = cx.fresh_id("entity");
    let mut stream = cx.value_entity();
    stream.send(init(&id));
    stream.send(process(&id, 1, vec![effect(&id, false), forward_to(&id)]));
    stream
        .expect(Expected::forward(1, &id).side_effects(&[&id]).out())
        .await?;
    stream.close().await
}
