//! The proxy's copy of one CRDT entity's value, of any of the eight types.
//!
//! The proxy owns the CRDT: the user function sends the changes it made as `CrdtDelta`s, the proxy merges
//! them into its copy, and when it opens a new stream for the entity it sends the whole value back as one
//! delta from the empty value (`CrdtInit.delta`).
//!
//! Set elements and map keys are `google.protobuf.Any` values compared by their encoded bytes (type URL
//! and value), so two elements are the same exactly when they encode the same. Elements and entries are
//! kept, and sent back, in the order of those bytes.
//!
//! This is a single node: every change comes from the one user function, in the order it was sent, so a
//! merge is simply applying the change. In particular a register write always replaces the value (its
//! clock only orders writes from different replicas), and a vote has one voter, this node.

use std::collections::BTreeMap;
use std::time::{SystemTime, UNIX_EPOCH};

use cloudstate_protocol::cloudstate::crdt::{
    CrdtClock, CrdtDelta, FlagDelta, GCounterDelta, GSetDelta, LwwRegisterDelta, OrMapDelta,
    OrMapEntryDelta, OrSetDelta, PnCounterDelta, VoteDelta, crdt_delta::Delta,
};
use prost::Message as _;
use prost_types::Any;

/// A delta that cannot be merged into the held value: the user function broke the protocol.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct CrdtError(pub String);

/// The value of one CRDT.
#[derive(Debug, Clone, PartialEq)]
pub struct CrdtState {
    value: Value,
}

/// Elements of a set by their encoded bytes.
type Elements = BTreeMap<Vec<u8>, Any>;

#[derive(Debug, Clone, PartialEq)]
enum Value {
    GCounter(u64),
    PnCounter(i64),
    GSet(Elements),
    OrSet(Elements),
    LwwRegister { value: Any, timestamp: i64 },
    Flag(bool),
    OrMap(BTreeMap<Vec<u8>, Entry>),
    Vote(bool),
}

#[derive(Debug, Clone, PartialEq)]
struct Entry {
    key: Any,
    value: CrdtState,
}

impl CrdtState {
    /// A new CRDT of the delta's type, with the delta applied to its empty value.
    pub fn from_delta(delta: &CrdtDelta) -> Result<CrdtState, CrdtError> {
        let delta = kind_of(delta)?;
        let mut value = empty(delta);
        merge(&mut value, delta)?;
        Ok(CrdtState { value })
    }

    /// Merges a delta from the user function. On error the value is left as it was.
    pub fn apply(&mut self, delta: &CrdtDelta) -> Result<(), CrdtError> {
        let delta = kind_of(delta)?;
        if let Value::OrMap(_) = self.value {
            // A map can fail half-way, in a nested value: work on a copy.
            let mut next = self.value.clone();
            merge(&mut next, delta)?;
            self.value = next;
            Ok(())
        } else {
            merge(&mut self.value, delta)
        }
    }

    /// The whole value as one delta from the empty value, as `CrdtInit.delta` carries it.
    pub fn to_delta(&self) -> CrdtDelta {
        let delta = match &self.value {
            Value::GCounter(value) => Delta::Gcounter(GCounterDelta { increment: *value }),
            Value::PnCounter(value) => Delta::Pncounter(PnCounterDelta { change: *value }),
            Value::GSet(elements) => Delta::Gset(GSetDelta {
                added: elements.values().cloned().collect(),
            }),
            Value::OrSet(elements) => Delta::Orset(OrSetDelta {
                cleared: false,
                removed: Vec::new(),
                added: elements.values().cloned().collect(),
            }),
            Value::LwwRegister { value, .. } => Delta::Lwwregister(LwwRegisterDelta {
                value: Some(value.clone()),
                clock: CrdtClock::Default.into(),
                custom_clock_value: 0,
            }),
            Value::Flag(value) => Delta::Flag(FlagDelta { value: *value }),
            Value::OrMap(entries) => Delta::Ormap(OrMapDelta {
                cleared: false,
                removed: Vec::new(),
                updated: Vec::new(),
                added: entries
                    .values()
                    .map(|entry| OrMapEntryDelta {
                        key: Some(entry.key.clone()),
                        delta: Some(entry.value.to_delta()),
                    })
                    .collect(),
            }),
            Value::Vote(self_vote) => Delta::Vote(VoteDelta {
                self_vote: *self_vote,
                votes_for: i32::from(*self_vote),
                total_voters: 1,
            }),
        };
        CrdtDelta { delta: Some(delta) }
    }

    /// The name of the CRDT type, as the protocol spells it (`GCounter`, `ORMap`, …).
    pub fn type_name(&self) -> &'static str {
        value_name(&self.value)
    }

    /// For a register, the timestamp of its last write under the write's clock (what replicas would
    /// compare to pick the winner); `None` for the other types.
    pub fn register_timestamp(&self) -> Option<i64> {
        match self.value {
            Value::LwwRegister { timestamp, .. } => Some(timestamp),
            _ => None,
        }
    }
}

fn value_name(value: &Value) -> &'static str {
    match value {
        Value::GCounter(_) => "GCounter",
        Value::PnCounter(_) => "PNCounter",
        Value::GSet(_) => "GSet",
        Value::OrSet(_) => "ORSet",
        Value::LwwRegister { .. } => "LWWRegister",
        Value::Flag(_) => "Flag",
        Value::OrMap(_) => "ORMap",
        Value::Vote(_) => "Vote",
    }
}

fn kind_of(delta: &CrdtDelta) -> Result<&Delta, CrdtError> {
    delta
        .delta
        .as_ref()
        .ok_or_else(|| CrdtError("a CrdtDelta sets none of its kinds".to_owned()))
}

