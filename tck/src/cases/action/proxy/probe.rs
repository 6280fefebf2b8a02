//! Watching both sides of an action call.
//!
//! [`ActionCall`] reads one `ActionProtocol` call the proxy made, as the interceptor recorded it, with
//! each direction checked in its own order: what the proxy sent (commands, then its half-close) and what
//! the user function answered (responses, then the end of the call). How the two directions interleave
//! depends on timing, so it is not checked, as in the original TCK, whose interceptor had one probe per
//! direction. Commands and responses are compared with their metadata removed.
//!
//! The `client_*` functions read what the client of the proxy gets on a response stream, traced and
//! bounded by the case deadline.

use std::collections::VecDeque;

use cloudstate_protocol::cloudstate::action::{ActionCommand, ActionResponse};
use cloudstate_protocol::cloudstate::tck::model::action::Response;
use prost::Message as _;
use tonic::{Code, Status, Streaming};

use crate::case::{CaseFailure, Verdict};
use crate::messages::action::{without_metadata_command, without_metadata_response};
use crate::proxy::{CallEvent, CallProbe, ProxyCx};
use crate::wire::{Direction, WireMessage, render_pretty};

/// `ActionProtocol`'s path prefix.
const PROTOCOL: &str = "/cloudstate.action.ActionProtocol/";

/// One `ActionProtocol` call, read one direction at a time.
#[derive(Debug)]
pub(super) struct ActionCall {
    probe: CallProbe,
    /// Proxy-side events read while looking for a user-function event, and the other way round.
    from_proxy: VecDeque<CallEvent>,
    from_user_function: VecDeque<CallEvent>,
}

impl ActionCall {
    /// The next call the proxy makes to the user function, which must be `ActionProtocol/<method>`.
    pub(super) async fn expect(cx: &ProxyCx, method: &str) -> Result<ActionCall, CaseFailure> {
        let probe = cx.expect_call(&format!("{PROTOCOL}{method}")).await?;
        Ok(ActionCall {
            probe,
            from_proxy: VecDeque::new(),
            from_user_function: VecDeque::new(),
        })
    }

    /// The next event of one direction.
    async fn next(&mut self, proxy_side: bool) -> Result<CallEvent, CaseFailure> {
        loop {
            let queue = if proxy_side {
                &mut self.from_proxy
            } else {
                &mut self.from_user_function
            };
            if let Some(event) = queue.pop_front() {
                return Ok(event);
            }
            let event = self.probe.next_event().await?;
            match event {
                CallEvent::FromProxy(_)
                | CallEvent::ProxyHalfClosed
                | CallEvent::ProxyCancelled => {
                    self.from_proxy.push_back(event);
                }
                CallEvent::FromUserFunction(_) | CallEvent::Ended(_) => {
                    self.from_user_function.push_back(event)
                }
            }
        }
    }

    /// Expects the proxy's next message on this call to be `expected`, metadata aside.
    pub(super) async fn expect_command(&mut self, expected: ActionCommand) -> Verdict {
        match self.next(true).await? {
            CallEvent::FromProxy(bytes) => {
                let actual = decode::<ActionCommand>(self.probe.path(), "the proxy", &bytes)?;
                compare(
                    "proxy -> user function",
                    &expected,
                    &without_metadata_command(actual),
                    self.probe.path(),
                )
            }
            other => {
                Err(self.unexpected("the proxy to send a command", &expected.pretty(), &other))
            }
        }
    }

    /// Expects the user function's next message on this call to be `expected`, metadata aside.
    pub(super) async fn expect_response(&mut self, expected: ActionResponse) -> Verdict {
        match self.next(false).await? {
            CallEvent::FromUserFunction(bytes) => {
                let actual =
                    decode::<ActionResponse>(self.probe.path(), "the user function", &bytes)?;
                compare(
                    "user function -> proxy",
                    &expected,
                    &without_metadata_response(actual),
                    self.probe.path(),
                )
            }
            other => Err(self.unexpected(
                "the user function to send a response",
                &expected.pretty(),
                &other,
            )),
        }
    }

    /// Expects the proxy to half-close next: it has sent all its commands.
    pub(super) async fn expect_half_close(&mut self) -> Verdict {
        match self.next(true).await? {
            CallEvent::ProxyHalfClosed => Ok(()),
            other => {
                Err(self.unexpected("the proxy to half-close the call", "(half-close)", &other))
            }
        }
    }

    /// Expects the user function to end the call with status OK after the responses read so far.
    pub(super) async fn expect_end(&mut self) -> Verdict {
        match self.next(false).await? {
            CallEvent::Ended(None) => Ok(()),
            other => {
                Err(self.unexpected("the call to end with status OK", "(end, status OK)", &other))
            }
        }
    }

    /// Expects the proxy to close the call after the messages read so far: it cancels the call, or it
    /// half-closes and the user function then ends the call.
    pub(super) async fn expect_closed_by_proxy(&mut self) -> Verdict {
        match self.next(true).await? {
            CallEvent::ProxyCancelled => Ok(()),
            CallEvent::ProxyHalfClosed => match self.next(false).await? {
                CallEvent::Ended(_) => Ok(()),
                other => Err(self.unexpected(
                    "the call to end after the proxy's half-close",
                    "(end)",
                    &other,
                )),
            },
            other => Err(self.unexpected(
                "the proxy to cancel or half-close the call",
                "(cancel or half-close)",
                &other,
            )),
        }
    }

