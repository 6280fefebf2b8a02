//! Command failures through the proxy: the client gets an error with the description, and the entity
//! goes on on the same stream with its state kept.

use cloudstate_protocol::names::model::VALUE_ENTITY_TCK_MODEL;

use super::support::{
    EXPECTED_FAILURE, Expected, expect_new_stream, fail, process_fails, process_in, process_ok,
    request, update,
};
use crate::case::Verdict;
use crate::proxy::ProxyCx;

/// Case 169: after the state is set to "one", a failing command gives the client gRPC status UNKNOWN with
/// the failure's description, while the model's failure passes on the same stream as command 2; an
/// update followed by a failure fails too; the next read, command 4 on the same stream, still gets "one".
pub(super) async fn failures(cx: ProxyCx) -> Verdict {
    let id = cx.fresh_id("ve-failures");
    let one = request(&id, vec![update("one")]);
    process_ok(&cx, &one, "one").await?;
    let mut entity = expect_new_stream(&cx, VALUE_ENTITY_TCK_MODEL, &id).await?;
    entity
        .expect_exchange(
            process_in(1, &one),
            Expected::reply(1, "one").update("one").out(),
        )
        .await?;

    let failing = request(&id, vec![fail(EXPECTED_FAILURE)]);
    process_fails(&cx, &failing, EXPECTED_FAILURE).await?;
    entity
        .expect_exchange(
            process_in(2, &failing),
            Expected::failure(2, EXPECTED_FAILURE).out(),
        )
        .await?;

    let update_then_fail = request(&id, vec![update("two"), fail("another failure")]);
    process_fails(&cx, &update_then_fail, "another failure").await?;
    let reply = Expected::failure(3, "another failure").out();
    entity
        .expect_exchange(process_in(3, &update_then_fail), reply)
        .await?;

    let read = request(&id, Vec::new());
    process_ok(&cx, &read, "one").await?;
    entity
        .expect_exchange(process_in(4, &read), Expected::reply(4, "one").out())
        .await
}
