//! GSet entities (cases 94 to 101 of the original TCK).

use super::support::{MODEL, delete_sent_to_entity, expect, process};
use crate::case::{Case, Verdict, sdk_case};
use crate::messages::crdt::{
    Expected, delete, gset, gset_add, gset_delta, init, replicated, updates,
};
use crate::sdk::SdkCx;

/// The cases of this file, in run order.
pub(super) const CASES: &[Case] = &[
    sdk_case! {
        id: "crdt.sdk.gset_initial_empty_state",
        summary: "a new GSet is empty, and a read carries no state action",
        requirements: ["CRDT-003", "CRDT-004", "CRDT-008"],
        services: MODEL,
        run: gset_initial_empty_state,
    },
    sdk_case! {
        id: "crdt.sdk.gset_state_changes",
        summary: "only elements new to the GSet are reported as added, and adding present ones reports nothing",
        requirements: ["CRDT-007", "CRDT-008", "CRDT-016", "CRDT-017"],
        services: MODEL,
        run: gset_state_changes,
    },
    sdk_case! {
        id: "crdt.sdk.gset_initial_delta_in_init",
        summary: "a GSet starts from the init's delta, and only new elements are reported",
        requirements: ["CRDT-004", "CRDT-005", "CRDT-007"],
        services: MODEL,
        run: gset_initial_delta_in_init,
    },
    sdk_case! {
        id: "crdt.sdk.gset_initial_empty_state_with_replicated_initial_delta",
        summary: "a GSet delta received after the init is applied and never reported back",
        requirements: ["CRDT-005", "CRDT-006"],
        services: MODEL,
        run: gset_initial_empty_state_with_replicated_initial_delta,
    },
    sdk_case! {
        id: "crdt.sdk.gset_mix_of_local_and_replicated_state_changes",
        summary: "replicated additions are applied between commands, and only local additions of new elements are reported",
        requirements: ["CRDT-005", "CRDT-006", "CRDT-007", "CRDT-016"],
        services: MODEL,
        run: gset_mix_of_local_and_replicated_state_changes,
    },
    sdk_case! {
        id: "crdt.sdk.gset_rehydration_after_passivation",
        summary: "after a clean passivation, a new stream started from the set goes on from it",
        requirements: ["CRDT-003", "CRDT-004", "CRDT-035"],
        services: MODEL,
        run: gset_rehydration_after_passivation,
    },
    sdk_case! {
        id: "crdt.sdk.gset_delete_action_received_from_entity",
        summary: "a command that deletes a GSet is answered with its elements and a delete action",
        requirements: ["CRDT-021"],
        services: MODEL,
        run: gset_delete_action_received_from_entity,
    },
    sdk_case! {
        id: "crdt.sdk.gset_delete_action_sent_to_entity",
        summary: "a GSet deleted by the proxy sends nothing and ends when the proxy half-closes",
        requirements: ["CRDT-022", "CRDT-035"],
        services: MODEL,
        run: gset_delete_action_sent_to_entity,
    },
];

/// Case 94: a new GSet is empty, and a read reports no change.
pub(super) async fn gset_initial_empty_state(cx: SdkCx) -> Verdict {
    let id = cx.fresh_id("GSet");
    let mut stream = cx.crdt();
    stream.send(init(&id, None));
    stream.send(process(&id, 1, vec![]));
    expect(&mut stream, Expected::reply(1, gset(&[])).out()).await?;
    stream.close().await
}

/// Case 95: only elements new to the set are reported as added.
pub(super) async fn gset_state_changes(cx: SdkCx) -> Verdict {
    let id = cx.fresh_id("GSet");
    let mut stream = cx.crdt();
    stream.send(init(&id, None));
    stream.send(process(&id, 1, updates(["a", "b"].map(gset_add))));
    let reply = Expected::reply(1, gset(&["a", "b"])).update(gset_delta(&["a", "b"]));
    expect(&mut stream, reply.out()).await?;
    stream.send(process(&id, 2, updates(["b", "c"].map(gset_add))));
    let reply = Expected::reply(2, gset(&["a", "b", "c"])).update(gset_delta(&["c"]));
    expect(&mut stream, reply.out()).await?;
    stream.send(process(&id, 3, updates(["c", "a"].map(gset_add))));
    expect(
        &mut stream,
        Expected::reply(3, gset(&["a", "b", "c"])).out(),
    )
    .await?;
    stream.close().await
}

/// Case 96: the set starts from the init's delta; adding present elements reports nothing for them.
pub(super) async fn gset_initial_delta_in_init(cx: SdkCx) -> Verdict {
    let id = cx.fresh_id("GSet");
    let mut stream = cx.crdt();
    stream.send(init(&id, Some(gset_delta(&["a", "b", "c"]))));
    stream.send(process(&id, 1, updates(["c", "d", "e"].map(gset_add))));
    let state = gset(&["a", "b", "c", "d", "e"]);
    let reply = Expected::reply(1, state).update(gset_delta(&["d", "e"]));
    expect(&mut stream, reply.out()).await?;
    stream.close().await
}

