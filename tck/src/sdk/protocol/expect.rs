//! What the cases expect on an entity stream: a plain reply before the unexpected input, and after it a
//! top-level `Failure` followed by the end of the stream.

use super::entity::{EntityProtocol, Seen};
use crate::case::{CaseFailure, Verdict};
use crate::sdk::Next;
use crate::sdk::ProtocolStream;
use crate::wire::WireMessage as _;

/// A stream of entity protocol `K`.
pub(super) type Stream<K> = ProtocolStream<<K as EntityProtocol>::In, <K as EntityProtocol>::Out>;

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

/// Expects the user function to answer `sent` (what the TCK sent, in words) with a top-level `Failure`
/// whose `command_id` is `command_id`, and then to end the stream, with status OK or an error status,
/// without another message (MAL-010).
pub(super) async fn expect_stream_failure<K: EntityProtocol>(
    stream: &mut Stream<K>,
    command_id: i64,
    sent: &str,
) -> Verdict {
    let expected = format!(
        "a top-level Failure with command_id {command_id}, then the end of the stream (any status)"
    );
    let next = stream
        .next()
        .await
        .map_err(|failure| after(failure, sent, &expected))?;
    let label = stream.label().to_owned();
    match next {
        Next::Message(out) => match K::seen(&out) {
            Seen::Failure { command_id: id } if id == command_id => {}
            Seen::Failure { command_id: id } => {
                return Err(CaseFailure::mismatch(
                    format!(
                        "{label}: after {sent}, the user function sent a top-level Failure with \
                         command_id {id} instead of {command_id}"
                    ),
                    expected,
                    out.pretty(),
                ));
            }
            Seen::Reply {
                command_id: id,
                failure: true,
            } => {
                return Err(CaseFailure::mismatch(
                    format!(
                        "{label}: after {sent}, the user function answered command {id} with a \
                         failure of that command (a client action) instead of a top-level Failure of \
                         the stream"
                    ),
                    expected,
                    out.pretty(),
                ));
            }
            _ => {
                return Err(CaseFailure::mismatch(
                    format!(
                        "{label}: after {sent}, the user function went on as if nothing was wrong \
                         instead of sending a top-level Failure"
                    ),
                    expected,
                    out.pretty(),
                ));
            }
        },
        Next::End => {
            return Err(CaseFailure::mismatch(
                format!(
                    "{label}: after {sent}, the user function ended the stream without sending a \
                     top-level Failure"
                ),
                expected,
                "(end of stream, status OK, no Failure)".to_owned(),
            ));
        }
        Next::Status(status) => {
            return Err(CaseFailure::mismatch(
                format!(
                    "{label}: after {sent}, the user function ended the stream with gRPC status \
                     {:?} without sending a top-level Failure",
                    status.code()
                ),
                expected,
                format!(
                    "(end of stream, status {:?}: {}, no Failure)",
                    status.code(),
                    status.message()
                ),
            ));
        }
    }
    let sent = format!("{sent} and the user function's top-level Failure");
    match stream
        .next_or_end()
        .await
        .map_err(|failure| after(failure, &sent, "the end of the stream"))?
    {
        Next::Message(out) => Err(CaseFailure::mismatch(
            format!("{label}: after its top-level Failure, the user function sent another message"),
            "(end of stream, any status)".to_owned(),
            out.pretty(),
        )),
        Next::End | Next::Status(_) => Ok(()),
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
