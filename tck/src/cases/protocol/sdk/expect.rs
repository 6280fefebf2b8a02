//! What the cases expect on an entity stream: a plain reply before the unexpected input, and after it one
//! of the signals the spec accepts (MAL chapter): a top-level `Failure` (then nothing more), the end of
//! the stream with an error status, and, where the input concerns one command, a `failure` client action
//! for that command; for a message that carries nothing, also ignoring it.

use super::entity::{EntityProtocol, Seen};
use crate::case::{CaseFailure, FailureKind, Verdict};
use crate::sdk::Next;
use crate::sdk::ProtocolStream;
use crate::wire::WireMessage as _;

/// A stream of entity protocol `K`.
pub(super) type Stream<K> = ProtocolStream<<K as EntityProtocol>::In, <K as EntityProtocol>::Out>;

/// The ways of signalling the unexpected input that a case accepts, besides a top-level `Failure` and
/// an error status, which every case accepts.
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct Accepted {
    /// A reply to the command with a `failure` client action, and a top-level `Failure` with
    /// `command_id` 0 as well as the command's (input that concerns one command).
    pub(super) command_failure: bool,
    /// Ignoring the input: the plain reply to the ordinary command `n` the case sent after it (input
    /// that carries nothing).
    pub(super) ignoring_before: Option<i64>,
}

impl Accepted {
    /// Input that breaks the stream: a top-level `Failure` with `command_id` 0 or an error status.
    pub(super) const STREAM: Accepted = Accepted {
        command_failure: false,
        ignoring_before: None,
    };

    /// Input about one command: also a `failure` client action answering it, and a top-level `Failure`
    /// that names no command.
    pub(super) const COMMAND: Accepted = Accepted {
        command_failure: true,
        ignoring_before: None,
    };

    /// Input that carries nothing: also ignoring it, which the plain reply to command `next` shows.
    pub(super) fn ignorable(next: i64) -> Accepted {
        Accepted {
            command_failure: false,
            ignoring_before: Some(next),
        }
    }
}

/// Expects a successful reply to command `command_id`, the answer to an ordinary `Process` command sent
/// before the unexpected input.
pub(super) async fn expect_reply<K: EntityProtocol>(
    stream: &mut Stream<K>,
    command_id: i64,
) -> Verdict {
    let expected = format!("a reply to command {command_id} whose client action is not a failure");
    let out = stream
        .recv()
        .await
        .map_err(|failure| with_expected(failure, &expected))?;
    match K::seen(&out) {
        Seen::Reply {
            command_id: id,
            failure: false,
        } if id == command_id => Ok(()),
        _ => Err(CaseFailure::mismatch(
            format!(
                "{}: an ordinary `Process` command {command_id}, sent before any unexpected input, \
                 did not get a plain reply",
                stream.label()
            ),
            expected,
            out.pretty(),
        )),
    }
}

/// Expects the user function to signal that it did not expect `sent` (what the TCK sent, in words): a
/// top-level `Failure` whose `command_id` is `command_id`, then nothing more (MAL-019); the end of the
/// stream with an error status; or a way `accepted` adds.
pub(super) async fn expect_refused<K: EntityProtocol>(
    stream: &mut Stream<K>,
    command_id: i64,
    sent: &str,
    accepted: Accepted,
) -> Verdict {
    let mut expected = format!(
        "a top-level Failure with command_id {command_id}, or the end of the stream with an error status"
    );
    if accepted.command_failure {
        expected.push_str(&format!(
            ", or a top-level Failure with command_id 0, or a failure of command {command_id}"
        ));
    }
    if let Some(next) = accepted.ignoring_before {
        expected.push_str(&format!(
            ", or (the input ignored) the plain reply to command {next}"
        ));
    }
    let next = stream
        .next()
        .await
        .map_err(|failure| after(failure, sent, &expected))?;
    let label = stream.label().to_owned();
    let out = match next {
        Next::Status => return Ok(()),
        Next::End => {
            return Err(CaseFailure::mismatch(
                format!(
                    "{label}: after {sent}, the user function ended the stream with status OK \
                     without saying why"
                ),
                expected,
                "(end of stream, status OK, no Failure)".to_owned(),
            ));
        }
        Next::Message(out) => out,
    };
    match K::seen(&out) {
        // A command's top-level Failure may name the command or, as a failure of the whole stream, none.
        Seen::Failure { command_id: id }
            if id == command_id || accepted.command_failure && id == 0 =>
        {
            expect_nothing_more::<K>(stream, sent).await
        }
        Seen::Failure { command_id: id } => Err(CaseFailure::mismatch(
            format!(
                "{label}: after {sent}, the user function sent a top-level Failure with command_id \
                 {id} instead of {command_id}"
            ),
            expected,
            out.pretty(),
        )),
        Seen::Reply {
            command_id: id,
            failure: true,
        } if accepted.command_failure && id == command_id => Ok(()),
        Seen::Reply {
            command_id: id,
            failure: false,
        } if accepted.ignoring_before == Some(id) => Ok(()),
        Seen::Reply {
            command_id: id,
            failure: true,
        } => Err(CaseFailure::mismatch(
            format!(
                "{label}: after {sent}, the user function answered command {id} with a failure of \
                 that command, where the input broke the stream itself"
            ),
            expected,
            out.pretty(),
        )),
        _ => Err(CaseFailure::mismatch(
            format!(
                "{label}: after {sent}, the user function went on as if nothing was wrong instead \
                 of saying it did not expect it"
            ),
            expected,
            out.pretty(),
        )),
    }
}

/// After a top-level `Failure`, the user function sends nothing more (MAL-019). Ending the stream is a
/// SHOULD (MAL-020), which these cases do not require: a stream still open when the close wait ends is
/// accepted.
async fn expect_nothing_more<K: EntityProtocol>(stream: &mut Stream<K>, sent: &str) -> Verdict {
    match stream.next_or_end().await {
        Ok(Next::Message(out)) => Err(CaseFailure::mismatch(
            format!(
                "{}: after {sent} and its top-level Failure, the user function sent another message",
                stream.label()
            ),
            "(nothing more; the end of the stream, any status)".to_owned(),
            out.pretty(),
        )),
        Ok(Next::End | Next::Status) => Ok(()),
        Err(failure) if failure.kind == FailureKind::Fail => Ok(()),
        Err(error) => Err(error),
    }
}

/// A failure to receive anything, told in terms of what the TCK had sent and what it expected.
fn after(mut failure: CaseFailure, sent: &str, expected: &str) -> CaseFailure {
    failure.message = format!("{} (after {sent}; expected {expected})", failure.message);
    with_expected(failure, expected)
}

fn with_expected(mut failure: CaseFailure, expected: &str) -> CaseFailure {
    failure.expected.get_or_insert_with(|| expected.to_owned());
    failure
}
