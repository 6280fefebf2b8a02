//! What the interceptor saw between the proxy and the user function: every call, and every message and
//! stream event of each call, in order. Proxy-mode cases read it with expectations that end at the case
//! deadline.

use std::sync::Arc;

use bytes::Bytes;
use tokio::sync::{Mutex, mpsc};
use tokio::time::Instant;

use super::control::Controls;
use super::journal::{Journal, JournalSlot};
use crate::case::{CaseFailure, Verdict};
use crate::messages::message_names;
use crate::wire::{Direction, Trace, WireMessage, render_compact};

/// One thing that happened on an intercepted call.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum CallEvent {
    /// A message from the proxy to the user function.
    FromProxy(Bytes),
    /// A message from the user function to the proxy.
    FromUserFunction(Bytes),
    /// The proxy half-closed its side.
    ProxyHalfClosed,
    /// The user function ended the call with this status (`None` is OK).
    Ended(Option<String>),
    /// The proxy cancelled the call (or its connection went away) before the end.
    ProxyCancelled,
}

/// A call the proxy made to the user function, as the interceptor relayed it.
#[derive(Debug)]
pub(crate) struct RecordedCall {
    /// The gRPC path, e.g. `/cloudstate.eventsourced.EventSourced/handle`.
    pub path: String,
    /// Which interceptor connection it came on.
    pub connection: u64,
    /// When the interceptor saw the call open.
    pub opened_at: std::time::Instant,
    events: mpsc::UnboundedReceiver<(std::time::Instant, CallEvent)>,
    pub(super) journal: Journal,
    pub(super) slot: JournalSlot,
}

/// Feeds a call record, stamping each event with the moment the interceptor saw it, and the journal.
#[derive(Debug, Clone)]
pub(super) struct EventSender {
    sender: mpsc::UnboundedSender<(std::time::Instant, CallEvent)>,
    journal: Journal,
    slot: JournalSlot,
}

impl EventSender {
    /// Records an event now; a record nobody reads any more is not an error.
    pub(super) fn send(&self, event: CallEvent) {
        self.journal.event(self.slot, &event);
        let _ = self.sender.send((std::time::Instant::now(), event));
    }
}

impl RecordedCall {
    /// The next event, or `None` at the deadline or when the call record is closed.
    pub(crate) async fn next_event_until(&mut self, deadline: Instant) -> Option<CallEvent> {
        tokio::time::timeout_at(deadline, self.recv())
            .await
            .ok()
            .flatten()
            .map(|(_, event)| event)
    }

    /// The next event and when it came, noted as read in the journal.
    async fn recv(&mut self) -> Option<(std::time::Instant, CallEvent)> {
        let next = self.events.recv().await;
        if next.is_some() {
            self.journal.read(self.slot);
        }
        next
    }

    /// The events that came already, without waiting, noted as read.
    pub(super) fn drain_now(&mut self) -> Vec<CallEvent> {
        let mut events = Vec::new();
        while let Ok((_, event)) = self.events.try_recv() {
            self.journal.read(self.slot);
            events.push(event);
        }
        events
    }
}

/// Creates a call record and the sender the interceptor feeds; the call is noted in `journal` too.
pub(super) fn recorded_call(
    path: String,
    connection: u64,
    journal: &Journal,
) -> (RecordedCall, EventSender) {
    let (sender, events) = mpsc::unbounded_channel();
    let opened_at = std::time::Instant::now();
    let slot = journal.open(&path);
    (
        RecordedCall {
            path,
            connection,
            opened_at,
            events,
            journal: journal.clone(),
            slot,
        },
        EventSender {
            sender,
            journal: journal.clone(),
            slot,
        },
    )
}

/// Every call the interceptor relayed, in the order the proxy made them.
#[derive(Debug, Clone)]
pub(crate) struct Traffic {
    calls: Arc<Mutex<mpsc::UnboundedReceiver<RecordedCall>>>,
    controls: Arc<Controls>,
    journal: Journal,
}

impl Traffic {
    /// A new record and the sender of new calls for the interceptor.
    pub(crate) fn new() -> (Traffic, mpsc::UnboundedSender<RecordedCall>) {
        let (sender, calls) = mpsc::unbounded_channel();
        (
            Traffic {
                calls: Arc::new(Mutex::new(calls)),
                controls: Arc::default(),
                journal: Journal::default(),
            },
            sender,
        )
    }

