//! Command failures: their shape, what they discard, and that the stream stays usable.

use super::support::{EXPECTED_FAILURE, Expected, effect, fail, init, process, updates};
use crate::case::Verdict;
use crate::sdk::SdkCx;

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
