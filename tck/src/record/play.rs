//! Playing one recorded stream against a user function: the proxy's messages are sent, half-closes and
//! cancels done, and the user function's messages and end checked, in the recorded order. Times are
//! not replayed: each step waits for the one before it, and every wait ends at the case deadline.

use std::str::FromStr as _;
use std::sync::Arc;

use bytes::Bytes;
use tokio::sync::mpsc;
use tokio::task::JoinHandle;
use tokio::time::Instant;
use tokio_stream::wrappers::UnboundedReceiverStream;
use tonic::codegen::http::uri::PathAndQuery;
use tonic::transport::Channel;
use tonic::{Code, Status};

use super::compare::compare;
use super::replay::{PreparedStream, Step};
use super::transcript::code_name;
use crate::case::{CaseFailure, Verdict};
use crate::wire::{Direction, Trace};
use cloudstate_protocol::RawCodec;

/// What the call task reports.
#[derive(Debug)]
enum Item {
    Message(Bytes),
    End(Option<Status>),
}

/// Plays `stream` against the user function behind `channel`.
pub(super) async fn play(
    channel: Channel,
    stream: Arc<PreparedStream>,
    trace: Trace,
    deadline: Instant,
) -> Verdict {
    let mut call = Call::open(channel, &stream, trace);
    for (index, step) in stream.steps.iter().enumerate() {
        match step {
            Step::Send(bytes) => call.send(bytes.clone()),
            Step::HalfClose => call.half_close(),
            Step::Cancel => {
                call.cancel();
                return Ok(());
            }
            Step::Expect(expected) => {
                let at = format!("{}, event {index} (user function -> proxy)", stream.name);
                let render = || stream.pretty(stream.messages.1, expected);
                match call.next(deadline).await {
                    Some(Item::Message(actual)) => {
                        compare(&stream.codec, stream.messages.1, expected, &actual).map_err(
                            |mismatch| {
                                CaseFailure::mismatch(
                                    format!(
                                        "{at}: the message differs from the recorded one \
                                         (compared {})",
                                        mismatch.rule
                                    ),
                                    mismatch.expected,
                                    mismatch.actual,
                                )
                            },
                        )?;
                    }
                    Some(Item::End(status)) => {
                        return Err(ended(
                            &at,
                            "a message was recorded",
                            render(),
                            status.as_ref(),
                        ));
                    }
                    None => return Err(silent(&at, "a message", render())),
                }
            }
            Step::End(code) => {
                let at = format!("{}, event {index} (end of the call)", stream.name);
                let expected = format!("(end, status {})", code_name(*code));
                match call.next(deadline).await {
                    Some(Item::End(status)) => {
                        let actual = status.as_ref().map_or(Code::Ok, Status::code);
                        if actual != *code {
                            return Err(ended(
                                &at,
                                &format!("status {} was recorded", code_name(*code)),
                                expected,
                                status.as_ref(),
                            ));
                        }
                    }
                    Some(Item::Message(actual)) => {
                        return Err(CaseFailure::mismatch(
                            format!("{at}: the user function sent a message where the call ended"),
                            expected,
                            stream.pretty(stream.messages.1, &actual),
                        ));
                    }
                    None => return Err(silent(&at, "the end of the call", expected)),
                }
            }
        }
    }
    // A stream still open when recording stopped is cancelled when `call` drops.
    Ok(())
}

fn ended(at: &str, recorded: &str, expected: String, status: Option<&Status>) -> CaseFailure {
    let actual = match status {
        None => "(end, status OK)".to_owned(),
        Some(status) => format!(
            "(end, status {}: {})",
            code_name(status.code()),
            status.message()
        ),
    };
    let message = format!("{at}: the call ended with {actual} where {recorded}");
    match status {
        Some(status) if status.code() == Code::Unavailable => CaseFailure::error(message),
        _ => CaseFailure::mismatch(message, expected, actual),
    }
}

fn silent(at: &str, what: &str, expected: String) -> CaseFailure {
    CaseFailure::mismatch(
        format!("{at}: the user function sent nothing before the case deadline (expected {what})"),
        expected,
        "(nothing)".to_owned(),
    )
}

