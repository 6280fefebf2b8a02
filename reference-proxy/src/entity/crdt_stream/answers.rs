//! What the user function sends on an entity stream: replies, streamed messages, cancellation
//! responses and failures. Each is checked against the commands in flight; a message that breaks the
//! protocol is an `Err` with the reason, and the stream is then dropped.

use cloudstate_protocol::cloudstate::Failure;
use cloudstate_protocol::cloudstate::crdt::{
    CrdtReply, CrdtStateAction, CrdtStreamCancelledResponse, CrdtStreamOut, CrdtStreamedMessage,
    crdt_state_action, crdt_stream_out,
};
use tonic::Status;

use super::Session;
use crate::deviation;
use crate::entity::crdt::Step;
use crate::entity::crdt_state::CrdtState;

impl Session<'_> {
    /// Handles one message from the user function.
    pub(super) fn receive(&mut self, message: CrdtStreamOut) -> Result<(), String> {
        match message.message {
            Some(crdt_stream_out::Message::Reply(reply)) => self.reply(reply),
            Some(crdt_stream_out::Message::StreamedMessage(message)) => self.streamed(message),
            Some(crdt_stream_out::Message::StreamCancelledResponse(response)) => {
                self.cancelled(response)
            }
            Some(crdt_stream_out::Message::Failure(failure)) => self.failure(failure),
            None => Err("the user function sent an empty CrdtStreamOut".to_owned()),
        }
    }

    fn reply(&mut self, reply: CrdtReply) -> Result<(), String> {
        let id = reply.command_id;
        let streamed = match self.pending.get(&id) {
            None => {
                return Err(format!(
                    "a CRDT reply names command id {id}, which is not awaiting a reply"
                ));
            }
            Some(pending) if reply.streamed && !pending.streamed => {
                return Err(format!(
                    "a streamed CRDT reply answers command {id}, which is not streamed"
                ));
            }
            Some(pending) => pending.streamed,
        };
        self.state_action(id, reply.state_action)?;
        let Some(pending) = self.pending.remove(&id) else {
            return Ok(());
        };
        pending
            .delivery
            .send(Step::Answer(reply.client_action, reply.side_effects));
        if streamed && reply.streamed {
            self.open.insert(id, pending.delivery);
            if pending.cancelled {
                self.caller_gone(id);
            }
        }
        Ok(())
    }

    fn streamed(&mut self, message: CrdtStreamedMessage) -> Result<(), String> {
        let id = message.command_id;
        let side_effects = deviation::crdt_streams::streamed_side_effects(message.side_effects);
        let ends_stream = deviation::crdt_streams::ends_stream(message.end_stream);
        if let Some(delivery) = self.open.get(&id) {
            delivery.send(Step::Answer(message.client_action, side_effects));
            if ends_stream {
                self.open.remove(&id);
                if deviation::crdt_streams::cancels_ended_stream() {
                    self.cancel(id);
                }
            }
        } else if self.cancelling.contains(&id) {
            // The caller is gone; the message's side effects still run.
            self.task.entities.side_effects(side_effects);
            if ends_stream {
                self.cancelling.remove(&id);
                self.ended_while_cancelling.insert(id);
            }
        } else {
            return Err(match self.pending.get(&id) {
                Some(pending) if pending.streamed => {
                    format!("a CRDT streamed message for command {id} came before its reply")
                }
                Some(_) => {
                    format!("a CRDT streamed message names command {id}, which is not streamed")
                }
                None => format!(
                    "a CRDT streamed message names command id {id}, which has no open stream"
                ),
            });
        }
        Ok(())
    }

    fn cancelled(&mut self, response: CrdtStreamCancelledResponse) -> Result<(), String> {
        let id = response.command_id;
        if !self.cancelling.contains(&id) && !self.ended_while_cancelling.contains(&id) {
            return Err(format!(
                "a CRDT stream-cancelled response names command {id}, which was not cancelled"
            ));
        }
        self.state_action(id, response.state_action)?;
        self.cancelling.remove(&id);
        self.ended_while_cancelling.remove(&id);
        self.task.entities.side_effects(response.side_effects);
        Ok(())
    }

    fn failure(&mut self, failure: Failure) -> Result<(), String> {
        let id = deviation::crdt_streams::failed_command(failure.command_id);
        let status = Status::unknown(failure.description.clone());
        if id == 0 {
            tracing::warn!(
                entity_id = ?self.entity_id(),
                description = ?failure.description,
                "a CRDT entity's stream failed in the user function"
            );
        } else if let Some(pending) = self.pending.remove(&id) {
            pending.delivery.send(Step::Fail(status));
        } else if let Some(delivery) = self.open.remove(&id) {
            delivery.send(Step::Fail(status));
        } else if !self.cancelling.remove(&id) {
            return Err(format!(
                "a CRDT failure names command id {id}, which is not awaiting an answer"
            ));
        }
        Ok(())
    }

    /// Applies a state action of the answer to command `id`: merges a delta into the held value, or
    /// deletes the entity (forgets the value and half-closes, once this answer is on its way).
    fn state_action(&mut self, id: i64, action: Option<CrdtStateAction>) -> Result<(), String> {
        match action.and_then(|action| action.action) {
            None => {}
            // Updates after a delete in the same stream change nothing: the entity stays deleted.
            Some(crdt_state_action::Action::Update(_)) if self.deleted => {}
            Some(crdt_state_action::Action::Update(delta)) => {
                let merged = match &mut self.task.state {
                    Some(state) => state.apply(&delta),
                    None => {
                        CrdtState::from_delta(&delta).map(|state| self.task.state = Some(state))
                    }
                };
                merged.map_err(|error| {
                    format!("the state action for command {id} is invalid: {error}")
                })?;
            }
            Some(crdt_state_action::Action::Delete(_)) => {
                self.deleted = true;
                self.task.state = None;
                self.half_close();
            }
        }
        Ok(())
    }
}
