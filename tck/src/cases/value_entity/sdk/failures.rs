//! Command failures: their shape, what they discard, and that the stream stays usable.

use cloudstate_protocol::names::model::{VALUE_ENTITY_TCK_MODEL, VALUE_ENTITY_TWO};

use super::support::{EXPECTED_FAILURE, Expected, effect, fail, init, process, updates};
use crate::case::{Case, Verdict, sdk_case};
use crate::sdk::SdkCx;

/// The cases of this file, in run order.
pub(super) const CASES: &[Case] = &[
    sdk_case! {
        id: "value_entity.sdk.failure_action",
        summary: "a failing command gets a failure with its id, its message and restart false",
        requirements: ["VE-013", "VE-014"],
        services: &[VALUE_ENTITY_TCK_MODEL, VALUE_ENTITY_TWO],
        run: failure_action,
    },
    sdk_case! {
        id: "value_entity.sdk.connection_after_failure_action",
        summary: "after a failure the stream stays usable and keeps the state from before the failed command",
        requirements: ["VE-013", "VE-015"],
        services: &[VALUE_ENTITY_TCK_MODEL, VALUE_ENTITY_TWO],
        run: connection_after_failure_action,
    },
    sdk_case! {
        id: "value_entity.sdk.failure_action_does_not_allow_side_effects",
        summary: "a failure drops the side effects the command requested before failing",
        requirements: ["VE-013", "VE-014"],
        services: &[VALUE_ENTITY_TCK_MODEL, VALUE_ENTITY_TWO],
        run: failure_action_does_not_allow_side_effects,
    },
];

/// Case 52: a failing command is answered with a failure for its id, `restart` false and nothing else.
pub(super) async fn failure_action(cx: SdkCx) -> Verdict {
    let id = cx.fresh_id("entity");
    let mut stream = cx.value_entity();
    stream.send(init(&id));
    stream.send(process(&id, 1, vec![fail(EXPECTED_FAILURE)]));
    stream
        .expect(Expected::failure(1, EXPECTED_FAILURE).out())
        .await?;
    stream.close().await
}

/// Case 53: after a failure, the same stream answers the next command with the state from before it.
pub(super) async fn connection_after_failure_action(cx: SdkCx) -> Verdict {
    let id = cx.fresh_id("entity");
    let mut stream = cx.value_entity();
    stream.send(init(&id));
    stream.send(process(&id, 1, updates(&["A"])));
    stream
        .expect(Expected::reply(1, "A").update("A").out())
        .await?;
    stream.send(process(&id, 2, vec![fail(EXPECTED_FAILURE)]));
    stream
        .expect(Expected::failure(2, EXPECTED_FAILURE).out())
        .await?;
    stream.send(process(&id, 3, vec![]));
    stream.expect(Expected::reply(3, "A").out()).await?;
    stream.close().await
}

/// Case 54: a side effect requested before the failure is dropped with it.
pub(super) async fn failure_action_does_not_allow_side_effects(cx: SdkCx) -> Verdict {
    let id = cx.fresh_id("entity");
    let mut stream = cx.value_entity();
    stream.send(init(&id));
    stream.send(process(
        &id,
        1,
        vec![effect(&id, false), fail(EXPECTED_FAILURE)],
    ));
    stream
        .expect(Expected::failure(1, EXPECTED_FAILURE).out())
        .await?;
    stream.close().await
}