    /// The next call the proxy made, whatever it is, or `None` at the deadline.
    pub(crate) async fn next_call(&self, deadline: Instant) -> Option<RecordedCall> {
        let mut calls = self.calls.lock().await;
        tokio::time::timeout_at(deadline, calls.recv())
            .await
            .ok()
            .flatten()
    }

    /// The interventions the interceptor applies, armed by the running case.
    pub(super) fn controls(&self) -> Arc<Controls> {
        self.controls.clone()
    }

    /// Everything relayed since the last [`clear`](Self::clear), whether a case read it or not.
    pub(crate) fn journal(&self) -> &Journal {
        &self.journal
    }

    /// Drops every call recorded so far and every armed intervention (between cases).
    pub(crate) async fn clear(&self) -> Vec<String> {
        self.controls.clear();
        self.journal.clear();
        let mut calls = self.calls.lock().await;
        let mut dropped = Vec::new();
        while let Ok(call) = calls.try_recv() {
            dropped.push(call.path);
        }
        dropped
    }
}

/// A recorded call under expectation: messages are compared byte for byte, and every wait ends at the
/// case deadline.
#[derive(Debug)]
pub(crate) struct CallProbe {
    pub(super) call: RecordedCall,
    pub(super) label: String,
    trace: Trace,
    deadline: Instant,
    pub(super) names: (&'static str, &'static str),
}

impl CallProbe {
    /// Wraps a recorded call.
    pub(crate) fn new(call: RecordedCall, label: String, trace: Trace, deadline: Instant) -> Self {
        let names = message_names(&call.path).unwrap_or(("", ""));
        CallProbe {
            call,
            label,
            trace,
            deadline,
            names,
        }
    }

    /// The call's path.
    pub(crate) fn path(&self) -> &str {
        &self.call.path
    }

    /// The next event on the call, traced.
    pub(crate) async fn next_event(&mut self) -> Result<CallEvent, CaseFailure> {
        let event = tokio::time::timeout_at(self.deadline, self.call.recv()).await;
        let (at, event) = match event {
            Ok(Some(timed)) => timed,
            Ok(None) => (
                std::time::Instant::now(),
                CallEvent::Ended(Some("the interceptor lost the call".to_owned())),
            ),
            Err(_) => {
                return Err(CaseFailure::fail(format!(
                    "{}: nothing more happened on this call before the case deadline",
                    self.label
                )));
            }
        };
        let (direction, text) = match &event {
            CallEvent::FromProxy(bytes) => (
                Direction::Sent,
                format!(
                    "proxy -> user function {}",
                    render_compact(self.names.0, bytes)
                ),
            ),
            CallEvent::FromUserFunction(bytes) => (
                Direction::Received,
                format!(
                    "user function -> proxy {}",
                    render_compact(self.names.1, bytes)
                ),
            ),
            CallEvent::ProxyHalfClosed => (Direction::Event, "half-closed by the proxy".to_owned()),
            CallEvent::Ended(None) => (
                Direction::Event,
                "ended by the user function (status OK)".to_owned(),
            ),
            CallEvent::Ended(Some(status)) => (Direction::Event, format!("ended with {status}")),
            CallEvent::ProxyCancelled => (Direction::Event, "cancelled by the proxy".to_owned()),
        };
        // Traced at the moment the interceptor saw it, so the trace reads in wire order.
        self.trace.record_at(at, &self.label, direction, text);
        Ok(event)
    }

    /// Expects the next event to be this message from the proxy to the user function.
    pub(crate) async fn expect_from_proxy<M: WireMessage>(&mut self, expected: M) -> Verdict {
        match self.next_event().await? {
            CallEvent::FromProxy(bytes) => {
                self.compare("proxy -> user function", &expected, &bytes)
            }
            other => Err(self.unexpected("a message from the proxy", &expected.pretty(), &other)),
        }
    }

    /// Expects the proxy to send `sent` on this call and the user function to answer with `answer`.
    pub(crate) async fn expect_exchange<A: WireMessage, B: WireMessage>(
        &mut self,
        sent: A,
        answer: B,
    ) -> Verdict {
        self.expect_from_proxy(sent).await?;
        self.expect_from_user_function(answer).await
    }

