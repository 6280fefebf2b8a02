//! Everything the interceptor relayed during a case, kept apart from what the case read: when a case
//! ends because something never came, the journal shows where the exchange between the proxy and the
//! user function stopped (which calls were opened, what went each way, what is still unanswered).

use std::fmt::Write as _;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Instant;

use bytes::Bytes;

use super::traffic::CallEvent;
use crate::messages::message_names;
use crate::wire::render_compact;

/// The paths of the discovery service, whose calls carry no command.
const DISCOVERY: &str = "/cloudstate.EntityDiscovery/";

/// How many events of one call the summary shows; the rest are counted.
const EVENTS_SHOWN: usize = 12;

/// One relayed call and its events so far.
#[derive(Debug, Clone)]
struct JournalCall {
    path: String,
    opened_at: Instant,
    events: Vec<CallEvent>,
    /// How many of `events` a case has read, in order.
    read: usize,
}

/// The calls of the current generation (the journal starts a new one when it is cleared).
#[derive(Debug, Default)]
struct Calls {
    generation: u64,
    calls: Vec<JournalCall>,
}

/// Where a call's events go: its generation and its place in it.
#[derive(Debug, Clone, Copy)]
pub(super) struct JournalSlot {
    generation: u64,
    index: usize,
}

/// The shared journal: the interceptor writes, the executor clears it before each case and reads it
/// after a case that ran out of time.
#[derive(Debug, Clone, Default)]
pub(crate) struct Journal(Arc<Mutex<Calls>>);

impl Journal {
    /// Notes a new call; returns where its events go.
    pub(super) fn open(&self, path: &str) -> JournalSlot {
        let mut calls = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        calls.calls.push(JournalCall {
            path: path.to_owned(),
            opened_at: Instant::now(),
            events: Vec::new(),
            read: 0,
        });
        JournalSlot {
            generation: calls.generation,
            index: calls.calls.len() - 1,
        }
    }

    /// Notes an event of a call; dropped when the call was opened before the journal was last cleared.
    pub(super) fn event(&self, slot: JournalSlot, event: &CallEvent) {
        let mut calls = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        if calls.generation != slot.generation {
            return;
        }
        if let Some(call) = calls.calls.get_mut(slot.index) {
            call.events.push(event.clone());
        }
    }

    /// Notes that a case read the next event of a call (events are read in the order they came).
    pub(super) fn read(&self, slot: JournalSlot) {
        let mut calls = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        if calls.generation != slot.generation {
            return;
        }
        if let Some(call) = calls.calls.get_mut(slot.index) {
            call.read = call.read.saturating_add(1);
        }
    }

    /// Notes that a case reads no more of a call, on purpose: whatever else came or comes on it is not
    /// a surplus.
    pub(super) fn waive(&self, slot: JournalSlot) {
        let mut calls = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        if calls.generation != slot.generation {
            return;
        }
        if let Some(call) = calls.calls.get_mut(slot.index) {
            call.read = usize::MAX;
        }
    }

    /// The messages the proxy sent to the user function since the journal was last cleared that no
    /// case read: one line per call that has any, naming the call and the first such message. A
    /// restarted proxy's `discover` call is not counted.
    pub(crate) fn unread_from_proxy(&self) -> Vec<String> {
        let calls = &self.0.lock().unwrap_or_else(PoisonError::into_inner).calls;
        let mut lines = Vec::new();
        for (index, call) in calls.iter().enumerate() {
            if call.path.starts_with(DISCOVERY) {
                continue;
            }
            let unread: Vec<&Bytes> = call
                .events
                .iter()
                .skip(call.read)
                .filter_map(|event| match event {
                    CallEvent::FromProxy(bytes) => Some(bytes),
                    _ => None,
                })
                .collect();
            let Some(first) = unread.first() else {
                continue;
            };
            let method = call.path.trim_start_matches("/cloudstate.");
            let (input, _) = message_names(&call.path).unwrap_or(("", ""));
            lines.push(format!(
                "call {} {method}: {} more message(s) from the proxy after the {} the case expected, \
                 the first {}",
                index + 1,
                unread.len(),
                call.read,
                render_compact(input, first)
            ));
        }
        lines
    }

