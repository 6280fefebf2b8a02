//! The deltas of the oracle: the net change a reply must report (CRDT-007 to CRDT-014), a value as one
//! whole delta (what the user function reports for a new map entry, and what the proxy sends in an init),
//! and the concrete delta another replica's change makes against the current value.

use std::collections::{BTreeMap, BTreeSet};

use cloudstate_protocol::cloudstate::crdt::{
    CrdtDelta, FlagDelta, GCounterDelta, GSetDelta, LwwRegisterDelta, OrMapDelta, OrMapEntryDelta,
    OrSetDelta, PnCounterDelta, VoteDelta, crdt_delta,
};
use prost::Message as _;
use prost_types::Any;

use super::scenario::{Clock, Kind, Remote};
use super::value::{Changes, Reporting, Value};

/// The type URL of a primitive string.
const STRING_TYPE_URL: &str = "p.cloudstate.io/string";

/// A string as a primitive-string `Any` (CRDT-017).
pub(crate) fn primitive(value: &str) -> Any {
    Any {
        type_url: STRING_TYPE_URL.to_owned(),
        value: value.to_owned().encode_to_vec(),
    }
}

fn primitives<'a>(values: impl IntoIterator<Item = &'a String>) -> Vec<Any> {
    values.into_iter().map(|value| primitive(value)).collect()
}

fn delta(delta: crdt_delta::Delta) -> CrdtDelta {
    CrdtDelta { delta: Some(delta) }
}

fn entry(key: &str, value: CrdtDelta) -> OrMapEntryDelta {
    OrMapEntryDelta {
        key: Some(primitive(key)),
        delta: Some(value),
    }
}

