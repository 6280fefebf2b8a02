//! What a case expects of a protocol stream: the next message, a given message, the end of the call, or
//! silence for a while.

use tokio::time::Instant;

use super::{Item, ProtocolStream};
use crate::case::{CaseFailure, Verdict};
use crate::wire::{Direction, WireMessage};

impl<I: WireMessage, O: WireMessage> ProtocolStream<I, O> {
    /// The next message from the target; a failure if the call ends, fails or stays silent until the
    /// case deadline.
    pub(crate) async fn recv(&mut self) -> Result<O, CaseFailure> {
        if self.ended {
            return Err(CaseFailure::fail(format!(
                "{}: expected a message, but the call had already ended",
                self.label
            )));
        }
        let item = self
            .next_item(
                "nothing received before the case deadline",
                "the target sent nothing before the case deadline (expected a message)",
            )
            .await?;
        match item {
            Item::Message(message) => {
                self.received(&message);
                Ok(message)
            }
            Item::End => {
                self.ended_ok();
                Err(CaseFailure::fail(format!(
                    "{}: the target ended the call where a message was expected",
                    self.label
                )))
            }
            Item::Status(status) => Err(self.failed_with(&status, "a message was expected")),
            Item::Broken(broken) => Err(self.broken(broken)),
        }
    }

    /// Receives the next message and checks that it equals `expected`, byte for byte.
    pub(crate) async fn expect(&mut self, expected: O) -> Verdict {
        let actual = self
            .recv()
            .await
            .map_err(|failure| with_expected(failure, &expected))?;
        if actual == expected {
            Ok(())
        } else {
            Err(CaseFailure::mismatch(
                format!(
                    "{}: the message received differs from the one expected",
                    self.label
                ),
                expected.pretty(),
                actual.pretty(),
            ))
        }
    }

    /// Expects the target to end the call with status OK and no further message, within the close wait.
    pub(crate) async fn expect_end(&mut self) -> Verdict {
        if self.ended {
            return Ok(());
        }
        let item = self
            .next_item_closing("the target did not end the call")
            .await?;
        match item {
            Item::End => {
                self.ended_ok();
                Ok(())
            }
            Item::Message(message) => {
                self.received(&message);
                Err(CaseFailure::mismatch(
                    format!(
                        "{}: expected the call to end, but the target sent another message",
                        self.label
                    ),
                    "(end of stream, status OK)".to_owned(),
                    message.pretty(),
                ))
            }
            Item::Status(status) => {
                Err(self.failed_with(&status, "the call was expected to end with status OK"))
            }
            Item::Broken(broken) => Err(self.broken(broken)),
        }
    }

    /// Expects the target to send no message for `duration` (or until the case deadline, if sooner).
    ///
    /// A message in that time is a failure. The call ending in that time is not: it is recorded, and a
    /// later [`expect_end`](Self::expect_end) accepts it, while a later [`recv`](Self::recv) reports it.
    pub(crate) async fn expect_silence(&mut self, duration: std::time::Duration) -> Verdict {
        if self.ended {
            return Ok(());
        }
        let until = std::cmp::min(Instant::now() + duration, self.deadline);
        let item = match tokio::time::timeout_at(until, self.items.recv()).await {
            Err(_) => {
                self.trace.record(
                    &self.label,
                    Direction::Event,
                    format!(
                        "nothing received for {} ms, as expected",
                        duration.as_millis()
                    ),
                );
                return Ok(());
            }
            Ok(Some(Item::Broken(broken))) => return Err(self.broken(broken)),
            Ok(Some(item)) => item,
            Ok(None) => Item::End,
        };
        match item {
            Item::Message(message) => {
                self.received(&message);
                Err(CaseFailure::mismatch(
                    format!(
                        "{}: expected no message for {} ms, but the target sent one",
                        self.label,
                        duration.as_millis()
                    ),
                    format!("(no message for {} ms)", duration.as_millis()),
                    message.pretty(),
                ))
            }
            Item::End => {
                self.ended_ok();
                Ok(())
            }
            Item::Status(status) => Err(self.failed_with(&status, "no message was expected")),
            Item::Broken(broken) => Err(self.broken(broken)),
        }
    }

    /// Half-closes and lets the call go without waiting for its end, as a proxy that is done with a
    /// stream may: for the property cases, which check answers; the fixed cases check how calls end.
    pub(crate) fn abandon(mut self) {
        self.half_close();
        self.trace.record(
            &self.label,
            Direction::Event,
            "let go by the TCK without waiting for its end",
        );
    }

    /// Half-closes and expects the target to end the call cleanly.
    pub(crate) async fn close(&mut self) -> Verdict {
        self.half_close();
        self.expect_end().await
    }
}

fn with_expected<O: WireMessage>(mut failure: CaseFailure, expected: &O) -> CaseFailure {
    if failure.expected.is_none() {
        failure.expected = Some(expected.pretty());
    }
    failure
}
