//! ORMap entities changed both locally and by replicated deltas, nested maps included, and across a
//! passivation (cases 131 and 132 of the original TCK).

use super::support::{expect, process};
use crate::case::Verdict;
use crate::messages::crdt::{
    Expected, MapDelta, change, gcounter, gcounter_delta, gset, gset_add, gset_delta, increment,
    init, lww, lww_delta, lww_set, ormap, ormap_add, ormap_clear, ormap_remove, ormap_update,
    orset, orset_added, orset_delta, pncounter, pncounter_delta, replicated, updates,
};
use crate::sdk::SdkCx;

/// Case 131: replicated additions, removals, nested changes and clears mix with local changes; each
/// reply reports the net local change only, nested maps included.
pub(super) async fn ormap_mix_of_local_and_replicated_state_changes(cx: SdkCx) -> Verdict {
    let id = cx.fresh_id("ORMap");
    let mut stream = cx.crdt();
    stream.send(init(&id, None));
    stream.send(process(&id, 1, updates([ormap_add("PNCounter-1")])));
    let map_delta = MapDelta::default().added("PNCounter-1", pncounter_delta(0));
    let state = ormap(vec![("PNCounter-1", pncounter(0))]);
    expect(
        &mut stream,
        Expected::reply(1, state).update(map_delta.delta()).out(),
    )
    .await?;

    stream.send(replicated(
        MapDelta::default()
            .added("ORSet-1", orset_added(&["x"]))
            .delta(),
    ));
    let remote = MapDelta::default()
        .added("LWWRegister-1", lww_delta("one"))
        .updated("ORSet-1", orset_added(&["y", "z"]));
    stream.send(replicated(remote.delta()));
    let actions = [
        ormap_add("ORSet-2"),
        ormap_update("LWWRegister-2", lww_set("two")),
    ];
    stream.send(process(&id, 2, updates(actions)));
    let state = ormap(vec![
        ("LWWRegister-1", lww("one")),
        ("LWWRegister-2", lww("two")),
        ("ORSet-1", orset(&["x", "y", "z"])),
        ("ORSet-2", orset(&[])),
        ("PNCounter-1", pncounter(0)),
    ]);
    let map_delta = MapDelta::default()
        .added("LWWRegister-2", lww_delta("two"))
        .added("ORSet-2", orset_delta(false, &[], &[]));
    expect(
        &mut stream,
        Expected::reply(2, state).update(map_delta.delta()).out(),
    )
    .await?;

    let actions = [
        ormap_update("PNCounter-1", change(42)),
        ormap_update("LWWRegister-1", lww_set("ONE")),
    ];
    stream.send(process(&id, 3, updates(actions)));
    let state = ormap(vec![
        ("LWWRegister-1", lww("ONE")),
        ("LWWRegister-2", lww("two")),
        ("ORSet-1", orset(&["x", "y", "z"])),
        ("ORSet-2", orset(&[])),
        ("PNCounter-1", pncounter(42)),
    ]);
    let map_delta = MapDelta::default()
        .updated("LWWRegister-1", lww_delta("ONE"))
        .updated("PNCounter-1", pncounter_delta(42));
    expect(
        &mut stream,
        Expected::reply(3, state).update(map_delta.delta()).out(),
    )
    .await?;

    let nested = MapDelta::default().added("PNCounter-1", pncounter_delta(123));
    let remote = MapDelta::default()
        .removed(&["LWWRegister-2"])
        .added("ORMap-1", nested.delta());
    stream.send(replicated(remote.delta()));
    let nested = MapDelta::default().added("LWWRegister-1", lww_delta("ABC"));
    let remote = MapDelta::default()
        .removed(&["ORSet-1"])
        .updated("ORSet-2", orset_added(&["a", "b", "c"]))
        .updated("ORMap-1", nested.delta());
    stream.send(replicated(remote.delta()));
    let nested_update = ormap_update("PNCounter-1", change(-456));
    stream.send(process(
        &id,
        4,
        updates([ormap_update("ORMap-1", nested_update)]),
    ));
    let nested_state = ormap(vec![
        ("LWWRegister-1", lww("ABC")),
        ("PNCounter-1", pncounter(-333)),
    ]);
    let state = ormap(vec![
        ("LWWRegister-1", lww("ONE")),
        ("ORMap-1", nested_state),
        ("ORSet-2", orset(&["a", "b", "c"])),
        ("PNCounter-1", pncounter(42)),
    ]);
    let nested = MapDelta::default().updated("PNCounter-1", pncounter_delta(-456));
    let map_delta = MapDelta::default().updated("ORMap-1", nested.delta());
    expect(
        &mut stream,
        Expected::reply(4, state).update(map_delta.delta()).out(),
    )
    .await?;

    let remote = MapDelta::default()
        .cleared()
        .added("GSet-1", gset_delta(&["1", "2", "3"]));
    stream.send(replicated(remote.delta()));
    let mut actions = updates(["PNCounter-1", "LWWRegister-1"].map(ormap_remove));
    actions.extend(updates(
        ["2", "4", "6"].map(|e| ormap_update("GSet-1", gset_add(e))),
    ));
    stream.send(process(&id, 5, actions));
    let state = ormap(vec![("GSet-1", gset(&["1", "2", "3", "4", "6"]))]);
    let map_delta = MapDelta::default().updated("GSet-1", gset_delta(&["4", "6"]));
    expect(
        &mut stream,
        Expected::reply(5, state).update(map_delta.delta()).out(),
    )
    .await?;

    stream.send(process(
        &id,
        6,
        updates([ormap_clear(), ormap_add("GCounter-1")]),
    ));
    let state = ormap(vec![("GCounter-1", gcounter(0))]);
    let map_delta = MapDelta::default()
        .cleared()
        .added("GCounter-1", gcounter_delta(0));
    expect(
        &mut stream,
        Expected::reply(6, state).update(map_delta.delta()).out(),
    )
    .await?;

    let remote = MapDelta::default()
        .removed(&["GSet-1"])
        .added("GCounter-1", gcounter_delta(42));
    stream.send(replicated(remote.delta()));
    stream.send(process(
        &id,
        7,
        updates([ormap_update("GCounter-1", increment(7))]),
    ));
    let state = ormap(vec![("GCounter-1", gcounter(49))]);
    let map_delta = MapDelta::default().updated("GCounter-1", gcounter_delta(7));
    expect(
        &mut stream,
        Expected::reply(7, state).update(map_delta.delta()).out(),
    )
    .await?;
    stream.close().await
}

