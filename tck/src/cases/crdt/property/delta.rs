//! The deltas of the oracle: the net change a reply must report (CRDT-007 to CRDT-014), a value as one
//! whole delta (what the user function reports for a new map entry, and what the proxy sends in an init),
//! and the concrete delta another replica's change makes against the current value.

use std::collections::{BTreeMap, BTreeSet};

use cloudstate_protocol::cloudstate::crdt::{CrdtDelta, crdt_delta};

use super::scenario::{Clock, Kind, Remote};
use super::value::{Changes, Reporting, Value};
use crate::messages::crdt::{
    MapDelta, flag_delta, gcounter_delta, gset_delta, lww_delta_with, orset_delta, pncounter_delta,
    vote_delta,
};

/// The strings of a set, a list or a map's keys, as the builders of deltas take them.
fn strs<'a>(values: impl IntoIterator<Item = &'a String>) -> Vec<&'a str> {
    values.into_iter().map(String::as_str).collect()
}

/// A register delta of this value, written with this clock.
fn lww(value: &str, clock: Clock) -> CrdtDelta {
    lww_delta_with(value, clock.protocol(), clock.custom_value())
}

/// Who sends a whole value as a delta: the two differ only for a vote, whose tally the proxy owns.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Sender {
    /// The user function, for a new map entry: a vote carries only `self_vote` (CRDT-014).
    UserFunction,
    /// The proxy, in an init: a vote carries all three fields.
    Proxy,
}

/// The whole value as one delta: counters as their value, sets and maps with everything under `added`.
pub(crate) fn whole(value: &Value, sender: Sender) -> CrdtDelta {
    match value {
        Value::GCounter(n) => gcounter_delta(*n),
        Value::PnCounter(n) => pncounter_delta(*n),
        Value::GSet(set) => gset_delta(&strs(set)),
        Value::OrSet(set) => orset_delta(false, &[], &strs(set)),
        Value::Lww(value, clock) => lww(value, *clock),
        Value::Flag(flag) => flag_delta(*flag),
        Value::OrMap(map) => map
            .iter()
            .fold(MapDelta::default(), |delta, (key, value)| {
                delta.added(key, whole(value, sender))
            })
            .delta(),
        Value::Vote(self_vote, votes_for, total) => {
            let (votes_for, total_voters) = match sender {
                Sender::UserFunction => (0, 0),
                Sender::Proxy => (*votes_for, *total),
            };
            vote_delta(*self_vote, votes_for, total_voters)
        }
    }
}

/// The net change from `before` to `after` made by a command whose operations left `changes`, or `None`
/// when there is nothing to report (CRDT-008).
#[cfg(test)]
pub(crate) fn net(before: &Value, after: &Value, changes: &Changes) -> Option<CrdtDelta> {
    net_reporting(before, after, changes, Reporting::default())
}

/// [`net`], as a user function that makes the choices of `reporting` reports it.
pub(crate) fn net_reporting(
    before: &Value,
    after: &Value,
    changes: &Changes,
    reporting: Reporting,
) -> Option<CrdtDelta> {
    match (before, after) {
        (Value::GCounter(b), Value::GCounter(a)) => {
            let increment = a.wrapping_sub(*b);
            (increment != 0).then(|| gcounter_delta(increment))
        }
        (Value::PnCounter(b), Value::PnCounter(a)) => {
            let change = a.wrapping_sub(*b);
            (change != 0).then(|| pncounter_delta(change))
        }
        (Value::GSet(b), Value::GSet(a)) => {
            let added = strs(a.difference(b));
            (!added.is_empty()).then(|| gset_delta(&added))
        }
        (Value::OrSet(b), Value::OrSet(a)) => orset_net(b, a, changes.cleared),
        (Value::Lww(..), Value::Lww(value, clock)) => changes.written.then(|| lww(value, *clock)),
        (Value::Flag(b), Value::Flag(a)) => (*a && !*b).then(|| flag_delta(true)),
        (Value::Vote(b, ..), Value::Vote(a, ..)) => (a != b).then(|| vote_delta(*a, 0, 0)),
        (Value::OrMap(b), Value::OrMap(a)) => ormap_net(b, a, changes, reporting),
        _ => None,
    }
}

