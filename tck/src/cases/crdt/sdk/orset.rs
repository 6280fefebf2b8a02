//! ORSet entities (cases 102 to 109 of the original TCK).

use super::support::{MODEL, delete_sent_to_entity, expect, process};
use crate::case::{Case, Verdict, sdk_case};
use crate::messages::crdt::{
    Expected, delete, init, orset, orset_add, orset_added, orset_clear, orset_delta, orset_remove,
    replicated, updates,
};
use crate::sdk::SdkCx;

/// The cases of this file, in run order.
pub(super) const CASES: &[Case] = &[
    sdk_case! {
        id: "crdt.sdk.orset_initial_empty_state",
        summary: "a new ORSet is empty, and a read carries no state action",
        requirements: ["CRDT-003", "CRDT-004", "CRDT-008"],
        services: MODEL,
        run: orset_initial_empty_state,
    },
    sdk_case! {
        id: "crdt.sdk.orset_state_changes",
        summary: "ORSet adds, removes and clears are reported as the net change of each command, a clear first",
        requirements: ["CRDT-007", "CRDT-008", "CRDT-049", "CRDT-016"],
        services: MODEL,
        run: orset_state_changes,
    },
    sdk_case! {
        id: "crdt.sdk.orset_initial_delta_in_init",
        summary: "an ORSet starts from the init's delta, and a removal and an addition are reported together",
        requirements: ["CRDT-004", "CRDT-005", "CRDT-007"],
        services: MODEL,
        run: orset_initial_delta_in_init,
    },
    sdk_case! {
        id: "crdt.sdk.orset_initial_empty_state_with_replicated_initial_delta",
        summary: "an ORSet delta received after the init is applied and never reported back",
        requirements: ["CRDT-005", "CRDT-006", "CRDT-007"],
        services: MODEL,
        run: orset_initial_empty_state_with_replicated_initial_delta,
    },
    sdk_case! {
        id: "crdt.sdk.orset_mix_of_local_and_replicated_state_changes",
        summary: "replicated adds, removes and clears are applied between commands, and each reply reports only the net local change",
        requirements: ["CRDT-005", "CRDT-006", "CRDT-007", "CRDT-049"],
        services: MODEL,
        run: orset_mix_of_local_and_replicated_state_changes,
    },
    sdk_case! {
        id: "crdt.sdk.orset_rehydration_after_passivation",
        summary: "after a clean passivation, a new stream started from the set goes on from it, and an element added and removed in one command is not reported",
        requirements: ["CRDT-003", "CRDT-004", "CRDT-007", "CRDT-035"],
        services: MODEL,
        run: orset_rehydration_after_passivation,
    },
    sdk_case! {
        id: "crdt.sdk.orset_delete_action_received_from_entity",
        summary: "a command that deletes an ORSet is answered with its elements and a delete action",
        requirements: ["CRDT-021"],
        services: MODEL,
        run: orset_delete_action_received_from_entity,
    },
    sdk_case! {
        id: "crdt.sdk.orset_delete_action_sent_to_entity",
        summary: "an ORSet deleted by the proxy sends nothing and ends when the proxy half-closes",
        requirements: ["CRDT-022", "CRDT-035"],
        services: MODEL,
        run: orset_delete_action_sent_to_entity,
    },
];

/// Case 102: a new ORSet is empty, and a read reports no change.
pub(super) async fn orset_initial_empty_state(cx: SdkCx) -> Verdict {
    let id = cx.fresh_id("ORSet");
    let mut stream = cx.crdt();
    stream.send(init(&id, None));
    stream.send(process(&id, 1, vec![]));
    expect(&mut stream, Expected::reply(1, orset(&[])).out()).await?;
    stream.close().await
}

