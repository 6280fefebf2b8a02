//! The proptest strategies over CRDT scenarios: operations typed by the entity (or map key) they apply to,
//! deltas from other replicas, and steps.

use proptest::prelude::*;
use proptest::sample::select;
use proptest::strategy::{BoxedStrategy, Union};

use super::scenario::{
    Clock, Consistency, CrdtAction, CrdtScenario, CrdtStep, ELEMENTS, Kind, MAP_KEYS,
    NESTED_MAP_KEYS, Op, REGISTER_VALUES, Remote,
};

/// The longest CRDT scenario generated, in steps.
pub(crate) const MAX_STEPS: usize = 16;

fn element() -> impl Strategy<Value = String> {
    select(ELEMENTS).prop_map(str::to_owned)
}

fn keys(depth: u8) -> &'static [&'static str] {
    if depth == 0 {
        MAP_KEYS
    } else {
        NESTED_MAP_KEYS
    }
}

fn key(depth: u8) -> impl Strategy<Value = String> {
    select(keys(depth)).prop_map(str::to_owned)
}

fn clock() -> impl Strategy<Value = Clock> {
    prop_oneof![
        6 => Just(Clock::Default),
        1 => Just(Clock::Reverse),
        1 => (1i64..4).prop_map(Clock::Custom),
        1 => (1i64..4).prop_map(Clock::CustomAutoIncrement),
    ]
}

fn consistency() -> impl Strategy<Value = Consistency> {
    prop_oneof![
        6 => Just(Consistency::Local),
        1 => Just(Consistency::Majority),
        1 => Just(Consistency::All),
    ]
}

/// An operation for a value of `kind`; `depth` counts the maps it is nested in.
pub(crate) fn op(kind: Kind, depth: u8) -> BoxedStrategy<Op> {
    match kind {
        Kind::GCounter => (0u64..6).prop_map(Op::Increment).boxed(),
        Kind::PnCounter => (-4i64..5).prop_map(Op::Change).boxed(),
        Kind::GSet => element().prop_map(Op::GSetAdd).boxed(),
        Kind::OrSet => prop_oneof![
            4 => element().prop_map(Op::OrSetAdd),
            3 => element().prop_map(Op::OrSetRemove),
            1 => Just(Op::OrSetClear),
        ]
        .boxed(),
        Kind::LwwRegister => (select(REGISTER_VALUES), clock())
            .prop_map(|(value, clock)| Op::LwwSet(value.to_owned(), clock))
            .boxed(),
        Kind::Flag => Just(Op::FlagEnable).boxed(),
        Kind::Vote => any::<bool>().prop_map(Op::Vote).boxed(),
        Kind::OrMap => prop_oneof![
            2 => key(depth).prop_map(Op::MapAdd),
            5 => entry_update(depth),
            2 => key(depth).prop_map(Op::MapRemove),
            1 => Just(Op::MapClear),
        ]
        .boxed(),
    }
}

/// `ormap{update{key, op}}` for any key of a map at `depth`, the operation fitting the key's type.
fn entry_update(depth: u8) -> BoxedStrategy<Op> {
    let per_key: Vec<BoxedStrategy<Op>> = keys(depth)
        .iter()
        .map(|key| {
            op(Kind::of_key(key), depth + 1)
                .prop_map(move |op| Op::MapUpdate((*key).to_owned(), Box::new(op)))
                .boxed()
        })
        .collect();
    Union::new(per_key).boxed()
}