fn delta_name(delta: &Delta) -> &'static str {
    match delta {
        Delta::Gcounter(_) => "GCounter",
        Delta::Pncounter(_) => "PNCounter",
        Delta::Gset(_) => "GSet",
        Delta::Orset(_) => "ORSet",
        Delta::Lwwregister(_) => "LWWRegister",
        Delta::Flag(_) => "Flag",
        Delta::Ormap(_) => "ORMap",
        Delta::Vote(_) => "Vote",
    }
}

/// The empty value of the delta's type.
fn empty(delta: &Delta) -> Value {
    match delta {
        Delta::Gcounter(_) => Value::GCounter(0),
        Delta::Pncounter(_) => Value::PnCounter(0),
        Delta::Gset(_) => Value::GSet(Elements::new()),
        Delta::Orset(_) => Value::OrSet(Elements::new()),
        Delta::Lwwregister(_) => Value::LwwRegister {
            value: Any::default(),
            timestamp: 0,
        },
        Delta::Flag(_) => Value::Flag(false),
        Delta::Ormap(_) => Value::OrMap(BTreeMap::new()),
        Delta::Vote(_) => Value::Vote(false),
    }
}

/// Applies a delta in place. Only a map can fail after it started changing the value.
fn merge(value: &mut Value, delta: &Delta) -> Result<(), CrdtError> {
    match (value, delta) {
        (Value::GCounter(value), Delta::Gcounter(delta)) => {
            *value = value.saturating_add(delta.increment);
        }
        (Value::PnCounter(value), Delta::Pncounter(delta)) => {
            *value = value.saturating_add(delta.change);
        }
        (Value::GSet(elements), Delta::Gset(delta)) => add_all(elements, &delta.added),
        (Value::OrSet(elements), Delta::Orset(delta)) => {
            if delta.cleared {
                elements.clear();
            }
            for element in &delta.removed {
                elements.remove(&element.encode_to_vec());
            }
            add_all(elements, &delta.added);
        }
        (Value::LwwRegister { value, timestamp }, Delta::Lwwregister(delta)) => {
            *timestamp = next_timestamp(*timestamp, delta);
            *value = delta.value.clone().unwrap_or_default();
        }
        // A flag only switches on: merging `false` leaves it as it is.
        (Value::Flag(value), Delta::Flag(delta)) => *value |= delta.value,
        (Value::OrMap(entries), Delta::Ormap(delta)) => merge_map(entries, delta)?,
        // The user function sets only its own vote; the proxy counts the votes.
        (Value::Vote(self_vote), Delta::Vote(delta)) => *self_vote = delta.self_vote,
        (value, delta) => {
            return Err(CrdtError(format!(
                "a {} delta cannot be applied to a {}",
                delta_name(delta),
                value_name(value)
            )));
        }
    }
    Ok(())
}

fn add_all(elements: &mut Elements, added: &[Any]) {
    for element in added {
        elements.insert(element.encode_to_vec(), element.clone());
    }
}

/// The map changes in the order `cleared`, `removed`, `updated`, `added`. An added key that is
/// present gets a new value; an updated key must be present.
fn merge_map(entries: &mut BTreeMap<Vec<u8>, Entry>, delta: &OrMapDelta) -> Result<(), CrdtError> {
    if delta.cleared {
        entries.clear();
    }
    for key in &delta.removed {
        entries.remove(&key.encode_to_vec());
    }
    for update in &delta.updated {
        let (key, change) = entry_parts(update)?;
        let entry = entries.get_mut(&key.encode_to_vec()).ok_or_else(|| {
            CrdtError(format!(
                "an ORMap update names a key that is not in the map ({})",
                key.type_url
            ))
        })?;
        merge(&mut entry.value.value, kind_of(change)?)?;
    }
    for added in &delta.added {
        let (key, change) = entry_parts(added)?;
        let value = CrdtState::from_delta(change)?;
        entries.insert(
            key.encode_to_vec(),
            Entry {
                key: key.clone(),
                value,
            },
        );
    }
    Ok(())
}

fn entry_parts(entry: &OrMapEntryDelta) -> Result<(&Any, &CrdtDelta), CrdtError> {
    match (&entry.key, &entry.delta) {
        (Some(key), Some(delta)) => Ok((key, delta)),
        (None, _) => Err(CrdtError("an ORMap entry delta has no key".to_owned())),
        (Some(_), None) => Err(CrdtError("an ORMap entry delta has no delta".to_owned())),
    }
}

/// The timestamp of a register write, by its clock: the system clock (later writes higher), the
/// reversed system clock (earlier writes higher), or the custom value (bumped past the current
/// timestamp with `CUSTOM_AUTO_INCREMENT`). An unknown clock counts as the default one.
fn next_timestamp(current: i64, delta: &LwwRegisterDelta) -> i64 {
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|elapsed| i64::try_from(elapsed.as_millis()).unwrap_or(i64::MAX))
        .unwrap_or(0);
    match CrdtClock::try_from(delta.clock).unwrap_or(CrdtClock::Default) {
        CrdtClock::Default if current >= now => current.saturating_add(1),
        CrdtClock::Default => now,
        CrdtClock::Reverse if current <= -now => current.saturating_sub(1),
        CrdtClock::Reverse => -now,
        CrdtClock::Custom => delta.custom_clock_value,
        CrdtClock::CustomAutoIncrement if delta.custom_clock_value <= current => {
            current.saturating_add(1)
        }
        CrdtClock::CustomAutoIncrement => delta.custom_clock_value,
    }
}
