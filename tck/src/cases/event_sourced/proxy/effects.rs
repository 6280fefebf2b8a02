//! Forwards and side effects through the proxy: both reach `EventSourcedTwo` as commands on the target
//! entity's own stream.

use cloudstate_protocol::names::model::{EVENT_SOURCED_TCK_MODEL, EVENT_SOURCED_TWO};

use super::support::{expect_call_exchange, expect_new_stream, process_ok};
use crate::case::Verdict;
use crate::messages::event_sourced::{Expected, effect, emits, forward_to, process_in, request};
use crate::proxy::ProxyCx;

/// Case 173: after the event "one", a forward gives the client the empty `Response` of
/// `EventSourcedTwo.Call`, which the proxy sends as command 1 on a new `EventSourcedTwo` stream; an
/// asynchronous and then a synchronous side effect become commands 2 and 3 on that stream while the
/// client gets the entity's state; the entity's own stream carries commands 1 to 5 throughout.
pub(super) async fn forwards_and_side_effects(cx: ProxyCx) -> Verdict {
    let id = cx.fresh_id("es-effects");
    let one = request(&id, emits(&["one"]));
    process_ok(&cx, &one, "one").await?;
    let mut entity = expect_new_stream(&cx, EVENT_SOURCED_TCK_MODEL, &id).await?;
    entity
        .expect_exchange(
            process_in(1, &one),
            Expected::reply(1, "one").events(&["one"]).out(),
        )
        .await?;

    let forwarding = request(&id, vec![forward_to(&id)]);
    process_ok(&cx, &forwarding, "").await?;
    entity
        .expect_exchange(process_in(2, &forwarding), Expected::forward(2, &id).out())
        .await?;
    let mut two = expect_new_stream(&cx, EVENT_SOURCED_TWO, &id).await?;
    expect_call_exchange(&mut two, &id, 1).await?;

    for (command_id, synchronous, two_command_id) in [(3, false, 2), (4, true, 3)] {
        let effecting = request(&id, vec![effect(&id, synchronous)]);
        process_ok(&cx, &effecting, "one").await?;
        let reply = Expected::reply(command_id, "one").side_effect(&id, synchronous);
        entity
            .expect_exchange(process_in(command_id, &effecting), reply.out())
            .await?;
        expect_call_exchange(&mut two, &id, two_command_id).await?;
    }

    let read = request(&id, Vec::new());
    process_ok(&cx, &read, "one").await?;
    entity
        .expect_exchange(process_in(5, &read), Expected::reply(5, "one").out())
        .await
}
