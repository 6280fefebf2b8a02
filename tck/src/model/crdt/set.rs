//! The sets of strings: [`GSet`] (grow-only) and [`OrSet`] (observed-remove).
//!
//! Elements are kept decoded, in `BTreeSet`s, so deltas list them sorted by their string.

use std::collections::BTreeSet;

use cloudstate_protocol::cloudstate::crdt::{CrdtDelta, GSetDelta, OrSetDelta, crdt_delta};
use prost_types::Any;

use super::value::{decode_strings, encode_string, wrong_delta};

fn encode_all<'a>(elements: impl IntoIterator<Item = &'a String>) -> Vec<Any> {
    elements.into_iter().map(|e| encode_string(e)).collect()
}

/// A grow-only set of strings.
#[derive(Debug, Clone, Default)]
pub(crate) struct GSet {
    elements: BTreeSet<String>,
    added: BTreeSet<String>,
}

impl GSet {
    /// The current elements, sorted.
    pub(crate) fn elements(&self) -> &BTreeSet<String> {
        &self.elements
    }

    /// Adds an element; adding one already present changes nothing.
    pub(crate) fn add(&mut self, element: &str) {
        if self.elements.insert(element.to_owned()) {
            self.added.insert(element.to_owned());
        }
    }

    /// Applies a received `GSetDelta`.
    pub(crate) fn apply_delta(&mut self, delta: &CrdtDelta) -> Result<(), String> {
        match &delta.delta {
            Some(crdt_delta::Delta::Gset(d)) => {
                self.elements.extend(decode_strings(&d.added)?);
                Ok(())
            }
            _ => Err(wrong_delta("GSet", delta)),
        }
    }

    /// The elements newly added since the last take, if any.
    pub(crate) fn take_delta(&mut self) -> Option<CrdtDelta> {
        let added = std::mem::take(&mut self.added);
        (!added.is_empty()).then(|| gset_delta(encode_all(&added)))
    }

    /// The whole set as a delta.
    pub(crate) fn full_delta(&self) -> CrdtDelta {
        gset_delta(encode_all(&self.elements))
    }
}

fn gset_delta(added: Vec<Any>) -> CrdtDelta {
    CrdtDelta {
        delta: Some(crdt_delta::Delta::Gset(GSetDelta { added })),
    }
}

/// An observed-remove set of strings.
///
/// The pending change is kept net: `cleared` (which wipes the state as last reported), then elements
/// `removed` from that state, then elements `added` to it. An element is never in both lists.
#[derive(Debug, Clone, Default)]
pub(crate) struct OrSet {
    elements: BTreeSet<String>,
    cleared: bool,
    removed: BTreeSet<String>,
    added: BTreeSet<String>,
}

impl OrSet {
    /// The current elements, sorted.
    pub(crate) fn elements(&self) -> &BTreeSet<String> {
        &self.elements
    }

    /// Adds an element. Adding one already present changes nothing; re-adding one removed since the last
    /// take cancels the removal.
    pub(crate) fn add(&mut self, element: &str) {
        if !self.elements.insert(element.to_owned()) {
            return;
        }
        if self.cleared || !self.removed.remove(element) {
            self.added.insert(element.to_owned());
        }
    }

    /// Removes an element. Removing a missing one changes nothing; removing one added since the last take
    /// cancels the addition.
    pub(crate) fn remove(&mut self, element: &str) {
        if !self.elements.remove(element) {
            return;
        }
        // An element pending in `added` was either not in the reported state (so nothing to report) or
        // already pending in `removed`; after a clear the reported state is wiped anyway.
        if !self.added.remove(element) && !self.cleared {
            self.removed.insert(element.to_owned());
        }
    }

    /// Removes every element. This is always reported as `cleared`, even when the set was empty.
    pub(crate) fn clear(&mut self) {
        self.elements.clear();
        self.added.clear();
        self.removed.clear();
        self.cleared = true;
    }

    /// Applies a received `ORSetDelta`: `cleared` first, then `removed`, then `added`.
    pub(crate) fn apply_delta(&mut self, delta: &CrdtDelta) -> Result<(), String> {
        match &delta.delta {
            Some(crdt_delta::Delta::Orset(d)) => {
                let removed = decode_strings(&d.removed)?;
                let added = decode_strings(&d.added)?;
                if d.cleared {
                    self.elements.clear();
                }
                for element in &removed {
                    self.elements.remove(element);
                }
                self.elements.extend(added);
                Ok(())
            }
            _ => Err(wrong_delta("ORSet", delta)),
        }
    }

    /// The net local change since the last take, if any.
    pub(crate) fn take_delta(&mut self) -> Option<CrdtDelta> {
        let cleared = std::mem::take(&mut self.cleared);
        let removed = std::mem::take(&mut self.removed);
        let added = std::mem::take(&mut self.added);
        if !cleared && removed.is_empty() && added.is_empty() {
            return None;
        }
        Some(orset_delta(OrSetDelta {
            cleared,
            removed: encode_all(&removed),
            added: encode_all(&added),
        }))
    }

    /// The whole set as a delta (everything under `added`).
    pub(crate) fn full_delta(&self) -> CrdtDelta {
        orset_delta(OrSetDelta {
            cleared: false,
            removed: Vec::new(),
            added: encode_all(&self.elements),
        })
    }
}

fn orset_delta(delta: OrSetDelta) -> CrdtDelta {
    CrdtDelta {
        delta: Some(crdt_delta::Delta::Orset(delta)),
    }
}
