//! The oracle's CRDT values: what a conforming user function holds for an entity, how a local operation
//! changes it (remembering what the net change cannot show by itself), and how a delta received from
//! the proxy changes it (spec CRDT-004, CRDT-005, CRDT-013, CRDT-015).

use std::collections::{BTreeMap, BTreeSet};

use cloudstate_protocol::cloudstate::crdt::{CrdtDelta, crdt_delta};
use prost::Message as _;
use prost_types::Any;

use super::scenario::{Clock, Kind, Op};

/// A CRDT value, with set elements, register values and map keys as strings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Value {
    /// A GCounter.
    GCounter(u64),
    /// A PNCounter.
    PnCounter(i64),
    /// A GSet.
    GSet(BTreeSet<String>),
    /// An ORSet.
    OrSet(BTreeSet<String>),
    /// An LWWRegister: its value and the clock of its last write.
    Lww(String, Clock),
    /// A Flag.
    Flag(bool),
    /// An ORMap.
    OrMap(BTreeMap<String, Value>),
    /// A Vote: this node's vote, how many vote for, how many vote.
    Vote(bool, i32, i32),
}

/// What a command did that its net change must report although the value alone does not show it: a
/// clear (reported even when nothing was there), a register write (reported even when it wrote the value
/// already held, with another clock), map keys removed (and perhaps added again), and the same for the
/// values of a map's keys.
#[derive(Debug, Clone, Default)]
pub(crate) struct Changes {
    /// An ORSet or ORMap was cleared.
    pub(crate) cleared: bool,
    /// A register was written.
    pub(crate) written: bool,
    /// ORMap keys removed at some point of the command.
    pub(crate) removed: BTreeSet<String>,
    /// The changes of the values of an ORMap's keys, since each key was last added.
    pub(crate) entries: BTreeMap<String, Changes>,
}

/// How a user function reports a command's changes where the protocol leaves it a choice: each field is
/// one answer that the public SDKs give and the spec accepts (CRDT-049 to CRDT-052). The default is the
/// spec's own reading.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Reporting {
    /// Removing the last element of an ORSet is reported as a clear (Java, JavaScript and Go do).
    pub(crate) orset_last_remove_clears: bool,
    /// Removing the last key of an ORMap is reported as a clear (JavaScript and Go do).
    pub(crate) ormap_last_remove_clears: bool,
    /// Writing the value a register holds, with the default clock, is reported as a write (JavaScript
    /// and Go report every write).
    pub(crate) lww_rewrite_reported: bool,
    /// Clearing an ORSet or ORMap that is empty is not reported (JavaScript).
    pub(crate) empty_clear_unreported: bool,
    /// A map entry added by the command is reported with `cleared` when the command also cleared its
    /// set or map, as the entry's own delta shows (CRDT-049), rather than as its whole value.
    pub(crate) new_entry_clear_reported: bool,
}

impl Reporting {
    /// Every combination of the choices, the spec's own reading first.
    pub(crate) fn all() -> Vec<Reporting> {
        (0..32_u8)
            .map(|bits| Reporting {
                orset_last_remove_clears: bits & 1 != 0,
                ormap_last_remove_clears: bits & 2 != 0,
                lww_rewrite_reported: bits & 4 != 0,
                empty_clear_unreported: bits & 8 != 0,
                new_entry_clear_reported: bits & 16 != 0,
            })
            .collect()
    }
}

impl Value {
    /// The initial value of a CRDT of `kind` (CRDT-004): counters at 0, empty sets and maps, a disabled
    /// flag, a register holding `""` and a vote of (false, 0, 1).
    pub(crate) fn initial(kind: Kind) -> Value {
        match kind {
            Kind::GCounter => Value::GCounter(0),
            Kind::PnCounter => Value::PnCounter(0),
            Kind::GSet => Value::GSet(BTreeSet::new()),
            Kind::OrSet => Value::OrSet(BTreeSet::new()),
            Kind::LwwRegister => Value::Lww(String::new(), Clock::Default),
            Kind::Flag => Value::Flag(false),
            Kind::OrMap => Value::OrMap(BTreeMap::new()),
            Kind::Vote => Value::Vote(false, 0, 1),
        }
    }

