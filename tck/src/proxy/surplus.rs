//! Surplus messages: after a case, every message the proxy sent to the user function on a call opened
//! during the case must have been read by the case, so that a command, forward or side effect delivered
//! twice on a stream that is already open is seen (FWD-007). A case that checks only the start of a call
//! waives the rest.

use super::traffic::{CallEvent, CallProbe, Traffic};
use crate::case::{CaseFailure, Verdict};

impl CallProbe {
    /// Ends the case's reading of this call on purpose: whatever else the proxy sends on it (the rest of
    /// a call the case checked only the start of) is not a surplus.
    pub(crate) fn waive(self) {
        self.call.journal.waive(self.call.slot);
    }

    /// Fails when the proxy has sent, by now, a message on this call that nobody read: a surplus one
    /// (`what` says what the case expected instead). Other events that came are read and dropped.
    pub(crate) fn expect_nothing_more_sent(&mut self, what: &str) -> Verdict {
        for event in self.call.drain_now() {
            if let CallEvent::FromProxy(bytes) = event {
                return Err(CaseFailure::mismatch(
                    format!(
                        "{}: the proxy sent a message the TCK did not expect on this call",
                        self.label
                    ),
                    what.to_owned(),
                    format!(
                        "proxy -> user function {}",
                        crate::wire::render_pretty(self.names.0, &bytes)
                    ),
                ));
            }
        }
        Ok(())
    }
}

/// FWD-007 and the entity chapters' one-command-per-call rules: after the quiet window, every message the
/// proxy sent on a call opened during the case must have been read by the case; one more (a command
/// sent twice, a side effect made twice on a target's open stream) is a surplus.
pub(super) fn expect_no_surplus(traffic: &Traffic) -> Verdict {
    let unread = traffic.journal().unread_from_proxy();
    if unread.is_empty() {
        return Ok(());
    }
    Err(CaseFailure::fail(format!(
        "after the case, the proxy had sent the user function messages beyond those the case expected \
         (FWD-007: each command, forward and side effect reaches its target once):\n  {}",
        unread.join("\n  ")
    )))
}