/// Case 97: a delta received right after the init is applied and not reported back.
pub(super) async fn gset_initial_empty_state_with_replicated_initial_delta(cx: SdkCx) -> Verdict {
    let id = cx.fresh_id("GSet");
    let mut stream = cx.crdt();
    stream.send(init(&id, None));
    stream.send(replicated(gset_delta(&["x", "y"])));
    stream.send(process(&id, 1, updates([gset_add("z")])));
    let reply = Expected::reply(1, gset(&["x", "y", "z"])).update(gset_delta(&["z"]));
    expect(&mut stream, reply.out()).await?;
    stream.close().await
}

/// Case 98: local and replicated additions mix; only local additions of new elements are reported.
pub(super) async fn gset_mix_of_local_and_replicated_state_changes(cx: SdkCx) -> Verdict {
    let id = cx.fresh_id("GSet");
    let mut stream = cx.crdt();
    stream.send(init(&id, None));
    stream.send(process(&id, 1, updates([gset_add("a")])));
    let reply = Expected::reply(1, gset(&["a"])).update(gset_delta(&["a"]));
    expect(&mut stream, reply.out()).await?;
    stream.send(replicated(gset_delta(&["a"])));
    stream.send(replicated(gset_delta(&["b"])));
    stream.send(replicated(gset_delta(&["c"])));
    stream.send(process(&id, 2, vec![]));
    expect(
        &mut stream,
        Expected::reply(2, gset(&["a", "b", "c"])).out(),
    )
    .await?;
    stream.send(process(&id, 3, updates(["c", "d", "e"].map(gset_add))));
    let state = gset(&["a", "b", "c", "d", "e"]);
    let reply = Expected::reply(3, state).update(gset_delta(&["d", "e"]));
    expect(&mut stream, reply.out()).await?;
    stream.send(replicated(gset_delta(&["f"])));
    stream.send(process(&id, 4, updates(["g", "d", "b"].map(gset_add))));
    let state = gset(&["a", "b", "c", "d", "e", "f", "g"]);
    let reply = Expected::reply(4, state).update(gset_delta(&["g"]));
    expect(&mut stream, reply.out()).await?;
    stream.close().await
}

/// Case 99: after passivation, a new stream whose init carries the set goes on from it.
pub(super) async fn gset_rehydration_after_passivation(cx: SdkCx) -> Verdict {
    let id = cx.fresh_id("GSet");
    let mut first = cx.crdt();
    first.send(init(&id, None));
    first.send(process(&id, 1, updates([gset_add("a")])));
    let reply = Expected::reply(1, gset(&["a"])).update(gset_delta(&["a"]));
    expect(&mut first, reply.out()).await?;
    first.send(replicated(gset_delta(&["b"])));
    first.send(process(&id, 2, vec![]));
    expect(&mut first, Expected::reply(2, gset(&["a", "b"])).out()).await?;
    first.send(process(&id, 3, updates([gset_add("c")])));
    let reply = Expected::reply(3, gset(&["a", "b", "c"])).update(gset_delta(&["c"]));
    expect(&mut first, reply.out()).await?;
    first.close().await?;

    let mut second = cx.crdt();
    second.send(init(&id, Some(gset_delta(&["a", "b", "c"]))));
    second.send(process(&id, 1, vec![]));
    expect(
        &mut second,
        Expected::reply(1, gset(&["a", "b", "c"])).out(),
    )
    .await?;
    second.send(replicated(gset_delta(&["d"])));
    second.send(process(&id, 2, updates([gset_add("e")])));
    let state = gset(&["a", "b", "c", "d", "e"]);
    let reply = Expected::reply(2, state).update(gset_delta(&["e"]));
    expect(&mut second, reply.out()).await?;
    second.close().await
}

/// Case 100: a command that deletes the entity is answered with its state and a `delete` action.
pub(super) async fn gset_delete_action_received_from_entity(cx: SdkCx) -> Verdict {
    let id = cx.fresh_id("GSet");
    let mut stream = cx.crdt();
    stream.send(init(&id, None));
    stream.send(process(&id, 1, updates([gset_add("x")])));
    let reply = Expected::reply(1, gset(&["x"])).update(gset_delta(&["x"]));
    expect(&mut stream, reply.out()).await?;
    stream.send(process(&id, 2, vec![delete()]));
    expect(&mut stream, Expected::reply(2, gset(&["x"])).delete().out()).await?;
    stream.close().await
}

/// Case 101: the proxy's delete is taken silently.
pub(super) async fn gset_delete_action_sent_to_entity(cx: SdkCx) -> Verdict {
    delete_sent_to_entity(cx, "GSet").await
}
