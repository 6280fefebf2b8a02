//! The counters: [`GCounter`] (grow-only) and [`PnCounter`] (increments and decrements).
//!
//! Both keep the current value and the net local change since the last [`take_delta`](GCounter::take_delta),
//! so several increments in one command make a single delta.

use cloudstate_protocol::cloudstate::crdt::{CrdtDelta, GCounterDelta, PnCounterDelta, crdt_delta};

use super::value::wrong_delta;

/// A grow-only counter.
#[derive(Debug, Clone, Default)]
pub(crate) struct GCounter {
    value: u64,
    pending: u64,
}

impl GCounter {
    /// The current value.
    pub(crate) fn value(&self) -> u64 {
        self.value
    }

    /// Adds `by` to the counter (wrapping on overflow, like the proxy's unsigned arithmetic).
    pub(crate) fn increment(&mut self, by: u64) {
        self.value = self.value.wrapping_add(by);
        self.pending = self.pending.wrapping_add(by);
    }

    /// Applies a received `GCounterDelta`.
    pub(crate) fn apply_delta(&mut self, delta: &CrdtDelta) -> Result<(), String> {
        match &delta.delta {
            Some(crdt_delta::Delta::Gcounter(d)) => {
                self.value = self.value.wrapping_add(d.increment);
                Ok(())
            }
            _ => Err(wrong_delta("GCounter", delta)),
        }
    }

    /// The summed local increments since the last take, if not zero.
    pub(crate) fn take_delta(&mut self) -> Option<CrdtDelta> {
        let increment = std::mem::take(&mut self.pending);
        (increment != 0).then(|| gcounter_delta(increment))
    }

    /// The whole value as a delta.
    pub(crate) fn full_delta(&self) -> CrdtDelta {
        gcounter_delta(self.value)
    }
}

fn gcounter_delta(increment: u64) -> CrdtDelta {
    CrdtDelta {
        delta: Some(crdt_delta::Delta::Gcounter(GCounterDelta { increment })),
    }
}

/// A counter that can go up and down.
#[derive(Debug, Clone, Default)]
pub(crate) struct PnCounter {
    value: i64,
    pending: i64,
}

impl PnCounter {
    /// The current value.
    pub(crate) fn value(&self) -> i64 {
        self.value
    }

    /// Adds `change` (which may be negative) to the counter, wrapping on overflow.
    pub(crate) fn increment(&mut self, change: i64) {
        self.value = self.value.wrapping_add(change);
        self.pending = self.pending.wrapping_add(change);
    }

    /// Applies a received `PNCounterDelta`.
    pub(crate) fn apply_delta(&mut self, delta: &CrdtDelta) -> Result<(), String> {
        match &delta.delta {
            Some(crdt_delta::Delta::Pncounter(d)) => {
                self.value = self.value.wrapping_add(d.change);
                Ok(())
            }
            _ => Err(wrong_delta("PNCounter", delta)),
        }
    }

    /// The net local change since the last take, if not zero (`+1 -2 +3` gives `+2`).
    pub(crate) fn take_delta(&mut self) -> Option<CrdtDelta> {
        let change = std::mem::take(&mut self.pending);
        (change != 0).then(|| pncounter_delta(change))
    }

    /// The whole value as a delta.
    pub(crate) fn full_delta(&self) -> CrdtDelta {
        pncounter_delta(self.value)
    }
}

fn pncounter_delta(change: i64) -> CrdtDelta {
    CrdtDelta {
        delta: Some(crdt_delta::Delta::Pncounter(PnCounterDelta { change })),
    }
}
