//! [`LwwRegister`]: a last-write-wins register holding a string.

use cloudstate_protocol::cloudstate::crdt::{CrdtClock, CrdtDelta, LwwRegisterDelta, crdt_delta};

use super::value::{decode_string, encode_string, wrong_delta};

/// A last-write-wins register holding a string, with the clock of its last write.
///
/// A locally created register starts as `""` and reports that creation as a delta, as the catalog
/// requires. Any pending local write is reported as the whole current value and clock.
#[derive(Debug, Clone)]
pub(crate) struct LwwRegister {
    value: String,
    clock: CrdtClock,
    custom_clock_value: i64,
    pending: bool,
}

impl LwwRegister {
    /// A new, locally created register: `""` with the default clock and a pending creation delta.
    pub(crate) fn new() -> Self {
        Self {
            value: String::new(),
            clock: CrdtClock::Default,
            custom_clock_value: 0,
            pending: true,
        }
    }

    /// The current value.
    pub(crate) fn value(&self) -> &str {
        &self.value
    }

    /// The clock of the last write, and its custom clock value.
    #[cfg(test)]
    pub(crate) fn clock(&self) -> (CrdtClock, i64) {
        (self.clock, self.custom_clock_value)
    }

    /// Writes a value with a clock. Writing the current value with the default clock changes nothing; any
    /// other write (a new value, or any non-default clock) is reported, since the clock orders it.
    pub(crate) fn set(&mut self, value: &str, clock: CrdtClock, custom_clock_value: i64) {
        if self.value == value && clock == CrdtClock::Default {
            return;
        }
        self.write(value, clock, custom_clock_value);
    }

    /// Writes a value with a clock and reports the write whatever it changes (the variant
    /// `register-rewrite-reported`, as the JavaScript and Go SDKs do).
    pub(crate) fn write(&mut self, value: &str, clock: CrdtClock, custom_clock_value: i64) {
        value.clone_into(&mut self.value);
        self.clock = clock;
        self.custom_clock_value = custom_clock_value;
        self.pending = true;
    }

    /// Applies a received `LWWRegisterDelta`: it replaces the value and clock. It also drops a pending
    /// creation: the proxy only sends deltas once it knows the user function's state.
    pub(crate) fn apply_delta(&mut self, delta: &CrdtDelta) -> Result<(), String> {
        match &delta.delta {
            Some(crdt_delta::Delta::Lwwregister(d)) => {
                let value = match &d.value {
                    Some(any) => decode_string(any)?,
                    None => String::new(),
                };
                let clock = CrdtClock::try_from(d.clock)
                    .map_err(|_| format!("unknown CRDT clock {}", d.clock))?;
                self.value = value;
                self.clock = clock;
                self.custom_clock_value = d.custom_clock_value;
                self.pending = false;
                Ok(())
            }
            _ => Err(wrong_delta("LWWRegister", delta)),
        }
    }

    /// The current value and clock if written (or created) since the last take.
    pub(crate) fn take_delta(&mut self) -> Option<CrdtDelta> {
        std::mem::take(&mut self.pending).then(|| self.full_delta())
    }

    /// The whole value, with its clock, as a delta.
    pub(crate) fn full_delta(&self) -> CrdtDelta {
        CrdtDelta {
            delta: Some(crdt_delta::Delta::Lwwregister(LwwRegisterDelta {
                value: Some(encode_string(&self.value)),
                clock: self.clock.into(),
                custom_clock_value: self.custom_clock_value,
            })),
        }
    }
}
