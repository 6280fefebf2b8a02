//! One protocol call from the TCK (as proxy) to the user function, seen as a sequence of messages.
//!
//! The call runs in its own task, so that nothing waits for response headers before the first message is
//! sent (some servers send headers only with their first reply). Messages the TCK sends and receives are
//! recorded in the case's trace. Every wait ends at the case deadline.

use std::future::Future;

use futures::StreamExt as _;
use tokio::sync::mpsc;
use tokio::task::JoinHandle;
use tokio::time::Instant;
use tokio_stream::wrappers::UnboundedReceiverStream;
use tonic::{Response, Status, Streaming};

use crate::case::CaseFailure;
use crate::session::{SentStatus, not_sent_by_target};
use crate::wire::{Direction, Trace, WireMessage};

mod close_wait;
mod expect;
mod next;

pub(crate) use close_wait::{CloseWait, DEFAULT_CLOSE_WAIT};
pub(crate) use next::Next;

/// What the call task reports.
enum Item<O> {
    Message(O),
    End,
    /// The target ended the call with this status (it came over the wire).
    Status(Status),
    /// The call cannot go on: the TCK's client gave up (a status the target did not send), or the target
    /// broke the shape of the call (a second message on a unary call).
    Broken(CaseFailure),
}

/// How many messages the target may answer on a call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Answers {
    /// Exactly one (a unary or client-streaming method).
    One,
    /// Any number (a server-streaming or bidirectional method).
    Many,
}

/// A protocol call in progress: requests go in with [`send`](Self::send), responses come out with
/// [`recv`](Self::recv) and [`expect`](Self::expect).
#[derive(Debug)]
pub(crate) struct ProtocolStream<I, O> {
    label: String,
    sender: Option<mpsc::UnboundedSender<I>>,
    items: mpsc::UnboundedReceiver<Item<O>>,
    task: JoinHandle<()>,
    trace: Trace,
    deadline: Instant,
    /// How long a wait for the end of the call may take, once nothing else is expected.
    close_wait: CloseWait,
    ended: bool,
}

impl<O> std::fmt::Debug for Item<O> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Item::Message(_) => f.write_str("Message"),
            Item::End => f.write_str("End"),
            Item::Status(status) => write!(f, "Status({status:?})"),
            Item::Broken(failure) => write!(f, "Broken({})", failure.message),
        }
    }
}

impl<I: WireMessage, O: WireMessage> ProtocolStream<I, O> {
    /// Starts a call whose response is a stream of messages; `answers` says how many the method may
    /// send. The call must carry `sent` in its request (see [`SentStatus::attach`]), so that a status
    /// the target did not send is told apart.
    ///
    /// A method that answers one message is still read as a stream: a target that sends more is then
    /// seen at its second message, instead of the TCK's client draining an endless stream unseen.
    pub(crate) fn streaming<F, Fut>(
        label: String,
        trace: Trace,
        deadline: Instant,
        (sent, answers): (SentStatus, Answers),
        call: F,
    ) -> Self
    where
        F: FnOnce(UnboundedReceiverStream<I>) -> Fut + Send + 'static,
        Fut: Future<Output = Result<Response<Streaming<O>>, Status>> + Send + 'static,
    {
        Self::start(label, trace, deadline, move |requests, items| async move {
            let ended = |status: Status| {
                if sent.came_from_target(&status) {
                    Item::Status(status)
                } else {
                    Item::Broken(not_sent_by_target(&status))
                }
            };
            let mut responses = match call(requests).await {
                Err(status) => {
                    let _ = items.send(ended(status));
                    return;
                }
                Ok(response) => response.into_inner(),
            };
            let mut received = 0_u64;
            loop {
                let item = match responses.next().await {
                    Some(Ok(_)) if answers == Answers::One && received == 1 => {
                        Item::Broken(CaseFailure::fail(
                            "the target sent a second message on a call whose method answers \
                             exactly one",
                        ))
                    }
                    Some(Ok(message)) => Item::Message(message),
                    Some(Err(status)) => ended(status),
                    None => Item::End,
                };
                received += 1;
                let last = !matches!(item, Item::Message(_));
                if items.send(item).is_err() || last {
                    break;
                }
            }
        })
    }

    fn start<F, Fut>(label: String, trace: Trace, deadline: Instant, body: F) -> Self
    where
        F: FnOnce(UnboundedReceiverStream<I>, mpsc::UnboundedSender<Item<O>>) -> Fut
            + Send
            + 'static,
        Fut: Future<Output = ()> + Send + 'static,
    {
        let (sender, requests) = mpsc::unbounded_channel();
        let (item_sender, items) = mpsc::unbounded_channel();
        trace.record(&label, Direction::Event, "call opened");
        let task = tokio::spawn(body(UnboundedReceiverStream::new(requests), item_sender));
        ProtocolStream {
            label,
            sender: Some(sender),
            items,
            task,
            trace,
            deadline,
            close_wait: CloseWait::default(),
            ended: false,
        }
    }

    /// This call, waiting as `close_wait` says for its end once nothing else is expected.
    pub(crate) fn with_close_wait(mut self, close_wait: CloseWait) -> Self {
        self.close_wait = close_wait;
        self
    }