/// Case 103: adds, removes and clears are reported as the net change of each command, a clear first.
pub(super) async fn orset_state_changes(cx: SdkCx) -> Verdict {
    let id = cx.fresh_id("ORSet");
    let mut stream = cx.crdt();
    stream.send(init(&id, None));
    stream.send(process(&id, 1, updates(["a", "b"].map(orset_add))));
    let reply = Expected::reply(1, orset(&["a", "b"])).update(orset_added(&["a", "b"]));
    expect(&mut stream, reply.out()).await?;
    stream.send(process(&id, 2, updates(["b", "c"].map(orset_add))));
    let reply = Expected::reply(2, orset(&["a", "b", "c"])).update(orset_added(&["c"]));
    expect(&mut stream, reply.out()).await?;
    stream.send(process(&id, 3, updates(["c", "a"].map(orset_add))));
    expect(
        &mut stream,
        Expected::reply(3, orset(&["a", "b", "c"])).out(),
    )
    .await?;
    stream.send(process(&id, 4, updates(["b", "d"].map(orset_remove))));
    let reply = Expected::reply(4, orset(&["a", "c"])).update(orset_delta(false, &["b"], &[]));
    expect(&mut stream, reply.out()).await?;
    let actions = [
        orset_remove("c"),
        orset_remove("d"),
        orset_add("b"),
        orset_add("c"),
    ];
    stream.send(process(&id, 5, updates(actions)));
    let reply = Expected::reply(5, orset(&["a", "b", "c"])).update(orset_added(&["b"]));
    expect(&mut stream, reply.out()).await?;
    stream.send(process(&id, 6, updates([orset_clear()])));
    let reply = Expected::reply(6, orset(&[])).update(orset_delta(true, &[], &[]));
    expect(&mut stream, reply.out()).await?;
    let actions = [orset_add("a"), orset_clear(), orset_add("x")];
    stream.send(process(&id, 7, updates(actions)));
    let reply = Expected::reply(7, orset(&["x"])).update(orset_delta(true, &[], &["x"]));
    expect(&mut stream, reply.out()).await?;
    stream.close().await
}

/// Case 104: the set starts from the init's delta; a removal and an addition are reported together.
pub(super) async fn orset_initial_delta_in_init(cx: SdkCx) -> Verdict {
    let id = cx.fresh_id("ORSet");
    let mut stream = cx.crdt();
    stream.send(init(&id, Some(orset_added(&["a", "b", "c"]))));
    stream.send(process(
        &id,
        1,
        updates([orset_remove("c"), orset_add("d")]),
    ));
    let delta = orset_delta(false, &["c"], &["d"]);
    let reply = Expected::reply(1, orset(&["a", "b", "d"])).update(delta);
    expect(&mut stream, reply.out()).await?;
    stream.close().await
}

/// Case 105: a delta received right after the init is applied and not reported back.
pub(super) async fn orset_initial_empty_state_with_replicated_initial_delta(cx: SdkCx) -> Verdict {
    let id = cx.fresh_id("ORSet");
    let mut stream = cx.crdt();
    stream.send(init(&id, None));
    stream.send(replicated(orset_added(&["x", "y"])));
    stream.send(process(
        &id,
        1,
        updates([orset_remove("x"), orset_add("z")]),
    ));
    let delta = orset_delta(false, &["x"], &["z"]);
    let reply = Expected::reply(1, orset(&["y", "z"])).update(delta);
    expect(&mut stream, reply.out()).await?;
    stream.close().await
}

