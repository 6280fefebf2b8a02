//! [`ProtocolStream::next`]: whatever the target does next on a call, for cases that accept more than one
//! way of ending it.

use super::{Item, ProtocolStream};
use crate::case::CaseFailure;
use crate::wire::{Direction, WireMessage};

/// What the target did next on a call, as [`ProtocolStream::next`] reports it.
#[derive(Debug)]
pub(crate) enum Next<O> {
    /// It sent this message.
    Message(O),
    /// It ended the call with status OK (or the call had already ended).
    End,
    /// It ended the call with an error status.
    Status,
}

impl<I: WireMessage, O: WireMessage> ProtocolStream<I, O> {
    /// Whatever the target does next: a message, the end of the call, or an error status that the target
    /// itself sent. Silence until the case deadline is a failure; a status the target did not send (the
    /// connection dropped, its answer could not be read) is an error, never a status; for cases that
    /// accept more than one way of ending a call.
    pub(crate) async fn next(&mut self) -> Result<Next<O>, CaseFailure> {
        if self.ended {
            return Ok(Next::End);
        }
        let item = self
            .next_item(
                "nothing received before the case deadline",
                "the target neither sent a message nor ended the call before the case deadline",
            )
            .await?;
        self.next_of(item)
    }

    /// Like [`next`](Self::next), where the call should end: waits only the close wait
    /// (`--close-timeout-ms`), not until the case deadline.
    pub(crate) async fn next_or_end(&mut self) -> Result<Next<O>, CaseFailure> {
        if self.ended {
            return Ok(Next::End);
        }
        let item = self
            .next_item_closing("the target neither sent a message nor ended the call")
            .await?;
        self.next_of(item)
    }

    fn next_of(&mut self, item: Item<O>) -> Result<Next<O>, CaseFailure> {
        match item {
            Item::Message(message) => {
                self.received(&message);
                Ok(Next::Message(message))
            }
            Item::End => {
                self.ended_ok();
                Ok(Next::End)
            }
            Item::Broken(broken) => Err(self.broken(broken)),
            Item::Status(status) => {
                self.ended = true;
                self.trace.record(
                    &self.label,
                    Direction::Event,
                    format!(
                        "ended by the target with gRPC status {:?}: {}",
                        status.code(),
                        status.message()
                    ),
                );
                Ok(Next::Status)
            }
        }
    }
}
