//! The wire trace of a case: every message and stream event, in order, as people read it.

use std::fmt::Write as _;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use serde::Serialize;

/// Which way a traced item went.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub(crate) enum Direction {
    /// From the TCK to the target.
    Sent,
    /// From the target to the TCK.
    Received,
    /// Not a message: a stream opened, half-closed, ended or failed.
    Event,
}

impl Direction {
    fn arrow(self) -> &'static str {
        match self {
            Direction::Sent => "->",
            Direction::Received => "<-",
            Direction::Event => "--",
        }
    }
}

/// One traced item.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub(crate) struct TraceEntry {
    /// Time since the case started.
    #[serde(serialize_with = "serialize_millis", rename = "at_ms")]
    pub at: Duration,
    /// The stream or call it belongs to, e.g. `EventSourced.handle#1`.
    pub stream: String,
    /// Which way it went.
    pub direction: Direction,
    /// The message as one line of JSON, or a description of the event.
    pub text: String,
}

fn serialize_millis<S: serde::Serializer>(at: &Duration, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.serialize_f64(at.as_secs_f64() * 1000.0)
}

/// A shared, append-only trace. Clones append to the same trace.
#[derive(Debug, Clone)]
pub(crate) struct Trace {
    inner: Arc<Mutex<TraceInner>>,
}

#[derive(Debug)]
struct TraceInner {
    started: Instant,
    entries: Vec<TraceEntry>,
}

impl Default for Trace {
    fn default() -> Self {
        Trace::new()
    }
}

impl Trace {
    /// An empty trace whose clock starts now.
    pub(crate) fn new() -> Self {
        Trace {
            inner: Arc::new(Mutex::new(TraceInner {
                started: Instant::now(),
                entries: Vec::new(),
            })),
        }
    }

    /// Appends an item that happens now.
    pub(crate) fn record(&self, stream: &str, direction: Direction, text: impl Into<String>) {
        self.record_at(Instant::now(), stream, direction, text);
    }

    /// Appends an item that happened at `when` (observed earlier, traced now); entries read in time
    /// order.
    pub(crate) fn record_at(
        &self,
        when: Instant,
        stream: &str,
        direction: Direction,
        text: impl Into<String>,
    ) {
        let mut inner = self.inner.lock().unwrap_or_else(PoisonError::into_inner);
        let at = when.saturating_duration_since(inner.started);
        inner.entries.push(TraceEntry {
            at,
            stream: stream.to_owned(),
            direction,
            text: text.into(),
        });
    }

    /// A copy of every item so far, in time order (items of one moment in the order traced).
    pub(crate) fn entries(&self) -> Vec<TraceEntry> {
        let mut entries = self
            .inner
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .entries
            .clone();
        entries.sort_by_key(|entry| entry.at);
        entries
    }
}

/// Renders entries as text, one line each: time, stream, direction and content.
pub(crate) fn format_trace(entries: &[TraceEntry]) -> String {
    let mut out = String::new();
    for entry in entries {
        let _ = writeln!(
            out,
            "{:>9.3}ms {} {} {}",
            entry.at.as_secs_f64() * 1000.0,
            entry.stream,
            entry.direction.arrow(),
            entry.text
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clones_share_one_trace() {
        let trace = Trace::new();
        trace
            .clone()
            .record("EventSourced.handle#1", Direction::Sent, "{}");
        trace.record(
            "EventSourced.handle#1",
            Direction::Event,
            "half-closed by the TCK",
        );
        let entries = trace.entries();
        assert_eq!(entries.len(), 2);
        let text = format_trace(&entries);
        assert!(text.contains("EventSourced.handle#1 -> {}"), "{text}");
        assert!(
            text.contains("EventSourced.handle#1 -- half-closed by the TCK"),
            "{text}"
        );
    }
}
