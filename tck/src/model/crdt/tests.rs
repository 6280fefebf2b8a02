//! Property tests of the CRDT state and delta logic, plus the examples the catalog pins down.

use cloudstate_protocol::cloudstate::crdt::{
    CrdtClock, CrdtDelta, FlagDelta, GCounterDelta, GSetDelta, OrMapDelta, OrSetDelta,
    PnCounterDelta, VoteDelta, crdt_delta::Delta,
};
use proptest::prelude::*;
use proptest::sample::select;

use super::map::OrMap;
use super::set::OrSet;
use super::value::{CrdtValue, decode_string, encode_string};

/// One local operation, applied to whichever CRDT it fits (others ignore it).
#[derive(Debug, Clone)]
enum Op {
    Increment(u64),
    Change(i64),
    Add(String),
    Remove(String),
    Clear,
    Set(String, CrdtClock, i64),
    Enable,
    Vote(bool),
    MapAdd(String),
    MapUpdate(String, Box<Op>),
    MapRemove(String),
    MapClear,
}

fn apply_op(value: &mut CrdtValue, op: &Op) {
    match (value, op) {
        (CrdtValue::GCounter(c), Op::Increment(by)) => c.increment(*by),
        (CrdtValue::PnCounter(c), Op::Change(by)) => c.increment(*by),
        (CrdtValue::GSet(s), Op::Add(e)) => s.add(e),
        (CrdtValue::OrSet(s), Op::Add(e)) => s.add(e),
        (CrdtValue::OrSet(s), Op::Remove(e)) => s.remove(e),
        (CrdtValue::OrSet(s), Op::Clear) => s.clear(),
        (CrdtValue::LwwRegister(r), Op::Set(v, clock, custom)) => r.set(v, *clock, *custom),
        (CrdtValue::Flag(f), Op::Enable) => f.enable(),
        (CrdtValue::Vote(v), Op::Vote(vote)) => v.vote(*vote),
        (CrdtValue::OrMap(m), Op::MapAdd(key)) => m.add(key).unwrap(),
        (CrdtValue::OrMap(m), Op::MapUpdate(key, nested)) => {
            apply_op(m.update(key).unwrap(), nested)
        }
        (CrdtValue::OrMap(m), Op::MapRemove(key)) => m.remove(key),
        (CrdtValue::OrMap(m), Op::MapClear) => m.clear(),
        _ => {}
    }
}

fn element() -> impl Strategy<Value = String> {
    select(vec!["", "a", "b", "c", "d"]).prop_map(str::to_owned)
}

fn clock() -> impl Strategy<Value = CrdtClock> {
    select(vec![
        CrdtClock::Default,
        CrdtClock::Reverse,
        CrdtClock::Custom,
        CrdtClock::CustomAutoIncrement,
    ])
}

/// Operations on every type but ORMap and Vote.
fn leaf_op() -> impl Strategy<Value = Op> {
    prop_oneof![
        any::<u64>().prop_map(Op::Increment),
        any::<i64>().prop_map(Op::Change),
        element().prop_map(Op::Add),
        element().prop_map(Op::Remove),
        Just(Op::Clear),
        (element(), clock(), -3_i64..3).prop_map(|(v, c, n)| Op::Set(v, c, n)),
        Just(Op::Enable),
    ]
}

/// Map keys of every type but Vote, whose tally a delta from the user function does not carry.
fn map_key() -> impl Strategy<Value = String> {
    select(vec![
        "GCounter-1",
        "PNCounter-1",
        "GSet-1",
        "ORSet-1",
        "ORSet-2",
        "LWWRegister-1",
        "Flag-1",
        "ORMap-1",
    ])
    .prop_map(str::to_owned)
}

fn map_op() -> impl Strategy<Value = Op> {
    prop_oneof![
        map_key().prop_map(Op::MapAdd),
        (map_key(), leaf_op()).prop_map(|(k, op)| Op::MapUpdate(k, Box::new(op))),
        (map_key(), leaf_op()).prop_map(|(k, op)| {
            Op::MapUpdate(
                "ORMap-1".to_owned(),
                Box::new(Op::MapUpdate(k, Box::new(op))),
            )
        }),
        map_key().prop_map(Op::MapRemove),
        Just(Op::MapClear),
    ]
}