impl PreparedStream {
    fn pretty(&self, full_name: &str, bytes: &[u8]) -> String {
        let json = self.codec.to_json(full_name, bytes);
        serde_json::to_string_pretty(&json).unwrap_or_else(|_| json.to_string())
    }

    fn compact(&self, full_name: &str, bytes: &[u8]) -> String {
        self.codec.to_json(full_name, bytes).to_string()
    }
}

/// The call in progress, run in its own task so that nothing waits for response headers before the
/// first message goes out. Dropping it cancels the call.
struct Call<'a> {
    stream: &'a PreparedStream,
    trace: Trace,
    requests: Option<mpsc::UnboundedSender<Bytes>>,
    items: mpsc::UnboundedReceiver<Item>,
    task: JoinHandle<()>,
    ended: bool,
}

impl<'a> Call<'a> {
    fn open(channel: Channel, stream: &'a PreparedStream, trace: Trace) -> Call<'a> {
        let (requests, request_stream) = mpsc::unbounded_channel::<Bytes>();
        let (sender, items) = mpsc::unbounded_channel();
        let path = stream.path.clone();
        trace.record(&stream.label, Direction::Event, "call opened");
        let task = tokio::spawn(async move {
            let end = |status: Status| {
                let _ = sender.send(Item::End(Some(status)));
            };
            let Ok(path) = PathAndQuery::from_str(&path) else {
                return end(Status::internal(format!("bad path {path}")));
            };
            let mut client = tonic::client::Grpc::new(channel);
            if let Err(error) = client.ready().await {
                return end(Status::unavailable(format!(
                    "the user function is unreachable: {error}"
                )));
            }
            let request = tonic::Request::new(UnboundedReceiverStream::new(request_stream));
            let mut responses = match client.streaming(request, path, RawCodec).await {
                Ok(response) => response.into_inner(),
                Err(status) => return end(status),
            };
            loop {
                let item = match responses.message().await {
                    Ok(Some(message)) => Item::Message(message),
                    Ok(None) => Item::End(None),
                    Err(status) => Item::End(Some(status)),
                };
                let last = matches!(item, Item::End(_));
                if sender.send(item).is_err() || last {
                    break;
                }
            }
        });
        Call {
            stream,
            trace,
            requests: Some(requests),
            items,
            task,
            ended: false,
        }
    }

    fn send(&mut self, bytes: Bytes) {
        let text = self.stream.compact(self.stream.messages.0, &bytes);
        self.trace.record(&self.stream.label, Direction::Sent, text);
        if let Some(requests) = &self.requests {
            let _ = requests.send(bytes);
        }
    }

    fn half_close(&mut self) {
        if self.requests.take().is_some() {
            self.trace.record(
                &self.stream.label,
                Direction::Event,
                "half-closed by the TCK",
            );
        }
    }

    fn cancel(&mut self) {
        self.task.abort();
        self.ended = true;
        self.trace
            .record(&self.stream.label, Direction::Event, "cancelled by the TCK");
    }

    /// The next item, traced; `None` at the deadline.
    async fn next(&mut self, deadline: Instant) -> Option<Item> {
        if self.ended {
            return Some(Item::End(None));
        }
        let item = match tokio::time::timeout_at(deadline, self.items.recv()).await {
            Ok(Some(item)) => item,
            Ok(None) => Item::End(Some(Status::unknown("the call task ended"))),
            Err(_) => {
                self.trace.record(
                    &self.stream.label,
                    Direction::Event,
                    "nothing received before the case deadline",
                );
                return None;
            }
        };
        match &item {
            Item::Message(bytes) => {
                let text = self.stream.compact(self.stream.messages.1, bytes);
                self.trace
                    .record(&self.stream.label, Direction::Received, text);
            }
            Item::End(status) => {
                self.ended = true;
                let text = match status {
                    None => "ended by the target (status OK)".to_owned(),
                    Some(status) => format!(
                        "ended with status {}: {}",
                        code_name(status.code()),
                        status.message()
                    ),
                };
                self.trace
                    .record(&self.stream.label, Direction::Event, text);
            }
        }
        Some(item)
    }
}

impl Drop for Call<'_> {
    fn drop(&mut self) {
        self.task.abort();
    }
}