    /// Expects the next event to be this message from the user function to the proxy.
    pub(crate) async fn expect_from_user_function<M: WireMessage>(
        &mut self,
        expected: M,
    ) -> Verdict {
        match self.next_event().await? {
            CallEvent::FromUserFunction(bytes) => {
                self.compare("user function -> proxy", &expected, &bytes)
            }
            other => Err(self.unexpected(
                "a message from the user function",
                &expected.pretty(),
                &other,
            )),
        }
    }

    /// The next message from the proxy, decoded, for cases that check only some fields.
    pub(crate) async fn recv_from_proxy<M: WireMessage>(&mut self) -> Result<M, CaseFailure> {
        match self.next_event().await? {
            CallEvent::FromProxy(bytes) => M::decode(bytes).map_err(|error| {
                CaseFailure::fail(format!(
                    "{}: the proxy sent a message that is not a {}: {error}",
                    self.label,
                    M::FULL_NAME
                ))
            }),
            other => Err(self.unexpected("a message from the proxy", M::FULL_NAME, &other)),
        }
    }

    /// The next message from the user function, decoded.
    pub(crate) async fn recv_from_user_function<M: WireMessage>(
        &mut self,
    ) -> Result<M, CaseFailure> {
        match self.next_event().await? {
            CallEvent::FromUserFunction(bytes) => M::decode(bytes).map_err(|error| {
                CaseFailure::fail(format!(
                    "{}: the user function sent a message that is not a {}: {error}",
                    self.label,
                    M::FULL_NAME
                ))
            }),
            other => Err(self.unexpected("a message from the user function", M::FULL_NAME, &other)),
        }
    }

    /// Expects the proxy to half-close its side next.
    pub(crate) async fn expect_proxy_half_close(&mut self) -> Verdict {
        match self.next_event().await? {
            CallEvent::ProxyHalfClosed => Ok(()),
            other => {
                Err(self.unexpected("the proxy to half-close the call", "(half-close)", &other))
            }
        }
    }

    /// Expects the call to end with status OK next.
    pub(crate) async fn expect_end(&mut self) -> Verdict {
        match self.next_event().await? {
            CallEvent::Ended(None) => Ok(()),
            other => {
                Err(self.unexpected("the call to end with status OK", "(end, status OK)", &other))
            }
        }
    }

    /// Expects the proxy to close the call (half-close, then the user function ends it), as on passivation.
    pub(crate) async fn expect_closed(&mut self) -> Verdict {
        loop {
            match self.next_event().await? {
                CallEvent::ProxyHalfClosed => {}
                CallEvent::Ended(None) | CallEvent::ProxyCancelled => return Ok(()),
                other => {
                    return Err(self.unexpected(
                        "the proxy to close the call",
                        "(half-close and end)",
                        &other,
                    ));
                }
            }
        }
    }

    fn compare<M: WireMessage>(&self, what: &str, expected: &M, bytes: &Bytes) -> Verdict {
        match M::decode(bytes.clone()) {
            Ok(actual) if actual == *expected => Ok(()),
            Ok(actual) => Err(CaseFailure::mismatch(
                format!(
                    "{}: the {what} message differs from the one expected",
                    self.label
                ),
                expected.pretty(),
                actual.pretty(),
            )),
            Err(error) => Err(CaseFailure::mismatch(
                format!(
                    "{}: the {what} message does not decode as {}: {error}",
                    self.label,
                    M::FULL_NAME
                ),
                expected.pretty(),
                format!("0x{}", crate::wire::hex(bytes)),
            )),
        }
    }

    fn unexpected(&self, wanted: &str, expected: &str, event: &CallEvent) -> CaseFailure {
        let actual = match event {
            CallEvent::FromProxy(bytes) => format!(
                "proxy -> user function {}",
                crate::wire::render_pretty(self.names.0, bytes)
            ),
            CallEvent::FromUserFunction(bytes) => {
                format!(
                    "user function -> proxy {}",
                    crate::wire::render_pretty(self.names.1, bytes)
                )
            }
            other => format!("{other:?}"),
        };
        CaseFailure::mismatch(
            format!("{}: expected {wanted}", self.label),
            expected.to_owned(),
            actual,
        )
    }
}