fn lww(value: &str, clock: Clock) -> CrdtDelta {
    delta(crdt_delta::Delta::Lwwregister(LwwRegisterDelta {
        value: Some(primitive(value)),
        clock: clock.number(),
        custom_clock_value: clock.custom_value(),
    }))
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
        Value::GCounter(n) => delta(crdt_delta::Delta::Gcounter(GCounterDelta { increment: *n })),
        Value::PnCounter(n) => delta(crdt_delta::Delta::Pncounter(PnCounterDelta { change: *n })),
        Value::GSet(set) => delta(crdt_delta::Delta::Gset(GSetDelta {
            added: primitives(set),
        })),
        Value::OrSet(set) => delta(crdt_delta::Delta::Orset(OrSetDelta {
            cleared: false,
            removed: Vec::new(),
            added: primitives(set),
        })),
        Value::Lww(value, clock) => lww(value, *clock),
        Value::Flag(flag) => delta(crdt_delta::Delta::Flag(FlagDelta { value: *flag })),
        Value::OrMap(map) => delta(crdt_delta::Delta::Ormap(OrMapDelta {
            cleared: false,
            removed: Vec::new(),
            updated: Vec::new(),
            added: map
                .iter()
                .map(|(key, value)| entry(key, whole(value, sender)))
                .collect(),
        })),
        Value::Vote(self_vote, votes_for, total) => {
            let (votes_for, total_voters) = match sender {
                Sender::UserFunction => (0, 0),
                Sender::Proxy => (*votes_for, *total),
            };
            delta(crdt_delta::Delta::Vote(VoteDelta {
                self_vote: *self_vote,
                votes_for,
                total_voters,
            }))
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
            (increment != 0)
                .then(|| delta(crdt_delta::Delta::Gcounter(GCounterDelta { increment })))
        }
        (Value::PnCounter(b), Value::PnCounter(a)) => {
            let change = a.wrapping_sub(*b);
            (change != 0).then(|| delta(crdt_delta::Delta::Pncounter(PnCounterDelta { change })))
        }
        (Value::GSet(b), Value::GSet(a)) => {
            let added: Vec<&String> = a.difference(b).collect();
            (!added.is_empty()).then(|| {
                delta(crdt_delta::Delta::Gset(GSetDelta {
                    added: primitives(added),
                }))
            })
        }
        (Value::OrSet(b), Value::OrSet(a)) => orset_net(b, a, changes.cleared),
        (Value::Lww(..), Value::Lww(value, clock)) => changes.written.then(|| lww(value, *clock)),
        (Value::Flag(b), Value::Flag(a)) => {
            (*a && !*b).then(|| delta(crdt_delta::Delta::Flag(FlagDelta { value: true })))
        }
        (Value::Vote(b, ..), Value::Vote(a, ..)) => (a != b).then(|| {
            delta(crdt_delta::Delta::Vote(VoteDelta {
                self_vote: *a,
                votes_for: 0,
                total_voters: 0,
            }))
        }),
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
    (cleared || !removed.is_empty() || !added.is_empty()).then(|| {
        delta(crdt_delta::Delta::Orset(OrSetDelta {
            cleared,
            removed: primitives(removed),
            added: primitives(added),
        }))
    })
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
    let mut map = OrMapDelta {
        cleared: changes.cleared,
        ..OrMapDelta::default()
    };
    for (key, value) in after {
        let renewed = changes.cleared || changes.removed.contains(key);
        match before.get(key) {
            Some(old) if !renewed => {
                let unchanged = Changes::default();
                let nested = changes.entries.get(key).unwrap_or(&unchanged);
                if let Some(change) = net_reporting(old, value, nested, reporting) {
                    map.updated.push(entry(key, change));
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
                map.added.push(entry(key, whole));
            }
        }
    }
    if !changes.cleared {
        map.removed = before
            .keys()
            .filter(|key| changes.removed.contains(*key))
            .map(|key| primitive(key))
            .collect();
    }
    let empty =
        !map.cleared && map.removed.is_empty() && map.updated.is_empty() && map.added.is_empty();
    (!empty).then(|| delta(crdt_delta::Delta::Ormap(map)))
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
        (Remote::Increment(n), _) => {
            delta(crdt_delta::Delta::Gcounter(GCounterDelta { increment: *n }))
        }
        (Remote::Change(n), _) => {
            delta(crdt_delta::Delta::Pncounter(PnCounterDelta { change: *n }))
        }
        (Remote::GSetAdded(added), _) => delta(crdt_delta::Delta::Gset(GSetDelta {
            added: primitives(added),
        })),
        (
            Remote::OrSet {
                cleared,
                removed,
                added,
            },
            Value::OrSet(set),
        ) => {
            let present = |element: &&String| !*cleared && set.contains(*element);
            delta(crdt_delta::Delta::Orset(OrSetDelta {
                cleared: *cleared,
                removed: primitives(removed.iter().filter(present)),
                added: primitives(added),
            }))
        }
        (Remote::Lww(value, clock), _) => lww(value, *clock),
        (Remote::Flag(value), _) => delta(crdt_delta::Delta::Flag(FlagDelta { value: *value })),
        (Remote::Vote { others_for, others }, Value::Vote(self_vote, ..)) => {
            delta(crdt_delta::Delta::Vote(VoteDelta {
                self_vote: *self_vote,
                votes_for: others_for + i32::from(*self_vote),
                total_voters: others + 1,
            }))
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
    let removed: Vec<&String> = removed
        .iter()
        .filter(|key| remaining.remove(*key).is_some())
        .collect();
    let mut change = OrMapDelta {
        cleared,
        removed: primitives(removed),
        ..OrMapDelta::default()
    };
    for (key, nested) in entries {
        match remaining.get(key) {
            Some(value) => change.updated.push(entry(key, concretize(nested, value))),
            None => {
                let mut value = Value::initial(Kind::of_key(key));
                value.receive(&concretize(nested, &value));
                change.added.push(entry(key, whole(&value, Sender::Proxy)));
            }
        }
    }
    delta(crdt_delta::Delta::Ormap(change))
}

#[cfg(test)]
#[path = "delta_tests.rs"]
mod tests;