    /// Applies one local operation, recording in `changes` what the net change needs, as the spec reads
    /// it. An operation that changes nothing (or is for another type, which the scenarios never make) is
    /// ignored.
    pub(crate) fn apply(&mut self, op: &Op, changes: &mut Changes) {
        self.apply_reporting(op, changes, Reporting::default());
    }

    /// [`apply`](Self::apply), recording the changes as a user function that makes the choices of
    /// `reporting` reports them.
    pub(crate) fn apply_reporting(&mut self, op: &Op, changes: &mut Changes, reporting: Reporting) {
        match (self, op) {
            (Value::GCounter(value), Op::Increment(n)) => *value = value.wrapping_add(*n),
            (Value::PnCounter(value), Op::Change(n)) => *value = value.wrapping_add(*n),
            (Value::GSet(set) | Value::OrSet(set), Op::GSetAdd(e) | Op::OrSetAdd(e)) => {
                set.insert(e.clone());
            }
            (Value::OrSet(set), Op::OrSetRemove(e)) => {
                let emptied = set.remove(e) && set.is_empty();
                changes.cleared |= emptied && reporting.orset_last_remove_clears;
            }
            (Value::OrSet(set), Op::OrSetClear) => {
                if !(set.is_empty() && reporting.empty_clear_unreported) {
                    changes.cleared = true;
                }
                set.clear();
            }
            // Writing the value already held with the proxy's clock changes nothing; any other write is
            // one the proxy must order by its clock.
            (Value::Lww(value, clock), Op::LwwSet(new, new_clock))
                if value != new
                    || *new_clock != Clock::Default
                    || reporting.lww_rewrite_reported =>
            {
                value.clone_from(new);
                *clock = *new_clock;
                changes.written = true;
            }
            (Value::Flag(value), Op::FlagEnable) => *value = true,
            (Value::Vote(self_vote, votes_for, _), Op::Vote(vote)) if self_vote != vote => {
                *self_vote = *vote;
                *votes_for += if *vote { 1 } else { -1 };
            }
            (Value::OrMap(map), Op::MapAdd(key)) => {
                map.entry(key.clone())
                    .or_insert_with(|| Value::initial(Kind::of_key(key)));
            }
            (Value::OrMap(map), Op::MapUpdate(key, nested)) => {
                let value = map
                    .entry(key.clone())
                    .or_insert_with(|| Value::initial(Kind::of_key(key)));
                let nested_changes = changes.entries.entry(key.clone()).or_default();
                value.apply_reporting(nested, nested_changes, reporting);
            }
            (Value::OrMap(map), Op::MapRemove(key)) if map.contains_key(key) => {
                map.remove(key);
                if map.is_empty() && reporting.ormap_last_remove_clears {
                    *changes = Changes {
                        cleared: true,
                        ..Changes::default()
                    };
                } else {
                    changes.removed.insert(key.clone());
                    changes.entries.remove(key);
                }
            }
            (Value::OrMap(map), Op::MapClear) => {
                let silent = map.is_empty() && reporting.empty_clear_unreported;
                map.clear();
                *changes = Changes {
                    cleared: !silent,
                    ..Changes::default()
                };
            }
            _ => {}
        }
    }

