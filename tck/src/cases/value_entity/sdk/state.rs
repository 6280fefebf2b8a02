//! Reading, updating and deleting the value, within one command and across commands and streams.

use cloudstate_protocol::names::model::{VALUE_ENTITY_TCK_MODEL, VALUE_ENTITY_TWO};

use super::support::{Expected, delete, init, init_stored, process, update, updates};
use crate::case::{Case, Verdict, sdk_case};
use crate::sdk::SdkCx;

/// The cases of this file, in run order.
pub(super) const CASES: &[Case] = &[
    sdk_case! {
        id: "value_entity.sdk.initial_empty_state",
        summary: "a new entity starts with an empty state, and a command without actions changes nothing",
        requirements: ["VE-006", "VE-007", "VE-008", "VE-016"],
        services: &[VALUE_ENTITY_TCK_MODEL, VALUE_ENTITY_TWO],
        run: initial_empty_state,
    },
    sdk_case! {
        id: "value_entity.sdk.update_state",
        summary: "an update is reported as an update state action and read back by the next command",
        requirements: ["VE-007", "VE-008", "VE-009", "VE-010"],
        services: &[VALUE_ENTITY_TCK_MODEL, VALUE_ENTITY_TWO],
        run: update_state,
    },
    sdk_case! {
        id: "value_entity.sdk.delete_state",
        summary: "a delete is reported as a delete state action and leaves the state empty",
        requirements: ["VE-008", "VE-009"],
        services: &[VALUE_ENTITY_TCK_MODEL, VALUE_ENTITY_TWO],
        run: delete_state,
    },
    sdk_case! {
        id: "value_entity.sdk.sub_invocations_with_multiple_update_states",
        summary: "several updates in one command are reported as one update with the last value",
        requirements: ["VE-008", "VE-009"],
        services: &[VALUE_ENTITY_TCK_MODEL, VALUE_ENTITY_TWO],
        run: sub_invocations_with_multiple_update_states,
    },
    sdk_case! {
        id: "value_entity.sdk.sub_invocations_with_multiple_update_states_and_delete_states",
        summary: "updates then a delete in one command are reported as a single delete",
        requirements: ["VE-008", "VE-009"],
        services: &[VALUE_ENTITY_TCK_MODEL, VALUE_ENTITY_TWO],
        run: sub_invocations_with_multiple_update_states_and_delete_states,
    },
    sdk_case! {
        id: "value_entity.sdk.sub_invocations_with_update_delete_and_update_states",
        summary: "update, delete, update in one command is reported as one update with the last value",
        requirements: ["VE-008", "VE-009"],
        services: &[VALUE_ENTITY_TCK_MODEL, VALUE_ENTITY_TWO],
        run: sub_invocations_with_update_delete_and_update_states,
    },
    sdk_case! {
        id: "value_entity.sdk.rehydration_after_passivation",
        summary: "after a clean passivation, a new stream starts from the stored value its init carries",
        requirements: ["VE-006", "VE-008", "VE-016"],
        services: &[VALUE_ENTITY_TCK_MODEL, VALUE_ENTITY_TWO],
        run: rehydration_after_passivation,
    },
];

/// Case 38: a new entity's state is empty, and a command without actions changes nothing.
pub(super) async fn initial_empty_state(cx: SdkCx) -> Verdict {
    let id = cx.fresh_id("entity");
    let mut stream = cx.value_entity();
    stream.send(init(&id));
    stream.send(process(&id, 1, vec![]));
    stream.expect(Expected::reply(1, "").out()).await?;
    stream.close().await
}

/// Case 39: an update is reported as an `update` state action and read back by the next command.
pub(super) async fn update_state(cx: SdkCx) -> Verdict {
    let id = cx.fresh_id("entity");
    let mut stream = cx.value_entity();
    stream.send(init(&id));
    stream.send(process(&id, 1, updates(&["A"])));
    stream
        .expect(Expected::reply(1, "A").update("A").out())
        .await?;
    stream.send(process(&id, 2, vec![]));
    stream.expect(Expected::reply(2, "A").out()).await?;
    stream.close().await
}

/// Case 40: a delete is reported as a `delete` state action and leaves the state empty.
pub(super) async fn delete_state(cx: SdkCx) -> Verdict {
    let id = cx.fresh_id("entity");
    let mut stream = cx.value_entity();
    stream.send(init(&id));
    stream.send(process(&id, 1, updates(&["A"])));
    stream
        .expect(Expected::reply(1, "A").update("A").out())
        .await?;
    stream.send(process(&id, 2, vec![delete()]));
    stream.expect(Expected::reply(2, "").delete().out()).await?;
    stream.send(process(&id, 3, vec![]));
    stream.expect(Expected::reply(3, "").out()).await?;
    stream.close().await
}

/// Case 41: several updates in one command are reported as one update with the last value.
pub(super) async fn sub_invocations_with_multiple_update_states(cx: SdkCx) -> Verdict {
    let id = cx.fresh_id("entity");
    let mut stream = cx.value_entity();
    stream.send(init(&id));
    stream.send(process(&id, 1, updates(&["A", "B", "C"])));
    stream
        .expect(Expected::reply(1, "C").update("C").out())
        .await?;
    stream.send(process(&id, 2, vec![]));
    stream.expect(Expected::reply(2, "C").out()).await?;
    stream.close().await
}

/// Case 42: updates followed by a delete in one command are reported as one delete.
pub(super) async fn sub_invocations_with_multiple_update_states_and_delete_states(
    cx: SdkCx,
) -> Verdict {
    let id = cx.fresh_id("entity");
    let mut stream = cx.value_entity();
    stream.send(init(&id));
    let mut actions = updates(&["A", "B"]);
    actions.push(delete());
    stream.send(process(&id, 1, actions));
    stream.expect(Expected::reply(1, "").delete().out()).await?;
    stream.send(process(&id, 2, vec![]));
    stream.expect(Expected::reply(2, "").out()).await?;
    stream.close().await
}

/// Case 43: update, delete, update in one command is reported as one update with the last value.
pub(super) async fn sub_invocations_with_update_delete_and_update_states(cx: SdkCx) -> Verdict {
    let id = cx.fresh_id("entity");
    let mut stream = cx.value_entity();
    stream.send(init(&id));
    stream.send(process(&id, 1, vec![update("A"), delete(), update("B")]));
    stream
        .expect(Expected::reply(1, "B").update("B").out())
        .await?;
    stream.send(process(&id, 2, vec![]));
    stream.expect(Expected::reply(2, "B").out()).await?;
    stream.close().await
}

/// Case 44: after passivation, a new stream whose init carries the stored value starts from that value.
pub(super) async fn rehydration_after_passivation(cx: SdkCx) -> Verdict {
    let id = cx.fresh_id("entity");
    let mut first = cx.value_entity();
    first.send(init(&id));
    for (command_id, value) in (1..).zip(["A", "B", "C", "D"]) {
        first.send(process(&id, command_id, updates(&[value])));
        first
            .expect(Expected::reply(command_id, value).update(value).out())
            .await?;
    }
    first.close().await?;

    let mut second = cx.value_entity();
    second.send(init_stored(&id, "D"));
    second.send(process(&id, 1, updates(&["E"])));
    second
        .expect(Expected::reply(1, "E").update("E").out())
        .await?;
    second.send(process(&id, 2, vec![]));
    second.expect(Expected::reply(2, "E").out()).await?;
    second.close().await
}
