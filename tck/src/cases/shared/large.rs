//! Messages of nearly 4 MiB, gRPC's default limit on the size of a message a server accepts: the text
//! that fills them, and the check of a large answer that shows sizes and the first difference instead of
//! megabytes of JSON.

use crate::case::{CaseFailure, Verdict};
use crate::sdk::ProtocolStream;
use crate::wire::WireMessage;

/// The size of the large text a case sends: 4 MiB less 4 KiB, so that the message carrying it, with its
/// envelope, stays under gRPC's default limit of 4 MiB.
pub(crate) const LARGE_TEXT_BYTES: usize = 4 * 1024 * 1024 - 4 * 1024;

/// Messages up to this many encoded bytes are shown in full in a failure.
const SHOWN_BYTES: usize = 16 * 1024;

/// A text of [`LARGE_TEXT_BYTES`] bytes that starts with `label` and goes on with a pattern of digits and
/// letters, so that a truncated, shifted or replaced copy differs from it.
pub(crate) fn large_text(label: &str) -> String {
    const PATTERN: &[u8] = b"0123456789abcdefghijklmnopqrstuvwxyz";
    let mut text = String::with_capacity(LARGE_TEXT_BYTES);
    text.push_str(label);
    let mut index = 0;
    while text.len() < LARGE_TEXT_BYTES {
        text.push(char::from(PATTERN[index % PATTERN.len()]));
        index += 1;
    }
    text
}

/// Receives the next message and checks that it equals `expected`, as `ProtocolStream::expect` does, but
/// describes a large message by its size and where its encoding first differs. `what` says what was sent
/// and which rule the answer follows.
pub(crate) async fn expect_large<I: WireMessage, O: WireMessage>(
    stream: &mut ProtocolStream<I, O>,
    expected: O,
    what: &str,
) -> Verdict {
    let actual = stream.recv().await.map_err(|mut failure| {
        failure
            .expected
            .get_or_insert_with(|| describe(&expected, None));
        failure.message = format!("{}; {what}", failure.message);
        failure
    })?;
    if actual == expected {
        return Ok(());
    }
    let expected_bytes = expected.encode_to_vec();
    let actual_bytes = actual.encode_to_vec();
    let differs_at = expected_bytes
        .iter()
        .zip(&actual_bytes)
        .position(|(e, a)| e != a)
        .unwrap_or(expected_bytes.len().min(actual_bytes.len()));
    Err(CaseFailure::mismatch(
        format!(
            "{}: the message received differs from the one expected; {what}",
            stream.label()
        ),
        describe(&expected, None),
        describe(&actual, Some(differs_at)),
    ))
}

/// A message in full when it is small, else its name and size (and where it differs, when known).
fn describe<M: WireMessage>(message: &M, differs_at: Option<usize>) -> String {
    let size = message.encoded_len();
    if size <= SHOWN_BYTES {
        return message.pretty();
    }
    match differs_at {
        None => format!("{} of {size} bytes", M::FULL_NAME),
        Some(at) => format!(
            "{} of {size} bytes, whose encoding first differs from the expected one at byte {at}",
            M::FULL_NAME
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn large_text_has_the_size_and_the_label() {
        let text = large_text("big-");
        assert_eq!(text.len(), LARGE_TEXT_BYTES);
        assert!(text.starts_with("big-0123"));
    }

    #[test]
    fn small_messages_are_shown_and_large_ones_described() {
        use cloudstate_protocol::cloudstate::action::ActionCommand;

        let small = ActionCommand {
            name: "Small".into(),
            ..ActionCommand::default()
        };
        assert!(describe(&small, None).contains("Small"));
        let large = ActionCommand {
            name: large_text("x"),
            ..ActionCommand::default()
        };
        let described = describe(&large, Some(7));
        assert!(described.starts_with("cloudstate.action.ActionCommand of "));
        assert!(described.ends_with("at byte 7"));
        assert!(described.len() < 200);
    }
}