/// A history of operations, then the operations of one command.
fn ops<S: Strategy<Value = Op>>(op: impl Fn() -> S) -> impl Strategy<Value = (Vec<Op>, Vec<Op>)> {
    (
        prop::collection::vec(op(), 0..8),
        prop::collection::vec(op(), 0..8),
    )
}

fn run(value: &mut CrdtValue, ops: &[Op]) {
    for op in ops {
        apply_op(value, op);
    }
}

/// Applying the delta of a command to the state before the command gives the state after it, and a
/// second take right after is empty.
fn check_replay(name: &str, history: &[Op], command: &[Op]) -> Result<(), TestCaseError> {
    let mut state = CrdtValue::for_name(name).unwrap();
    run(&mut state, history);
    let _reported = state.take_delta();
    let mut replica = state.clone();
    run(&mut state, command);
    if let Some(delta) = state.take_delta() {
        replica.apply_delta(&delta).unwrap();
    }
    prop_assert!(state.same_value(&replica), "{state:?}\n!=\n{replica:?}");
    prop_assert_eq!(state.take_delta(), None);
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn gcounter_delta_replays_the_command((h, c) in ops(|| any::<u64>().prop_map(Op::Increment))) {
        check_replay("GCounter", &h, &c)?;
    }

    #[test]
    fn pncounter_delta_replays_the_command((h, c) in ops(|| any::<i64>().prop_map(Op::Change))) {
        check_replay("PNCounter", &h, &c)?;
    }

    #[test]
    fn gset_delta_replays_the_command((h, c) in ops(|| element().prop_map(Op::Add))) {
        check_replay("GSet", &h, &c)?;
    }

    #[test]
    fn orset_delta_replays_the_command((h, c) in ops(leaf_op)) {
        check_replay("ORSet", &h, &c)?;
    }

    #[test]
    fn lwwregister_delta_replays_the_command((h, c) in ops(leaf_op)) {
        check_replay("LWWRegister", &h, &c)?;
    }

    #[test]
    fn flag_delta_replays_the_command((h, c) in ops(|| Just(Op::Enable))) {
        check_replay("Flag", &h, &c)?;
    }

    #[test]
    fn ormap_delta_replays_the_command((h, c) in ops(map_op)) {
        check_replay("ORMap", &h, &c)?;
    }

    /// The same for Vote, where the proxy keeps the tally: the delta carries `self_vote` only, and the
    /// local tally moves by the vote change.
    #[test]
    fn vote_delta_carries_the_vote(
        history in prop::collection::vec(any::<bool>(), 0..4),
        command in prop::collection::vec(any::<bool>(), 0..4),
    ) {
        let mut state = CrdtValue::for_name("Vote").unwrap();
        run(&mut state, &history.into_iter().map(Op::Vote).collect::<Vec<_>>());
        let _reported = state.take_delta();
        let CrdtValue::Vote(before) = state.clone() else { unreachable!() };
        run(&mut state, &command.into_iter().map(Op::Vote).collect::<Vec<_>>());
        let CrdtValue::Vote(after) = state.clone() else { unreachable!() };
        match state.take_delta() {
            Some(CrdtDelta { delta: Some(Delta::Vote(d)) }) => {
                prop_assert_ne!(before.self_vote(), after.self_vote());
                prop_assert_eq!(d, VoteDelta { self_vote: after.self_vote(), ..VoteDelta::default() });
            }
            other => {
                prop_assert_eq!(other, None);
                prop_assert_eq!(before.self_vote(), after.self_vote());
            }
        }
        let moved = i32::from(after.self_vote()) - i32::from(before.self_vote());
        prop_assert_eq!(after.votes_for() - before.votes_for(), moved);
        prop_assert_eq!(state.take_delta(), None);
    }

    /// Replicated counter, GSet and Flag deltas commute: any order gives the same value.
    #[test]
    fn commuting_deltas_merge_in_any_order(
        (name, deltas) in prop_oneof![
            prop::collection::vec(any::<u64>(), 0..6).prop_map(|v| ("GCounter", v.into_iter()
                .map(|increment| Delta::Gcounter(GCounterDelta { increment })).collect::<Vec<_>>())),
            prop::collection::vec(any::<i64>(), 0..6).prop_map(|v| ("PNCounter", v.into_iter()
                .map(|change| Delta::Pncounter(PnCounterDelta { change })).collect())),
            prop::collection::vec(prop::collection::vec(element(), 0..3), 0..6).prop_map(|v| ("GSet",
                v.into_iter().map(|added| Delta::Gset(GSetDelta {
                    added: added.iter().map(|e| encode_string(e)).collect(),
                })).collect())),
            prop::collection::vec(any::<bool>(), 0..6).prop_map(|v| ("Flag", v.into_iter()
                .map(|value| Delta::Flag(FlagDelta { value })).collect())),
        ].prop_flat_map(|(name, deltas)| (Just(name), Just(deltas.clone()).prop_shuffle())
            .prop_map(move |(name, shuffled)| (name, (deltas.clone(), shuffled)))),
    ) {
        let (in_order, shuffled) = deltas;
        let merge = |deltas: &[Delta]| {
            let mut value = CrdtValue::for_name(name).unwrap();
            for delta in deltas {
                value.apply_delta(&CrdtDelta { delta: Some(delta.clone()) }).unwrap();
            }
            value
        };
        prop_assert!(merge(&in_order).same_value(&merge(&shuffled)));
    }
}