/// A change from another replica to a value of `kind`; `depth` counts the maps it is nested in.
pub(crate) fn remote(kind: Kind, depth: u8) -> BoxedStrategy<Remote> {
    match kind {
        Kind::GCounter => (1u64..6).prop_map(Remote::Increment).boxed(),
        Kind::PnCounter => (-4i64..5).prop_map(Remote::Change).boxed(),
        Kind::GSet => proptest::collection::vec(element(), 1..3)
            .prop_map(Remote::GSetAdded)
            .boxed(),
        Kind::OrSet => (
            proptest::bool::weighted(0.15),
            proptest::collection::vec((element(), any::<bool>()), 0..3),
        )
            .prop_map(|(cleared, changes)| orset_remote(cleared, changes))
            .boxed(),
        Kind::LwwRegister => (select(REGISTER_VALUES), clock())
            .prop_map(|(value, clock)| Remote::Lww(value.to_owned(), clock))
            .boxed(),
        Kind::Flag => any::<bool>().prop_map(Remote::Flag).boxed(),
        Kind::Vote => (0i32..3, 0i32..3)
            .prop_map(|(a, b)| Remote::Vote {
                others_for: a.min(b),
                others: a.max(b),
            })
            .boxed(),
        Kind::OrMap => {
            let per_key: Vec<BoxedStrategy<(String, Remote)>> = keys(depth)
                .iter()
                .map(|key| {
                    remote(Kind::of_key(key), depth + 1)
                        .prop_map(move |change| ((*key).to_owned(), change))
                        .boxed()
                })
                .collect();
            (
                proptest::bool::weighted(0.1),
                proptest::collection::vec(key(depth), 0..2),
                proptest::collection::vec(Union::new(per_key), 0..3),
            )
                .prop_map(|(cleared, removed, entries)| Remote::OrMap {
                    cleared,
                    removed: dedup(removed),
                    entries: dedup_by_key(entries),
                })
                .boxed()
        }
    }
}

/// An ORSet change whose removed and added elements are disjoint: the first choice for an element wins.
fn orset_remote(cleared: bool, changes: Vec<(String, bool)>) -> Remote {
    let mut removed = Vec::new();
    let mut added = Vec::new();
    for (element, add) in changes {
        if removed.contains(&element) || added.contains(&element) {
            continue;
        }
        if add {
            added.push(element);
        } else {
            removed.push(element);
        }
    }
    Remote::OrSet {
        cleared,
        removed,
        added,
    }
}

fn dedup(mut keys: Vec<String>) -> Vec<String> {
    let mut seen = Vec::new();
    keys.retain(|key| {
        let fresh = !seen.contains(key);
        seen.push(key.clone());
        fresh
    });
    keys
}

fn dedup_by_key(mut entries: Vec<(String, Remote)>) -> Vec<(String, Remote)> {
    let mut seen = Vec::new();
    entries.retain(|(key, _)| {
        let fresh = !seen.contains(key);
        seen.push(key.clone());
        fresh
    });
    entries
}

fn action(kind: Kind, deletes: bool) -> impl Strategy<Value = CrdtAction> {
    prop_oneof![
        30 => (op(kind, 0), consistency()).prop_map(|(op, consistency)| CrdtAction::Update(op, consistency)),
        6 => (0u8..3, any::<bool>()).prop_map(|(n, sync)| CrdtAction::Effect(n, sync)),
        3 => (0u8..3).prop_map(CrdtAction::Forward),
        u32::from(deletes) => Just(CrdtAction::Delete),
    ]
}

/// Keeps the first forward of a command and drops the others, so that the outcome is not left to the
/// SDK's choice between them.
fn one_forward(actions: Vec<CrdtAction>) -> Vec<CrdtAction> {
    let mut seen = false;
    actions
        .into_iter()
        .filter(|action| {
            let forward = matches!(action, CrdtAction::Forward(_));
            let keep = !(forward && seen);
            seen |= forward;
            keep
        })
        .collect()
}

fn command(kind: Kind, deletes: bool) -> BoxedStrategy<CrdtStep> {
    (
        proptest::collection::vec(action(kind, deletes), 0..6),
        proptest::bool::weighted(0.12),
    )
        .prop_map(move |(actions, fail)| CrdtStep::Command {
            kind,
            actions: one_forward(actions),
            fail,
        })
        .boxed()
}