/// CRDT-007 and CRDT-049: after a clear, `cleared` and everything present; else what went and what came.
fn orset_net(
    before: &BTreeSet<String>,
    after: &BTreeSet<String>,
    cleared: bool,
) -> Option<CrdtDelta> {
    let (removed, added): (Vec<&String>, Vec<&String>) = if cleared {
        (Vec::new(), after.iter().collect())
    } else {
        (
            before.difference(after).collect(),
            after.difference(before).collect(),
        )
    };
    (cleared || !removed.is_empty() || !added.is_empty())
        .then(|| orset_delta(cleared, &strs(removed), &strs(added)))
}

/// CRDT-049 and CRDT-010: keys that went under `removed`; keys that came, or were removed and came back,
/// under `added` with their whole value; other keys whose value changed under `updated` with its net
/// change.
fn ormap_net(
    before: &BTreeMap<String, Value>,
    after: &BTreeMap<String, Value>,
    changes: &Changes,
    reporting: Reporting,
) -> Option<CrdtDelta> {
    let mut map = MapDelta::default();
    if changes.cleared {
        map = map.cleared();
    }
    for (key, value) in after {
        let renewed = changes.cleared || changes.removed.contains(key);
        match before.get(key) {
            Some(old) if !renewed => {
                let unchanged = Changes::default();
                let nested = changes.entries.get(key).unwrap_or(&unchanged);
                if let Some(change) = net_reporting(old, value, nested, reporting) {
                    map = map.updated(key, change);
                }
            }
            _ => {
                let mut whole = whole(value, Sender::UserFunction);
                let cleared = changes
                    .entries
                    .get(key)
                    .is_some_and(|nested| nested.cleared);
                if reporting.new_entry_clear_reported && cleared {
                    mark_cleared(&mut whole);
                }
                map = map.added(key, whole);
            }
        }
    }
    if !changes.cleared {
        let removed = strs(before.keys().filter(|key| changes.removed.contains(*key)));
        map = map.removed(&removed);
    }
    (!map.is_empty()).then(|| map.delta())
}

/// Sets `cleared` on a set or map delta (other deltas have no clear).
fn mark_cleared(delta: &mut CrdtDelta) {
    match delta.delta.as_mut() {
        Some(crdt_delta::Delta::Orset(set)) => set.cleared = true,
        Some(crdt_delta::Delta::Ormap(map)) => map.cleared = true,
        _ => {}
    }
}

/// The delta another replica's `change` makes against `current`, as the proxy sends it: only present
/// elements and keys are removed, a vote keeps this node's own vote, and a map entry updates a present key
/// or adds an absent one with its whole new value.
pub(crate) fn concretize(change: &Remote, current: &Value) -> CrdtDelta {
    match (change, current) {
        (Remote::Increment(n), _) => gcounter_delta(*n),
        (Remote::Change(n), _) => pncounter_delta(*n),
        (Remote::GSetAdded(added), _) => gset_delta(&strs(added)),
        (
            Remote::OrSet {
                cleared,
                removed,
                added,
            },
            Value::OrSet(set),
        ) => {
            let present = |element: &&String| !*cleared && set.contains(*element);
            orset_delta(
                *cleared,
                &strs(removed.iter().filter(present)),
                &strs(added),
            )
        }
        (Remote::Lww(value, clock), _) => lww(value, *clock),
        (Remote::Flag(value), _) => flag_delta(*value),
        (Remote::Vote { others_for, others }, Value::Vote(self_vote, ..)) => {
            vote_delta(*self_vote, others_for + i32::from(*self_vote), others + 1)
        }
        (
            Remote::OrMap {
                cleared,
                removed,
                entries,
            },
            Value::OrMap(map),
        ) => ormap_change(*cleared, removed, entries, map),
        // A change for another type than the value's: the scenarios never make one.
        _ => CrdtDelta::default(),
    }
}

fn ormap_change(
    cleared: bool,
    removed: &[String],
    entries: &[(String, Remote)],
    map: &BTreeMap<String, Value>,
) -> CrdtDelta {
    let mut remaining = if cleared {
        BTreeMap::new()
    } else {
        map.clone()
    };
    let removed = strs(
        removed
            .iter()
            .filter(|key| remaining.remove(*key).is_some()),
    );
    let mut change = MapDelta::default();
    if cleared {
        change = change.cleared();
    }
    change = change.removed(&removed);
    for (key, nested) in entries {
        change = match remaining.get(key) {
            Some(value) => change.updated(key, concretize(nested, value)),
            None => {
                let mut value = Value::initial(Kind::of_key(key));
                value.receive(&concretize(nested, &value));
                change.added(key, whole(&value, Sender::Proxy))
            }
        };
    }
    change.delta()
}

#[cfg(test)]
#[path = "delta_tests.rs"]
mod tests;
