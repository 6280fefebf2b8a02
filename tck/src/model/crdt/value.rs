//! [`CrdtValue`]: one CRDT of any of the eight types, chosen by a type name, plus the string encoding
//! shared by set elements, register values and map keys.

use cloudstate_protocol::cloudstate::crdt::CrdtDelta;
use prost::Message;
use prost_types::Any;

use super::counter::{GCounter, PnCounter};
use super::flag::Flag;
use super::map::OrMap;
use super::register::LwwRegister;
use super::set::{GSet, OrSet};
use super::vote::Vote;
use crate::messages::crdt::STRING_TYPE_URL;

/// Encodes a string as a primitive-string `Any` (the string as protobuf field 1).
pub(crate) fn encode_string(value: &str) -> Any {
    Any {
        type_url: STRING_TYPE_URL.to_owned(),
        value: value.to_owned().encode_to_vec(),
    }
}

/// Decodes a primitive-string `Any`; anything else is an error.
pub(crate) fn decode_string(any: &Any) -> Result<String, String> {
    if any.type_url != STRING_TYPE_URL {
        return Err(format!(
            "expected a primitive string ({STRING_TYPE_URL}), got type URL {:?}",
            any.type_url
        ));
    }
    String::decode(any.value.as_slice()).map_err(|e| format!("bad primitive string: {e}"))
}

/// Decodes a list of primitive-string `Any`s.
pub(crate) fn decode_strings(anys: &[Any]) -> Result<Vec<String>, String> {
    anys.iter().map(decode_string).collect()
}

/// The error for a delta whose type does not match the CRDT it is applied to.
pub(crate) fn wrong_delta(expected: &str, delta: &CrdtDelta) -> String {
    let got = match &delta.delta {
        None => "an empty delta".to_owned(),
        Some(d) => format!("{d:?}"),
    };
    format!("expected a {expected} delta, got {got}")
}

/// A CRDT of any of the eight types.
#[derive(Debug, Clone)]
pub(crate) enum CrdtValue {
    /// A grow-only counter.
    GCounter(GCounter),
    /// A positive-negative counter.
    PnCounter(PnCounter),
    /// A grow-only set of strings.
    GSet(GSet),
    /// An observed-remove set of strings.
    OrSet(OrSet),
    /// A last-write-wins register holding a string.
    LwwRegister(LwwRegister),
    /// A flag that can only be enabled.
    Flag(Flag),
    /// An observed-remove map from strings to CRDTs.
    OrMap(OrMap),
    /// A vote.
    Vote(Vote),
}

impl CrdtValue {
    /// Creates a new, locally created CRDT whose type is the prefix of `name` before the first `-`
    /// (`GCounter-1` is a GCounter, `ORMap` is an ORMap). A new LWWRegister has a pending creation delta.
    pub(crate) fn for_name(name: &str) -> Result<Self, String> {
        let prefix = name.split('-').next().unwrap_or(name);
        Ok(match prefix {
            "GCounter" => Self::GCounter(GCounter::default()),
            "PNCounter" => Self::PnCounter(PnCounter::default()),
            "GSet" => Self::GSet(GSet::default()),
            "ORSet" => Self::OrSet(OrSet::default()),
            "LWWRegister" => Self::LwwRegister(LwwRegister::new()),
            "Flag" => Self::Flag(Flag::default()),
            "ORMap" => Self::OrMap(OrMap::default()),
            "Vote" => Self::Vote(Vote::default()),
            other => return Err(format!("unknown CRDT type {other:?} (from {name:?})")),
        })
    }

    /// Creates a CRDT of the type named by `name` from a received delta (init or replicated), with no
    /// pending local change.
    pub(crate) fn from_delta(name: &str, delta: &CrdtDelta) -> Result<Self, String> {
        let mut value = Self::for_name(name)?;
        let _creation = value.take_delta();
        value.apply_delta(delta)?;
        Ok(value)
    }

    /// The protocol name of this CRDT's type, which is also its entity id and map key prefix.
    pub(crate) fn type_name(&self) -> &'static str {
        match self {
            Self::GCounter(_) => "GCounter",
            Self::PnCounter(_) => "PNCounter",
            Self::GSet(_) => "GSet",
            Self::OrSet(_) => "ORSet",
            Self::LwwRegister(_) => "LWWRegister",
            Self::Flag(_) => "Flag",
            Self::OrMap(_) => "ORMap",
            Self::Vote(_) => "Vote",
        }
    }

    /// Applies a delta received from the proxy; a delta of another type is an error.
    pub(crate) fn apply_delta(&mut self, delta: &CrdtDelta) -> Result<(), String> {
        match self {
            Self::GCounter(c) => c.apply_delta(delta),
            Self::PnCounter(c) => c.apply_delta(delta),
            Self::GSet(s) => s.apply_delta(delta),
            Self::OrSet(s) => s.apply_delta(delta),
            Self::LwwRegister(r) => r.apply_delta(delta),
            Self::Flag(f) => f.apply_delta(delta),
            Self::OrMap(m) => m.apply_delta(delta),
            Self::Vote(v) => v.apply_delta(delta),
        }
    }

    /// The net local change since the last take, if any, and resets it.
    pub(crate) fn take_delta(&mut self) -> Option<CrdtDelta> {
        match self {
            Self::GCounter(c) => c.take_delta(),
            Self::PnCounter(c) => c.take_delta(),
            Self::GSet(s) => s.take_delta(),
            Self::OrSet(s) => s.take_delta(),
            Self::LwwRegister(r) => r.take_delta(),
            Self::Flag(f) => f.take_delta(),
            Self::OrMap(m) => m.take_delta(),
            Self::Vote(v) => v.take_delta(),
        }
    }

    /// The whole current value as a delta: what an ORMap reports under `added` for a new entry (for
    /// example `PNCounterDelta(0)` or an empty `ORSetDelta` for a fresh value).
    pub(crate) fn full_delta(&self) -> CrdtDelta {
        match self {
            Self::GCounter(c) => c.full_delta(),
            Self::PnCounter(c) => c.full_delta(),
            Self::GSet(s) => s.full_delta(),
            Self::OrSet(s) => s.full_delta(),
            Self::LwwRegister(r) => r.full_delta(),
            Self::Flag(f) => f.full_delta(),
            Self::OrMap(m) => m.full_delta(),
            Self::Vote(v) => v.full_delta(),
        }
    }

    /// Whether both hold the same current value (pending local changes are not compared).
    #[cfg(test)]
    pub(crate) fn same_value(&self, other: &Self) -> bool {
        match (self, other) {
            (Self::GCounter(a), Self::GCounter(b)) => a.value() == b.value(),
            (Self::PnCounter(a), Self::PnCounter(b)) => a.value() == b.value(),
            (Self::GSet(a), Self::GSet(b)) => a.elements() == b.elements(),
            (Self::OrSet(a), Self::OrSet(b)) => a.elements() == b.elements(),
            (Self::LwwRegister(a), Self::LwwRegister(b)) => {
                a.value() == b.value() && a.clock() == b.clock()
            }
            (Self::Flag(a), Self::Flag(b)) => a.value() == b.value(),
            (Self::OrMap(a), Self::OrMap(b)) => a.same_value(b),
            (Self::Vote(a), Self::Vote(b)) => {
                (a.self_vote(), a.votes_for(), a.total_voters())
                    == (b.self_vote(), b.votes_for(), b.total_voters())
            }
            _ => false,
        }
    }
}
