//! Forwards and side effects through the proxy: both reach `CrdtTwo` as commands on the target entity's
//! own stream, and a delete ends each entity's stream.

use cloudstate_protocol::cloudstate::tck::model::crdt::Response;
use cloudstate_protocol::names::model::{CRDT_TCK_MODEL, CRDT_TWO};

use super::support::{Expected, call_in, call_two, expect_new_stream, process_in, process_ok};
use super::values::{delete, effect, forward_to, gset, gset_add, gset_delta, request};
use crate::case::Verdict;
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

    let adding = request(&id, vec![gset_add("one")]);
    process_ok(&cx, &adding, &one).await?;
    let mut entity = expect_new_stream(&cx, CRDT_TCK_MODEL, &id).await?;
    entity
        .expect_exchange(
            process_in(1, &adding),
            Expected::reply(1, &one).update(gset_delta(&["one"])).out(),
        )
        .await?;

    let forwarding = request(&id, vec![forward_to(&id)]);
    process_ok(&cx, &forwarding, &Response::default()).await?;
    entity
        .expect_exchange(process_in(2, &forwarding), Expected::forward(2, &id).out())
        .await?;
    let mut two = expect_new_stream(&cx, CRDT_TWO, &id).await?;
    let call = request(&id, Vec::new());
    two.expect_exchange(
        call_in(1, &call),
        Expected::reply(1, &Response::default()).out(),
    )
    .await?;

    let effecting = request(&id, vec![effect(&id, false)]);
    process_ok(&cx, &effecting, &one).await?;
    entity
        .expect_exchange(
            process_in(3, &effecting),
            Expected::reply(3, &one).side_effect(&id, false).out(),
        )
        .await?;
    two.expect_exchange(
        call_in(2, &call),
        Expected::reply(2, &Response::default()).out(),
    )
    .await?;

    let deleting = request(&id, vec![delete()]);
    process_ok(&cx, &deleting, &one).await?;
    entity
        .expect_exchange(
            process_in(4, &deleting),
            Expected::reply(4, &one).delete().out(),
        )
        .await?;
    entity.expect_closed().await?;

    call_two(&cx, &deleting).await?;
    two.expect_exchange(
        call_in(3, &deleting),
        Expected::reply(3, &Response::default()).delete().out(),
    )
    .await?;
    two.expect_closed().await
}
