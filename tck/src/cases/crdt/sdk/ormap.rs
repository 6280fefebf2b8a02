//! ORMap entities: state changes, starting values and deletes (cases 127 to 130, 133 and 134 of the
//! original TCK). Keys are typed by their prefix, so one map holds CRDTs of several types.

use super::support::{MODEL, delete_sent_to_entity, expect, process};
use crate::case::{Case, Verdict, sdk_case};
use crate::messages::crdt::{
    Expected, MapDelta, change, delete, flag, flag_delta, flag_enable, gcounter, gcounter_delta,
    gset, gset_delta, increment, init, lww, lww_delta, lww_set, ormap, ormap_add, ormap_clear,
    ormap_remove, ormap_update, orset, orset_add, orset_added, orset_delta, orset_remove,
    pncounter, pncounter_delta, replicated, updates,
};
use crate::sdk::SdkCx;

/// The cases of this file, in run order.
pub(super) const CASES: &[Case] = &[
    sdk_case! {
        id: "crdt.sdk.ormap_initial_empty_state",
        summary: "a new ORMap is empty, and a read carries no state action",
        requirements: ["CRDT-003", "CRDT-004", "CRDT-008"],
        services: MODEL,
        run: ormap_initial_empty_state,
    },
    sdk_case! {
        id: "crdt.sdk.ormap_state_changes",
        summary: "ORMap additions, updates, removals and clears are reported under added, updated, removed and cleared",
        requirements: ["CRDT-007", "CRDT-049", "CRDT-010", "CRDT-011", "CRDT-016"],
        services: MODEL,
        run: ormap_state_changes,
    },
    sdk_case! {
        id: "crdt.sdk.ormap_initial_delta_in_init",
        summary: "an ORMap starts from the init's delta, and a removal and a nested change are reported together",
        requirements: ["CRDT-004", "CRDT-005", "CRDT-010"],
        services: MODEL,
        run: ormap_initial_delta_in_init,
    },
    sdk_case! {
        id: "crdt.sdk.ormap_initial_empty_state_with_replicated_initial_delta",
        summary: "an ORMap delta received after the init fills the map, and nothing is reported back",
        requirements: ["CRDT-005", "CRDT-006", "CRDT-008"],
        services: MODEL,
        run: ormap_initial_empty_state_with_replicated_initial_delta,
    },
    sdk_case! {
        id: "crdt.sdk.ormap_mix_of_local_and_replicated_state_changes",
        summary: "replicated changes to the map and its nested maps mix with local ones, and each reply reports only the net local change",
        requirements: ["CRDT-005", "CRDT-006", "CRDT-049", "CRDT-010"],
        services: MODEL,
        run: super::ormap_mix::ormap_mix_of_local_and_replicated_state_changes,
    },
    sdk_case! {
        id: "crdt.sdk.ormap_rehydration_after_passivation",
        summary: "after a clean passivation, a new stream started from the map goes on from it",
        requirements: ["CRDT-003", "CRDT-004", "CRDT-035"],
        services: MODEL,
        run: super::ormap_mix::ormap_rehydration_after_passivation,
    },
    sdk_case! {
        id: "crdt.sdk.ormap_delete_action_received_from_entity",
        summary: "a command that changes an ORMap entry and deletes the entity reports only the delete",
        requirements: ["CRDT-021"],
        services: MODEL,
        run: ormap_delete_action_received_from_entity,
    },
    sdk_case! {
        id: "crdt.sdk.ormap_delete_action_sent_to_entity",
        summary: "an ORMap deleted by the proxy sends nothing and ends when the proxy half-closes",
        requirements: ["CRDT-022", "CRDT-035"],
        services: MODEL,
        run: ormap_delete_action_sent_to_entity,
    },
];

/// Case 127: a new ORMap is empty, and a read reports no change.
pub(super) async fn ormap_initial_empty_state(cx: SdkCx) -> Verdict {
    let id = cx.fresh_id("ORMap");
    let mut stream = cx.crdt();
    stream.send(init(&id, None));
    stream.send(process(&id, 1, vec![]));
    expect(&mut stream, Expected::reply(1, ormap(vec![])).out()).await?;
    stream.close().await
}

