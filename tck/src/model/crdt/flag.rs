//! [`Flag`]: a boolean that can only go from false to true.

use cloudstate_protocol::cloudstate::crdt::{CrdtDelta, FlagDelta, crdt_delta};

use super::value::wrong_delta;

/// A flag that starts disabled and can only be enabled.
#[derive(Debug, Clone, Default)]
pub(crate) struct Flag {
    value: bool,
    pending: bool,
}

impl Flag {
    /// Whether the flag is enabled.
    pub(crate) fn value(&self) -> bool {
        self.value
    }

    /// Enables the flag; enabling an enabled flag changes nothing.
    pub(crate) fn enable(&mut self) {
        if !self.value {
            self.value = true;
            self.pending = true;
        }
    }

    /// Applies a received `FlagDelta`; a received `false` never clears an enabled flag.
    pub(crate) fn apply_delta(&mut self, delta: &CrdtDelta) -> Result<(), String> {
        match &delta.delta {
            Some(crdt_delta::Delta::Flag(d)) => {
                self.value |= d.value;
                Ok(())
            }
            _ => Err(wrong_delta("Flag", delta)),
        }
    }

    /// `true` if the flag was enabled locally since the last take.
    pub(crate) fn take_delta(&mut self) -> Option<CrdtDelta> {
        std::mem::take(&mut self.pending).then(|| flag_delta(true))
    }

    /// The whole value as a delta.
    pub(crate) fn full_delta(&self) -> CrdtDelta {
        flag_delta(self.value)
    }
}

fn flag_delta(value: bool) -> CrdtDelta {
    CrdtDelta {
        delta: Some(crdt_delta::Delta::Flag(FlagDelta { value })),
    }
}