    /// Applies a delta received from the proxy, as CRDT-005 says: counters add, sets and maps apply
    /// `cleared`, then `removed`, then `updated` and `added`, a register takes the value and clock, a flag
    /// takes only `true`, a vote takes all three fields. A delta of another type changes nothing.
    pub(crate) fn receive(&mut self, delta: &CrdtDelta) {
        let Some(delta) = &delta.delta else {
            return;
        };
        match (self, delta) {
            (Value::GCounter(value), crdt_delta::Delta::Gcounter(d)) => {
                *value = value.wrapping_add(d.increment);
            }
            (Value::PnCounter(value), crdt_delta::Delta::Pncounter(d)) => {
                *value = value.wrapping_add(d.change);
            }
            (Value::GSet(set), crdt_delta::Delta::Gset(d)) => set.extend(strings(&d.added)),
            (Value::OrSet(set), crdt_delta::Delta::Orset(d)) => {
                if d.cleared {
                    set.clear();
                }
                for element in strings(&d.removed) {
                    set.remove(&element);
                }
                set.extend(strings(&d.added));
            }
            (Value::Lww(value, clock), crdt_delta::Delta::Lwwregister(d)) => {
                *value = d.value.as_ref().map(string).unwrap_or_default();
                *clock = match d.clock {
                    1 => Clock::Reverse,
                    2 => Clock::Custom(d.custom_clock_value),
                    3 => Clock::CustomAutoIncrement(d.custom_clock_value),
                    _ => Clock::Default,
                };
            }
            (Value::Flag(value), crdt_delta::Delta::Flag(d)) => *value |= d.value,
            (Value::Vote(self_vote, votes_for, total), crdt_delta::Delta::Vote(d)) => {
                (*self_vote, *votes_for, *total) = (d.self_vote, d.votes_for, d.total_voters);
            }
            (Value::OrMap(map), crdt_delta::Delta::Ormap(d)) => {
                if d.cleared {
                    map.clear();
                }
                for key in strings(&d.removed) {
                    map.remove(&key);
                }
                for (entry, added) in d
                    .updated
                    .iter()
                    .map(|entry| (entry, false))
                    .chain(d.added.iter().map(|entry| (entry, true)))
                {
                    let (Some(key), Some(nested)) = (&entry.key, &entry.delta) else {
                        continue;
                    };
                    let key = string(key);
                    if added || !map.contains_key(&key) {
                        map.insert(key.clone(), Value::initial(Kind::of_key(&key)));
                    }
                    if let Some(value) = map.get_mut(&key) {
                        value.receive(nested);
                    }
                }
            }
            _ => {}
        }
    }
}

/// A primitive string's text (CRDT-017); bytes that are not one read as `""`.
pub(crate) fn string(any: &Any) -> String {
    String::decode(any.value.as_slice()).unwrap_or_default()
}

fn strings(anys: &[Any]) -> impl Iterator<Item = String> + '_ {
    anys.iter().map(string)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_map_remembers_keys_removed_and_their_values_changes() {
        let mut map = Value::initial(Kind::OrMap);
        let mut changes = Changes::default();
        map.apply(
            &Op::MapUpdate("PNCounter-k".into(), Box::new(Op::Change(2))),
            &mut changes,
        );
        assert!(changes.entries.contains_key("PNCounter-k"));
        map.apply(&Op::MapRemove("PNCounter-k".into()), &mut changes);
        assert!(changes.removed.contains("PNCounter-k"));
        assert!(!changes.entries.contains_key("PNCounter-k"));
        map.apply(&Op::MapAdd("PNCounter-k".into()), &mut changes);
        let Value::OrMap(entries) = &map else {
            panic!("not a map");
        };
        assert_eq!(entries.get("PNCounter-k"), Some(&Value::PnCounter(0)));
    }

    #[test]
    fn a_register_write_of_the_held_value_counts_only_with_a_clock() {
        let mut register = Value::initial(Kind::LwwRegister);
        let mut changes = Changes::default();
        register.apply(&Op::LwwSet(String::new(), Clock::Default), &mut changes);
        assert!(!changes.written);
        register.apply(&Op::LwwSet(String::new(), Clock::Reverse), &mut changes);
        assert!(changes.written);
        assert_eq!(register, Value::Lww(String::new(), Clock::Reverse));
    }

    #[test]
    fn votes_move_the_tally_by_one() {
        let mut vote = Value::initial(Kind::Vote);
        let mut changes = Changes::default();
        vote.apply(&Op::Vote(true), &mut changes);
        vote.apply(&Op::Vote(true), &mut changes);
        assert_eq!(vote, Value::Vote(true, 1, 1));
        vote.apply(&Op::Vote(false), &mut changes);
        assert_eq!(vote, Value::Vote(false, 0, 1));
    }
}