    fn unexpected(&self, wanted: &str, expected: &str, event: &CallEvent) -> CaseFailure {
        let actual = match event {
            CallEvent::FromProxy(bytes) => {
                format!(
                    "proxy -> user function {}",
                    render_pretty(ActionCommand::FULL_NAME, bytes)
                )
            }
            CallEvent::FromUserFunction(bytes) => {
                format!(
                    "user function -> proxy {}",
                    render_pretty(ActionResponse::FULL_NAME, bytes)
                )
            }
            other => format!("{other:?}"),
        };
        CaseFailure::mismatch(
            format!("{}: expected {wanted}", self.probe.path()),
            expected.to_owned(),
            actual,
        )
    }
}

fn decode<M: WireMessage>(path: &str, sender: &str, bytes: &[u8]) -> Result<M, CaseFailure> {
    M::decode(bytes).map_err(|error| {
        CaseFailure::fail(format!(
            "{path}: {sender} sent a message that is not a {}: {error}",
            M::FULL_NAME
        ))
    })
}

fn compare<M: WireMessage>(what: &str, expected: &M, actual: &M, path: &str) -> Verdict {
    if expected == actual {
        return Ok(());
    }
    Err(CaseFailure::mismatch(
        format!("{path}: the {what} message differs from the one expected (metadata aside)"),
        expected.pretty(),
        actual.pretty(),
    ))
}

// ---- The client's side ----

/// The next item of a client's response stream: a message, the end (`None`), or an error status.
pub(super) async fn client_next(
    cx: &ProxyCx,
    what: &str,
    stream: &mut Streaming<Response>,
) -> Result<Result<Option<Response>, Status>, CaseFailure> {
    let next = tokio::time::timeout_at(cx.deadline(), stream.message())
        .await
        .map_err(|_| {
            CaseFailure::fail(format!(
                "the client's response stream of {what} got nothing more before the case deadline"
            ))
        })?;
    let text = match &next {
        Ok(Some(message)) => format!("proxy -> client {message:?}"),
        Ok(None) => "proxy -> client end of stream, status OK".to_owned(),
        Err(status) => format!(
            "proxy -> client gRPC status {:?}: {}",
            status.code(),
            status.message()
        ),
    };
    cx.trace()
        .record(&format!("client {what}"), Direction::Received, text);
    Ok(next)
}

/// Expects the client's next message on the stream to be `expected`.
pub(super) async fn client_expect_message(
    cx: &ProxyCx,
    what: &str,
    stream: &mut Streaming<Response>,
    expected: Response,
) -> Verdict {
    let next = client_next(cx, what, stream).await?;
    client_outcome(
        what,
        Ok(expected),
        next.map(|message| message.ok_or("the end of the stream")),
    )
}

/// Expects the client's response stream to end with status OK next.
pub(super) async fn client_expect_end(
    cx: &ProxyCx,
    what: &str,
    stream: &mut Streaming<Response>,
) -> Verdict {
    match client_next(cx, what, stream).await? {
        Ok(None) => Ok(()),
        Ok(Some(message)) => Err(CaseFailure::mismatch(
            format!("{what}: the client got a message where its response stream should have ended"),
            "(end of stream, status OK)".to_owned(),
            format!("{message:?}"),
        )),
        Err(status) => Err(CaseFailure::mismatch(
            format!(
                "{what}: the client's response stream ended with an error instead of status OK"
            ),
            "(end of stream, status OK)".to_owned(),
            describe(&status),
        )),
    }
}

/// Checks what a client got against what it should have got: a message, or an error with a code and a
/// message. `actual` is `Err` with a status, or `Ok` with the message or a note of what came instead.
pub(super) fn client_outcome(
    what: &str,
    expected: Result<Response, (Code, &str)>,
    actual: Result<Result<Response, &str>, Status>,
) -> Verdict {
    let shown_expected = match &expected {
        Ok(message) => format!(
            "{message:?} (encoded: 0x{})",
            crate::wire::hex(&message.encode_to_vec())
        ),
        Err((code, message)) => format!("gRPC status {code:?}: {message}"),
    };
    let matches = match (&expected, &actual) {
        (Ok(expected), Ok(Ok(actual))) => expected == actual,
        (Err((code, message)), Err(status)) => {
            status.code() == *code && status.message() == *message
        }
        _ => false,
    };
    if matches {
        return Ok(());
    }
    let shown_actual = match &actual {
        Ok(Ok(message)) => format!(
            "{message:?} (encoded: 0x{})",
            crate::wire::hex(&message.encode_to_vec())
        ),
        Ok(Err(note)) => (*note).to_owned(),
        Err(status) => describe(status),
    };
    Err(CaseFailure::mismatch(
        format!("{what}: the client did not get what the proxy should have answered"),
        shown_expected,
        shown_actual,
    ))
}

fn describe(status: &Status) -> String {
    format!("gRPC status {:?}: {}", status.code(), status.message())
}