    /// When a wait for the end of the call gives up: after the close wait, or at the case deadline.
    fn close_deadline(&self) -> Instant {
        std::cmp::min(Instant::now() + self.close_wait.current(), self.deadline)
    }

    /// The next item where the call should end, within the close wait; a miss is counted.
    async fn next_item_closing(&mut self, failure: &str) -> Result<Item<O>, CaseFailure> {
        let until = self.close_deadline();
        let waited = until.saturating_duration_since(Instant::now()).as_millis();
        let note = self.close_wait.note();
        let item = self
            .next_item_until(
                until,
                &format!("still open {waited} ms later"),
                &format!(
                    "{failure} within {waited} ms (--close-timeout-ms), where nothing more was \
                     expected{note}"
                ),
            )
            .await;
        match &item {
            Ok(_) => self.close_wait.answered(),
            // A call that broke off before the wait ended was not left open.
            Err(_) if Instant::now() >= until => self.close_wait.missed(),
            Err(_) => {}
        }
        item
    }

    /// Drops the request side without a trace entry: for calls whose one request was sent inline.
    pub(crate) fn without_input(mut self) -> Self {
        self.sender = None;
        self
    }

    /// The stream's name in traces and messages, e.g. `EventSourced.handle#1`.
    pub(crate) fn label(&self) -> &str {
        &self.label
    }

    /// Sends a message to the target. Sending on a call that has ended is not an error here: the next
    /// expectation reports how the call ended.
    pub(crate) fn send(&mut self, message: I) {
        self.trace
            .record(&self.label, Direction::Sent, trace_text(&message));
        if let Some(sender) = &self.sender {
            let _ = sender.send(message);
        }
    }

    /// Sends many messages at once, recorded in the trace as one entry, `summary`: for long replays.
    pub(crate) fn send_all(&mut self, messages: impl IntoIterator<Item = I>, summary: &str) {
        self.trace.record(&self.label, Direction::Sent, summary);
        if let Some(sender) = &self.sender {
            for message in messages {
                let _ = sender.send(message);
            }
        }
    }

    /// Half-closes the request side: the target sees the end of its input stream.
    pub(crate) fn half_close(&mut self) {
        if self.sender.take().is_some() {
            self.trace
                .record(&self.label, Direction::Event, "half-closed by the TCK");
        }
    }

    /// The target's next item before the case deadline. Silence until then is recorded in the trace as
    /// `silence` and fails the case with `failure`.
    async fn next_item(&mut self, silence: &str, failure: &str) -> Result<Item<O>, CaseFailure> {
        self.next_item_until(self.deadline, silence, failure).await
    }

    /// The target's next item before `until`; silence until then is recorded as `silence` and fails the
    /// case with `failure`.
    async fn next_item_until(
        &mut self,
        until: Instant,
        silence: &str,
        failure: &str,
    ) -> Result<Item<O>, CaseFailure> {
        match tokio::time::timeout_at(until, self.items.recv()).await {
            Ok(Some(Item::Broken(broken))) => Err(self.broken(broken)),
            Ok(Some(item)) => Ok(item),
            Ok(None) => Ok(Item::End),
            Err(_) => {
                self.trace.record(&self.label, Direction::Event, silence);
                Err(CaseFailure::fail(format!("{}: {failure}", self.label)))
            }
        }
    }

    /// Records a broken call in the trace, and its failure with the call's name.
    fn broken(&mut self, mut failure: CaseFailure) -> CaseFailure {
        self.ended = true;
        self.trace
            .record(&self.label, Direction::Event, &failure.message);
        failure.message = format!("{}: {}", self.label, failure.message);
        failure
    }

    /// Records a message from the target in the trace.
    fn received(&self, message: &O) {
        self.trace
            .record(&self.label, Direction::Received, trace_text(message));
    }

    /// Records that the target ended the call with status OK.
    fn ended_ok(&mut self) {
        self.ended = true;
        self.trace.record(
            &self.label,
            Direction::Event,
            "ended by the target (status OK)",
        );
    }

    fn failed_with(&mut self, status: &Status, expectation: &str) -> CaseFailure {
        self.ended = true;
        let description = format!("gRPC status {:?}: {}", status.code(), status.message());
        self.trace.record(
            &self.label,
            Direction::Event,
            format!("failed with {description}"),
        );
        CaseFailure::fail(format!(
            "{}: the target ended the call with {description}, where {expectation}",
            self.label
        ))
    }
}

/// Messages larger than this many bytes are traced by their size, not their content.
const TRACED_BYTES: usize = 64 * 1024;

/// How a message appears in the trace: its compact JSON, or for a message over [`TRACED_BYTES`] its name
/// and size (rendering megabytes as JSON would cost more than the case).
pub(crate) fn trace_text<M: WireMessage>(message: &M) -> String {
    let size = message.encoded_len();
    if size > TRACED_BYTES {
        format!("{} of {size} bytes (too large to show)", M::FULL_NAME)
    } else {
        message.compact()
    }
}

impl<I, O> Drop for ProtocolStream<I, O> {
    fn drop(&mut self) {
        // Dropping the call cancels it on the wire (RST_STREAM), as a proxy does when it gives up.
        self.task.abort();
    }
}
