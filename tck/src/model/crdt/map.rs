//! [`OrMap`]: an observed-remove map from string keys to CRDT values.
//!
//! The type of each value comes from its key's prefix before `-` (`GCounter-1`, `ORMap-2`), recursively.

use std::collections::{BTreeMap, BTreeSet};

use cloudstate_protocol::cloudstate::crdt::{CrdtDelta, OrMapDelta, OrMapEntryDelta, crdt_delta};

use super::value::{CrdtValue, decode_string, encode_string, wrong_delta};

/// An observed-remove map from strings to CRDTs.
///
/// The pending change is kept net: `cleared` (wiping the state as last reported), keys `removed` from
/// that state, and keys `added` since (reported with their whole value). Changes to other entries are
/// their own pending deltas, reported under `updated`.
#[derive(Debug, Clone, Default)]
pub(crate) struct OrMap {
    entries: BTreeMap<String, CrdtValue>,
    cleared: bool,
    removed: BTreeSet<String>,
    added: BTreeSet<String>,
}

impl OrMap {
    /// The current entries, sorted by key.
    pub(crate) fn entries(&self) -> &BTreeMap<String, CrdtValue> {
        &self.entries
    }

    /// The value under `key`, if present.
    #[cfg(test)]
    pub(crate) fn get(&self, key: &str) -> Option<&CrdtValue> {
        self.entries.get(key)
    }

    /// Adds a fresh value under `key`, typed by the key's prefix. Adding a present key changes nothing.
    pub(crate) fn add(&mut self, key: &str) -> Result<(), String> {
        self.update(key).map(|_| ())
    }

    /// The value under `key`, to change it locally; a missing key is first added with a fresh value.
    pub(crate) fn update(&mut self, key: &str) -> Result<&mut CrdtValue, String> {
        if !self.entries.contains_key(key) {
            let value = CrdtValue::for_name(key)?;
            self.added.insert(key.to_owned());
            self.entries.insert(key.to_owned(), value);
        }
        self.entries
            .get_mut(key)
            .ok_or_else(|| format!("ORMap key {key:?} vanished"))
    }

    /// Removes `key`. Removing a missing key changes nothing; removing one added since the last take
    /// cancels the addition.
    pub(crate) fn remove(&mut self, key: &str) {
        if self.entries.remove(key).is_none() {
            return;
        }
        // A key pending in `added` was either not in the reported state or is already pending in
        // `removed`; after a clear the reported state is wiped anyway.
        if !self.added.remove(key) && !self.cleared {
            self.removed.insert(key.to_owned());
        }
    }

    /// Removes every entry. This is always reported as `cleared`, even when the map was empty.
    pub(crate) fn clear(&mut self) {
        self.entries.clear();
        self.added.clear();
        self.removed.clear();
        self.cleared = true;
    }

    /// Applies a received `ORMapDelta`: `cleared`, then `removed`, then `updated` (applied to the nested
    /// values), then `added` (each a fresh value of the key's type with its delta applied).
    pub(crate) fn apply_delta(&mut self, delta: &CrdtDelta) -> Result<(), String> {
        let Some(crdt_delta::Delta::Ormap(d)) = &delta.delta else {
            return Err(wrong_delta("ORMap", delta));
        };
        if d.cleared {
            self.entries.clear();
        }
        for key in &d.removed {
            self.entries.remove(&decode_string(key)?);
        }
        for entry in &d.updated {
            let (key, nested) = decode_entry(entry)?;
            match self.entries.get_mut(&key) {
                Some(value) => value.apply_delta(nested)?,
                None => {
                    let value = CrdtValue::from_delta(&key, nested)?;
                    self.entries.insert(key, value);
                }
            }
        }
        for entry in &d.added {
            let (key, nested) = decode_entry(entry)?;
            let value = CrdtValue::from_delta(&key, nested)?;
            self.entries.insert(key, value);
        }
        Ok(())
    }

    /// The net local change since the last take, if any: new keys under `added` with their whole value,
    /// changed existing keys under `updated` with their own delta, all sorted by key.
    pub(crate) fn take_delta(&mut self) -> Option<CrdtDelta> {
        let cleared = std::mem::take(&mut self.cleared);
        let removed = std::mem::take(&mut self.removed);
        let added_keys = std::mem::take(&mut self.added);
        let mut updated = Vec::new();
        let mut added = Vec::new();
        for (key, value) in &mut self.entries {
            let nested = value.take_delta();
            if added_keys.contains(key) {
                added.push(entry_delta(key, value.full_delta()));
            } else if let Some(nested) = nested {
                updated.push(entry_delta(key, nested));
            }
        }
        if !cleared && removed.is_empty() && updated.is_empty() && added.is_empty() {
            return None;
        }
        Some(ormap_delta(OrMapDelta {
            cleared,
            removed: removed.iter().map(|k| encode_string(k)).collect(),
            updated,
            added,
        }))
    }

    /// The whole map as a delta (every entry under `added` with its whole value).
    pub(crate) fn full_delta(&self) -> CrdtDelta {
        ormap_delta(OrMapDelta {
            cleared: false,
            removed: Vec::new(),
            updated: Vec::new(),
            added: self
                .entries
                .iter()
                .map(|(key, value)| entry_delta(key, value.full_delta()))
                .collect(),
        })
    }

    /// Whether both maps have the same keys with the same values.
    #[cfg(test)]
    pub(crate) fn same_value(&self, other: &Self) -> bool {
        self.entries.len() == other.entries.len()
            && self
                .entries
                .iter()
                .zip(&other.entries)
                .all(|((ka, va), (kb, vb))| ka == kb && va.same_value(vb))
    }
}

fn decode_entry(entry: &OrMapEntryDelta) -> Result<(String, &CrdtDelta), String> {
    let key = entry
        .key
        .as_ref()
        .ok_or_else(|| "ORMap entry delta without a key".to_owned())?;
    let key = decode_string(key)?;
    let nested = entry
        .delta
        .as_ref()
        .ok_or_else(|| format!("ORMap entry delta for {key:?} without a delta"))?;
    Ok((key, nested))
}

fn entry_delta(key: &str, delta: CrdtDelta) -> OrMapEntryDelta {
    OrMapEntryDelta {
        key: Some(encode_string(key)),
        delta: Some(delta),
    }
}

fn ormap_delta(delta: OrMapDelta) -> CrdtDelta {
    CrdtDelta {
        delta: Some(crdt_delta::Delta::Ormap(delta)),
    }
}