/// Case 132: after passivation, a new stream whose init carries the map goes on from it.
pub(super) async fn ormap_rehydration_after_passivation(cx: SdkCx) -> Verdict {
    let id = cx.fresh_id("ORMap");
    let mut first = cx.crdt();
    first.send(init(&id, None));
    let remote = MapDelta::default().added("PNCounter-1", pncounter_delta(123));
    first.send(replicated(remote.delta()));
    first.send(process(
        &id,
        1,
        updates([ormap_update("PNCounter-1", change(321))]),
    ));
    let state = ormap(vec![("PNCounter-1", pncounter(444))]);
    let map_delta = MapDelta::default().updated("PNCounter-1", pncounter_delta(321));
    expect(
        &mut first,
        Expected::reply(1, state).update(map_delta.delta()).out(),
    )
    .await?;
    first.close().await?;

    let mut second = cx.crdt();
    let initial = MapDelta::default().added("PNCounter-1", pncounter_delta(444));
    second.send(init(&id, Some(initial.delta())));
    second.send(process(&id, 1, vec![]));
    let state = ormap(vec![("PNCounter-1", pncounter(444))]);
    expect(&mut second, Expected::reply(1, state).out()).await?;
    let remote = MapDelta::default().updated("PNCounter-1", pncounter_delta(-42));
    second.send(replicated(remote.delta()));
    second.send(process(
        &id,
        2,
        updates([ormap_update("PNCounter-1", change(-360))]),
    ));
    let state = ormap(vec![("PNCounter-1", pncounter(42))]);
    let map_delta = MapDelta::default().updated("PNCounter-1", pncounter_delta(-360));
    expect(
        &mut second,
        Expected::reply(2, state).update(map_delta.delta()).out(),
    )
    .await?;
    second.close().await
}