fn strings(anys: &[prost_types::Any]) -> Vec<String> {
    anys.iter().map(|a| decode_string(a).unwrap()).collect()
}

fn orset_delta(set: &mut OrSet) -> Option<(bool, Vec<String>, Vec<String>)> {
    match set.take_delta()?.delta {
        Some(Delta::Orset(OrSetDelta {
            cleared,
            removed,
            added,
        })) => Some((cleared, strings(&removed), strings(&added))),
        other => panic!("not an ORSet delta: {other:?}"),
    }
}

#[test]
fn orset_deltas_are_net() {
    let mut set = OrSet::default();
    set.add("a");
    set.add("c");
    assert_eq!(
        orset_delta(&mut set),
        Some((false, vec![], vec!["a".into(), "c".into()]))
    );
    set.add("a");
    assert_eq!(orset_delta(&mut set), None, "add of a present element");
    set.remove("x");
    assert_eq!(orset_delta(&mut set), None, "remove of a missing element");
    set.remove("c");
    set.add("c");
    set.add("b");
    assert_eq!(
        orset_delta(&mut set),
        Some((false, vec![], vec!["b".into()]))
    );
    set.add("y");
    set.remove("y");
    assert_eq!(orset_delta(&mut set), None, "add-then-remove");
    set.add("z");
    set.clear();
    set.add("x");
    assert_eq!(
        orset_delta(&mut set),
        Some((true, vec![], vec!["x".into()]))
    );
}

#[test]
fn new_values_report_their_creation() {
    let mut register = CrdtValue::for_name("LWWRegister").unwrap();
    let Some(CrdtDelta {
        delta: Some(Delta::Lwwregister(d)),
    }) = register.take_delta()
    else {
        panic!("no creation delta");
    };
    assert_eq!(d.value, Some(encode_string("")));
    assert_eq!(encode_string("").value, Vec::<u8>::new());

    let mut map = OrMap::default();
    map.add("PNCounter-1").unwrap();
    let _ = map.take_delta();
    map.add("PNCounter-2").unwrap();
    map.clear();
    let CrdtValue::GCounter(counter) = map.update("GCounter-1").unwrap() else {
        panic!("not a GCounter");
    };
    counter.increment(1);
    let Some(CrdtDelta {
        delta: Some(Delta::Ormap(d)),
    }) = map.take_delta()
    else {
        panic!("no ORMap delta");
    };
    assert_eq!(map.entries().len(), 1);
    let value = map.get("GCounter-1").map(CrdtValue::type_name);
    assert_eq!(value, Some("GCounter"));
    let OrMapDelta {
        cleared,
        removed,
        updated,
        added,
    } = d;
    assert!(cleared && removed.is_empty() && updated.is_empty());
    assert_eq!(added.len(), 1);
    assert_eq!(added[0].key, Some(encode_string("GCounter-1")));
    let increment = Delta::Gcounter(GCounterDelta { increment: 1 });
    assert_eq!(
        added[0].delta,
        Some(CrdtDelta {
            delta: Some(increment)
        })
    );
}
