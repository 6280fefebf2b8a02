//! Forwards and side effects through the proxy: both reach `CrdtTwo` as commands on the target entity's
//! own stream, and a delete ends each entity's stream.

use cloudstate_protocol::cloudstate::tck::model::crdt::Response;
use cloudstate_protocol::names::model::{CRDT_TCK_MODEL, CRDT_TWO};

use super::support::{call_two, expect_new_stream, process_ok};
use crate::case::Verdict;
use crate::messages::crdt::{
    Expected, call, delete, effect, forward_to, gset, gset_add, gset_delta, process, request,
    response, updates,
};
use crate::proxy::ProxyCx;

/// Case 178 (GSet): after adding "one", a forward gives the client the empty `Response` of
/// `CrdtTwo.Call`, which the proxy sends as command 1 on a new `CrdtTwo` stream; a side effect becomes
/// command 2 on that stream while the client gets the set; a delete of the set is command 4 on its
/// stream, which the proxy then ends; and a `CrdtTwo.Call` with a delete action, command 3 on the
/// `CrdtTwo` stream, gives the client an empty `Response` and the model a `delete`, after which the
/// proxy ends that stream too.
pub(super) async fn forwards_and_side_effects(cx: ProxyCx) -> Verdict {
    let id = cx.fresh_id("GSet");
    let one = gset(&["one"]);
    let one_response = response(one.clone());

    let adding = request(&id, updates([gset_add("one")]));
    process_ok(&cx, &adding, &one_response).await?;
    let mut entity = expect_new_stream(&cx, CRDT_TCK_MODEL, &id).await?;
    entity
        .expect_exchange(
            process(1, &adding),
            Expected::reply(1, one.clone())
                .update(gset_delta(&["one"]))
                .out(),
        )
        .await?;

    let forwarding = request(&id, vec![forward_to(&id)]);
    process_ok(&cx, &forwarding, &Response::default()).await?;
    entity
        .expect_exchange(process(2, &forwarding), Expected::forward(2, &id).out())
        .await?;
    let mut two = expect_new_stream(&cx, CRDT_TWO, &id).await?;
    let called = request(&id, Vec::new());
    two.expect_exchange(call(1, &called), Expected::empty_reply(1).out())
        .await?;

    let effecting = request(&id, vec![effect(&id, false)]);
    process_ok(&cx, &effecting, &one_response).await?;
    entity
        .expect_exchange(
            process(3, &effecting),
            Expected::reply(3, one.clone())
                .side_effect(&id, false)
                .out(),
        )
        .await?;
    two.expect_exchange(call(2, &called), Expected::empty_reply(2).out())
        .await?;

    let deleting = request(&id, vec![delete()]);
    process_ok(&cx, &deleting, &one_response).await?;
    entity
        .expect_exchange(
            process(4, &deleting),
            Expected::reply(4, one).delete().out(),
        )
        .await?;
    entity.expect_closed().await?;

    call_two(&cx, &deleting).await?;
    two.expect_exchange(call(3, &deleting), Expected::empty_reply(3).delete().out())
        .await?;
    two.expect_closed().await
}