/// Case 128: new keys are reported under `added` with their whole value, changed values under
/// `updated`, removed keys under `removed`, and a clear as `cleared` with only the keys added after it.
pub(super) async fn ormap_state_changes(cx: SdkCx) -> Verdict {
    let id = cx.fresh_id("ORMap");
    let mut stream = cx.crdt();
    stream.send(init(&id, None));

    stream.send(process(
        &id,
        1,
        updates(["PNCounter-1", "ORSet-1"].map(ormap_add)),
    ));
    let state = ormap(vec![("ORSet-1", orset(&[])), ("PNCounter-1", pncounter(0))]);
    let map_delta = MapDelta::default()
        .added("ORSet-1", orset_delta(false, &[], &[]))
        .added("PNCounter-1", pncounter_delta(0));
    let reply = Expected::reply(1, state).update(map_delta.delta());
    expect(&mut stream, reply.out()).await?;

    let actions = [
        ormap_add("ORSet-1"),
        ormap_update("LWWRegister-1", lww_set("zero")),
    ];
    stream.send(process(&id, 2, updates(actions)));
    let state = ormap(vec![
        ("LWWRegister-1", lww("zero")),
        ("ORSet-1", orset(&[])),
        ("PNCounter-1", pncounter(0)),
    ]);
    let map_delta = MapDelta::default().added("LWWRegister-1", lww_delta("zero"));
    let reply = Expected::reply(2, state).update(map_delta.delta());
    expect(&mut stream, reply.out()).await?;

    let actions = [
        ormap_update("PNCounter-1", change(42)),
        ormap_update("LWWRegister-1", lww_set("one")),
    ];
    stream.send(process(&id, 3, updates(actions)));
    let state = ormap(vec![
        ("LWWRegister-1", lww("one")),
        ("ORSet-1", orset(&[])),
        ("PNCounter-1", pncounter(42)),
    ]);
    let map_delta = MapDelta::default()
        .updated("LWWRegister-1", lww_delta("one"))
        .updated("PNCounter-1", pncounter_delta(42));
    let reply = Expected::reply(3, state).update(map_delta.delta());
    expect(&mut stream, reply.out()).await?;

    let actions = ["a", "b", "c"].map(|e| ormap_update("ORSet-1", orset_add(e)));
    stream.send(process(&id, 4, updates(actions)));
    let state = ormap(vec![
        ("LWWRegister-1", lww("one")),
        ("ORSet-1", orset(&["a", "b", "c"])),
        ("PNCounter-1", pncounter(42)),
    ]);
    let map_delta = MapDelta::default().updated("ORSet-1", orset_added(&["a", "b", "c"]));
    let reply = Expected::reply(4, state).update(map_delta.delta());
    expect(&mut stream, reply.out()).await?;

    let actions = [
        ormap_update("ORSet-1", orset_remove("b")),
        ormap_update("ORSet-1", orset_add("d")),
        ormap_update("PNCounter-1", change(-123)),
        ormap_update("LWWRegister-1", lww_set("two")),
    ];
    stream.send(process(&id, 5, updates(actions)));
    let state = ormap(vec![
        ("LWWRegister-1", lww("two")),
        ("ORSet-1", orset(&["a", "c", "d"])),
        ("PNCounter-1", pncounter(-81)),
    ]);
    let map_delta = MapDelta::default()
        .updated("LWWRegister-1", lww_delta("two"))
        .updated("ORSet-1", orset_delta(false, &["b"], &["d"]))
        .updated("PNCounter-1", pncounter_delta(-123));
    let reply = Expected::reply(5, state).update(map_delta.delta());
    expect(&mut stream, reply.out()).await?;

    stream.send(process(&id, 6, updates([ormap_remove("ORSet-1")])));
    let state = ormap(vec![
        ("LWWRegister-1", lww("two")),
        ("PNCounter-1", pncounter(-81)),
    ]);
    let map_delta = MapDelta::default().removed(&["ORSet-1"]);
    let reply = Expected::reply(6, state).update(map_delta.delta());
    expect(&mut stream, reply.out()).await?;

    let actions = [
        ormap_remove("LWWRegister-1"),
        ormap_update("Flag-1", flag_enable()),
    ];
    stream.send(process(&id, 7, updates(actions)));
    let state = ormap(vec![
        ("Flag-1", flag(true)),
        ("PNCounter-1", pncounter(-81)),
    ]);
    let map_delta = MapDelta::default()
        .removed(&["LWWRegister-1"])
        .added("Flag-1", flag_delta(true));
    let reply = Expected::reply(7, state).update(map_delta.delta());
    expect(&mut stream, reply.out()).await?;

    stream.send(process(&id, 8, updates([ormap_clear()])));
    let reply = Expected::reply(8, ormap(vec![])).update(MapDelta::default().cleared().delta());
    expect(&mut stream, reply.out()).await?;

    let actions = [
        ormap_add("PNCounter-2"),
        ormap_clear(),
        ormap_update("GCounter-1", increment(123)),
    ];
    stream.send(process(&id, 9, updates(actions)));
    let state = ormap(vec![("GCounter-1", gcounter(123))]);
    let map_delta = MapDelta::default()
        .cleared()
        .added("GCounter-1", gcounter_delta(123));
    let reply = Expected::reply(9, state).update(map_delta.delta());
    expect(&mut stream, reply.out()).await?;
    stream.close().await
}