/// Case 106: replicated adds, removes and clears mix with local changes; each reply reports the net
/// local change only.
pub(super) async fn orset_mix_of_local_and_replicated_state_changes(cx: SdkCx) -> Verdict {
    let id = cx.fresh_id("ORSet");
    let mut stream = cx.crdt();
    stream.send(init(&id, None));
    stream.send(process(&id, 1, updates([orset_add("a")])));
    let reply = Expected::reply(1, orset(&["a"])).update(orset_added(&["a"]));
    expect(&mut stream, reply.out()).await?;
    stream.send(replicated(orset_added(&["a", "b"])));
    stream.send(replicated(orset_added(&["c", "d"])));
    stream.send(replicated(orset_delta(false, &["b", "d"], &[])));
    stream.send(process(&id, 2, vec![]));
    expect(&mut stream, Expected::reply(2, orset(&["a", "c"])).out()).await?;
    stream.send(process(&id, 3, updates(["c", "d", "e"].map(orset_add))));
    let reply = Expected::reply(3, orset(&["a", "c", "d", "e"])).update(orset_added(&["d", "e"]));
    expect(&mut stream, reply.out()).await?;
    stream.send(replicated(orset_delta(false, &["a", "c"], &["f"])));
    let actions = [orset_add("g"), orset_remove("a"), orset_remove("d")];
    stream.send(process(&id, 4, updates(actions)));
    let delta_4 = orset_delta(false, &["d"], &["g"]);
    let reply = Expected::reply(4, orset(&["e", "f", "g"])).update(delta_4);
    expect(&mut stream, reply.out()).await?;
    stream.send(replicated(orset_delta(true, &[], &["x", "y", "z"])));
    let actions = [orset_add("q"), orset_add("x"), orset_remove("z")];
    stream.send(process(&id, 5, updates(actions)));
    let delta_5 = orset_delta(false, &["z"], &["q"]);
    let reply = Expected::reply(5, orset(&["q", "x", "y"])).update(delta_5);
    expect(&mut stream, reply.out()).await?;
    stream.send(replicated(orset_delta(false, &["x", "y"], &["r", "p"])));
    stream.send(process(&id, 6, updates([orset_add("s")])));
    let reply = Expected::reply(6, orset(&["p", "q", "r", "s"])).update(orset_added(&["s"]));
    expect(&mut stream, reply.out()).await?;
    stream.send(replicated(orset_added(&["a", "b", "c"])));
    stream.send(process(&id, 7, updates([orset_clear(), orset_add("abc")])));
    let reply = Expected::reply(7, orset(&["abc"])).update(orset_delta(true, &[], &["abc"]));
    expect(&mut stream, reply.out()).await?;
    stream.close().await
}

/// Case 107: after passivation, a new stream whose init carries the set goes on from it; an element
/// added and removed in one command is not reported.
pub(super) async fn orset_rehydration_after_passivation(cx: SdkCx) -> Verdict {
    let id = cx.fresh_id("ORSet");
    let mut first = cx.crdt();
    first.send(init(&id, None));
    first.send(process(&id, 1, updates([orset_add("a")])));
    let reply = Expected::reply(1, orset(&["a"])).update(orset_added(&["a"]));
    expect(&mut first, reply.out()).await?;
    first.send(replicated(orset_delta(false, &["a"], &["b"])));
    first.send(process(&id, 2, vec![]));
    expect(&mut first, Expected::reply(2, orset(&["b"])).out()).await?;
    first.send(process(&id, 3, updates([orset_add("c")])));
    let reply = Expected::reply(3, orset(&["b", "c"])).update(orset_added(&["c"]));
    expect(&mut first, reply.out()).await?;
    first.close().await?;

    let mut second = cx.crdt();
    second.send(init(&id, Some(orset_added(&["b", "c"]))));
    second.send(process(&id, 1, vec![]));
    expect(&mut second, Expected::reply(1, orset(&["b", "c"])).out()).await?;
    second.send(replicated(orset_delta(true, &[], &["p", "q"])));
    let actions = [orset_add("x"), orset_add("y"), orset_remove("x")];
    second.send(process(&id, 2, updates(actions)));
    let reply = Expected::reply(2, orset(&["p", "q", "y"])).update(orset_added(&["y"]));
    expect(&mut second, reply.out()).await?;
    second.close().await
}

/// Case 108: a command that deletes the entity is answered with its state and a `delete` action.
pub(super) async fn orset_delete_action_received_from_entity(cx: SdkCx) -> Verdict {
    let id = cx.fresh_id("ORSet");
    let mut stream = cx.crdt();
    stream.send(init(&id, None));
    stream.send(process(&id, 1, updates([orset_add("x")])));
    let reply = Expected::reply(1, orset(&["x"])).update(orset_added(&["x"]));
    expect(&mut stream, reply.out()).await?;
    stream.send(process(&id, 2, vec![delete()]));
    expect(
        &mut stream,
        Expected::reply(2, orset(&["x"])).delete().out(),
    )
    .await?;
    stream.close().await
}

/// Case 109: the proxy's delete is taken silently.
pub(super) async fn orset_delete_action_sent_to_entity(cx: SdkCx) -> Verdict {
    delete_sent_to_entity(cx, "ORSet").await
}