fn of_every_kind(per_kind: impl Fn(Kind) -> BoxedStrategy<CrdtStep>) -> BoxedStrategy<CrdtStep> {
    Union::new(Kind::ALL.map(per_kind)).boxed()
}

/// Which steps a CRDT scenario has besides commands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Variant {
    /// Commands only.
    Local,
    /// Also deltas from other replicas, passivations and deletes by the proxy (SDK mode).
    Replicated,
    /// Commands without deletes, and crashes of entity streams (proxy mode).
    Proxy,
}

/// CRDT scenarios of a variant.
pub(crate) fn scenario(variant: Variant) -> impl Strategy<Value = CrdtScenario> {
    let step = match variant {
        Variant::Local => of_every_kind(|kind| command(kind, true)),
        Variant::Replicated => prop_oneof![
            24 => of_every_kind(|kind| command(kind, true)),
            10 => of_every_kind(|kind| remote(kind, 0)
                .prop_map(move |change| CrdtStep::Replicated(kind, change))
                .boxed()),
            4 => select(Kind::ALL.to_vec()).prop_map(CrdtStep::Passivate),
            1 => select(Kind::ALL.to_vec()).prop_map(CrdtStep::ProxyDelete),
        ]
        .boxed(),
        Variant::Proxy => prop_oneof![
            10 => of_every_kind(|kind| command(kind, false)),
            1 => select(Kind::ALL.to_vec()).prop_map(CrdtStep::Restart),
        ]
        .boxed(),
    };
    let longest = if variant == Variant::Proxy {
        MAX_STEPS / 2
    } else {
        MAX_STEPS
    };
    proptest::collection::vec(step, 1..=longest).prop_map(CrdtScenario)
}

#[cfg(test)]
mod tests {
    use proptest::strategy::ValueTree;
    use proptest::test_runner::TestRunner;

    use super::*;

    fn ops_fit(kind: Kind, op: &Op) -> bool {
        match (kind, op) {
            (Kind::GCounter, Op::Increment(_))
            | (Kind::PnCounter, Op::Change(_))
            | (Kind::GSet, Op::GSetAdd(_))
            | (Kind::OrSet, Op::OrSetAdd(_) | Op::OrSetRemove(_) | Op::OrSetClear)
            | (Kind::LwwRegister, Op::LwwSet(..))
            | (Kind::Flag, Op::FlagEnable)
            | (Kind::Vote, Op::Vote(_))
            | (Kind::OrMap, Op::MapAdd(_) | Op::MapRemove(_) | Op::MapClear) => true,
            (Kind::OrMap, Op::MapUpdate(key, nested)) => ops_fit(Kind::of_key(key), nested),
            _ => false,
        }
    }

    #[test]
    fn every_operation_fits_the_type_it_is_applied_to() {
        let mut runner = TestRunner::deterministic();
        for _ in 0..200 {
            let scenario = scenario(Variant::Replicated)
                .new_tree(&mut runner)
                .expect("a scenario")
                .current();
            for step in &scenario.0 {
                if let CrdtStep::Command { kind, actions, .. } = step {
                    for action in actions {
                        if let CrdtAction::Update(op, _) = action {
                            assert!(ops_fit(*kind, op), "{kind:?} {op:?}");
                        }
                    }
                    let forwards = actions
                        .iter()
                        .filter(|a| matches!(a, CrdtAction::Forward(_)))
                        .count();
                    assert!(forwards <= 1);
                }
            }
        }
    }

    #[test]
    fn orset_changes_never_remove_and_add_one_element() {
        let change = orset_remote(
            false,
            vec![("a".into(), true), ("a".into(), false), ("b".into(), false)],
        );
        assert_eq!(
            change,
            Remote::OrSet {
                cleared: false,
                removed: vec!["b".into()],
                added: vec!["a".into()],
            }
        );
    }
}