/// Case 129: the map starts from the init's delta; a removal and a nested change are reported together.
pub(super) async fn ormap_initial_delta_in_init(cx: SdkCx) -> Verdict {
    let id = cx.fresh_id("ORMap");
    let mut stream = cx.crdt();
    let initial = MapDelta::default()
        .added("PNCounter-1", pncounter_delta(123))
        .added("LWWRegister-1", lww_delta("one"))
        .added("GSet-1", gset_delta(&["a", "b", "c"]));
    stream.send(init(&id, Some(initial.delta())));
    stream.send(process(&id, 1, vec![]));
    let state = ormap(vec![
        ("GSet-1", gset(&["a", "b", "c"])),
        ("LWWRegister-1", lww("one")),
        ("PNCounter-1", pncounter(123)),
    ]);
    expect(&mut stream, Expected::reply(1, state).out()).await?;
    let actions = [
        ormap_remove("LWWRegister-1"),
        ormap_update("PNCounter-1", change(-42)),
    ];
    stream.send(process(&id, 2, updates(actions)));
    let state = ormap(vec![
        ("GSet-1", gset(&["a", "b", "c"])),
        ("PNCounter-1", pncounter(81)),
    ]);
    let map_delta = MapDelta::default()
        .removed(&["LWWRegister-1"])
        .updated("PNCounter-1", pncounter_delta(-42));
    let reply = Expected::reply(2, state).update(map_delta.delta());
    expect(&mut stream, reply.out()).await?;
    stream.close().await
}

/// Case 130: a delta received right after the init fills the map, and nothing is reported back.
pub(super) async fn ormap_initial_empty_state_with_replicated_initial_delta(cx: SdkCx) -> Verdict {
    let id = cx.fresh_id("ORMap");
    let mut stream = cx.crdt();
    stream.send(init(&id, None));
    let remote = MapDelta::default()
        .added("GCounter-1", gcounter_delta(42))
        .added("ORSet-1", orset_added(&["a", "b", "c"]))
        .added("Flag-1", flag_delta(false));
    stream.send(replicated(remote.delta()));
    stream.send(process(&id, 1, vec![]));
    let state = ormap(vec![
        ("Flag-1", flag(false)),
        ("GCounter-1", gcounter(42)),
        ("ORSet-1", orset(&["a", "b", "c"])),
    ]);
    expect(&mut stream, Expected::reply(1, state).out()).await?;
    stream.close().await
}

/// Case 133: a command that changes an entry and deletes the entity reports only the delete.
pub(super) async fn ormap_delete_action_received_from_entity(cx: SdkCx) -> Verdict {
    let id = cx.fresh_id("ORMap");
    let mut stream = cx.crdt();
    stream.send(init(&id, None));
    stream.send(process(&id, 1, updates([ormap_add("Flag-1")])));
    let map_delta = MapDelta::default().added("Flag-1", flag_delta(false));
    let reply = Expected::reply(1, ormap(vec![("Flag-1", flag(false))])).update(map_delta.delta());
    expect(&mut stream, reply.out()).await?;
    let mut actions = updates([ormap_update("Flag-1", flag_enable())]);
    actions.push(delete());
    stream.send(process(&id, 2, actions));
    let reply = Expected::reply(2, ormap(vec![("Flag-1", flag(true))])).delete();
    expect(&mut stream, reply.out()).await?;
    stream.close().await
}

/// Case 134: the proxy's delete is taken silently.
pub(super) async fn ormap_delete_action_sent_to_entity(cx: SdkCx) -> Verdict {
    delete_sent_to_entity(cx, "ORMap").await
}