    /// Forgets everything (before a case); calls opened earlier no longer write to it.
    pub(crate) fn clear(&self) {
        let mut calls = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        calls.generation += 1;
        calls.calls.clear();
    }

    /// What the interceptor saw since the journal was last cleared, as lines for a failure message.
    pub(crate) fn summary(&self, since: Instant) -> String {
        let calls = &self.0.lock().unwrap_or_else(PoisonError::into_inner).calls;
        let mut out = String::new();
        if calls.is_empty() {
            out.push_str(
                "the interceptor saw no call from the proxy to the user function during this case",
            );
            return out;
        }
        out.push_str("what the interceptor relayed between the proxy and the user function:");
        for (index, call) in calls.iter().enumerate() {
            let method = call.path.trim_start_matches("/cloudstate.");
            let at = call.opened_at.saturating_duration_since(since);
            let _ = write!(
                out,
                "\n  call {} {method}, opened at {:.1} ms:",
                index + 1,
                at.as_secs_f64() * 1000.0
            );
            let (input, output) = message_names(&call.path).unwrap_or(("", ""));
            for event in call.events.iter().take(EVENTS_SHOWN) {
                let _ = write!(out, "\n    {}", describe(event, input, output));
            }
            if call.events.len() > EVENTS_SHOWN {
                let _ = write!(
                    out,
                    "\n    … and {} more events",
                    call.events.len() - EVENTS_SHOWN
                );
            }
            let _ = write!(out, "\n    {}", state(&call.events));
        }
        out
    }
}

fn describe(event: &CallEvent, input: &str, output: &str) -> String {
    match event {
        CallEvent::FromProxy(bytes) => {
            format!("proxy -> user function {}", render_compact(input, bytes))
        }
        CallEvent::FromUserFunction(bytes) => {
            format!("user function -> proxy {}", render_compact(output, bytes))
        }
        CallEvent::ProxyHalfClosed => "half-closed by the proxy".to_owned(),
        CallEvent::Ended(None) => "ended by the user function (status OK)".to_owned(),
        CallEvent::Ended(Some(status)) => format!("ended with {status}"),
        CallEvent::ProxyCancelled => "cancelled by the proxy".to_owned(),
    }
}

/// Where the call stands after `events`.
fn state(events: &[CallEvent]) -> &'static str {
    let ended = events
        .iter()
        .any(|event| matches!(event, CallEvent::Ended(_) | CallEvent::ProxyCancelled));
    if ended {
        return "(ended)";
    }
    match events.iter().rev().find(|event| {
        matches!(
            event,
            CallEvent::FromProxy(_) | CallEvent::FromUserFunction(_)
        )
    }) {
        None => "(still open: nothing sent either way yet)",
        Some(CallEvent::FromProxy(_)) => {
            "(still open; nothing came back after the proxy's last message)"
        }
        Some(_) => "(still open: the last message came from the user function)",
    }
}

#[cfg(test)]
mod tests {
    use bytes::Bytes;

    use super::*;

    #[test]
    fn an_unanswered_call_says_who_is_waiting() {
        let journal = Journal::default();
        let started = Instant::now();
        assert!(journal.summary(started).contains("no call"));
        let call = journal.open("/cloudstate.valueentity.ValueEntity/handle");
        journal.event(call, &CallEvent::FromProxy(Bytes::new()));
        let summary = journal.summary(started);
        assert!(
            summary.contains("call 1 valueentity.ValueEntity/handle"),
            "{summary}"
        );
        assert!(summary.contains("proxy -> user function {}"), "{summary}");
        assert!(summary.contains("nothing came back"), "{summary}");
        journal.event(call, &CallEvent::Ended(None));
        assert!(journal.summary(started).contains("(ended)"));
        journal.clear();
        journal.event(call, &CallEvent::ProxyHalfClosed);
        assert!(journal.summary(started).contains("no call"));
    }
}
