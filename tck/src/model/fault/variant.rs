//! The entity-stream variants: how the model signals input it cannot handle, where the protocol leaves
//! the choice to the user function and a public SDK makes it differently from the model.
//!
//! The model answers such input with a top-level `Failure` and ends the stream. Under
//! [`Fault::UnknownCommandAsFailure`] a failure about one command becomes a `failure` client action
//! answering that command, and the stream goes on; under [`Fault::UnknownCommandKeepsStream`] the
//! `Failure` about a command is sent but the stream stays open; under [`Fault::CommandFailureWithoutId`]
//! the `Failure` about a command names none; under [`Fault::ValueEntityErrorStatus`] a value entity ends
//! its stream with gRPC status `UNKNOWN` instead of sending the `Failure`.

use cloudstate_protocol::cloudstate::crdt::crdt_stream_out::Message as CrdtOut;
use cloudstate_protocol::cloudstate::crdt::{CrdtReply, CrdtStreamOut};
use cloudstate_protocol::cloudstate::eventsourced::event_sourced_stream_out::Message as EsOut;
use cloudstate_protocol::cloudstate::eventsourced::{EventSourcedReply, EventSourcedStreamOut};
use cloudstate_protocol::cloudstate::valueentity::value_entity_stream_out::Message as VeOut;
use cloudstate_protocol::cloudstate::valueentity::{ValueEntityReply, ValueEntityStreamOut};
use cloudstate_protocol::cloudstate::{ClientAction, Failure, client_action};
use tonic::Status;

use super::Fault;
use crate::model::server::Reaction;

/// How a variant sees the messages of one entity protocol.
pub(crate) trait EntityOut: Sized {
    /// The top-level `Failure` this message is, if it is one.
    fn top_level_failure(&self) -> Option<&Failure>;
    /// The same, to change it.
    fn top_level_failure_mut(&mut self) -> Option<&mut Failure>;
    /// A reply to command `command_id` whose client action is `failure`.
    fn failed_reply(command_id: i64, failure: Failure) -> Self;
}

/// The client action of a failed command.
fn failure_action(failure: Failure) -> Option<ClientAction> {
    Some(ClientAction {
        action: Some(client_action::Action::Failure(failure)),
    })
}

impl EntityOut for ValueEntityStreamOut {
    fn top_level_failure(&self) -> Option<&Failure> {
        match &self.message {
            Some(VeOut::Failure(failure)) => Some(failure),
            _ => None,
        }
    }

    fn top_level_failure_mut(&mut self) -> Option<&mut Failure> {
        match &mut self.message {
            Some(VeOut::Failure(failure)) => Some(failure),
            _ => None,
        }
    }

    fn failed_reply(command_id: i64, failure: Failure) -> Self {
        let reply = ValueEntityReply {
            command_id,
            client_action: failure_action(failure),
            side_effects: Vec::new(),
            state_action: None,
        };
        ValueEntityStreamOut {
            message: Some(VeOut::Reply(reply)),
        }
    }
}

impl EntityOut for EventSourcedStreamOut {
    fn top_level_failure(&self) -> Option<&Failure> {
        match &self.message {
            Some(EsOut::Failure(failure)) => Some(failure),
            _ => None,
        }
    }

    fn top_level_failure_mut(&mut self) -> Option<&mut Failure> {
        match &mut self.message {
            Some(EsOut::Failure(failure)) => Some(failure),
            _ => None,
        }
    }

    fn failed_reply(command_id: i64, failure: Failure) -> Self {
        let reply = EventSourcedReply {
            command_id,
            client_action: failure_action(failure),
            side_effects: Vec::new(),
            events: Vec::new(),
            snapshot: None,
        };
        EventSourcedStreamOut {
            message: Some(EsOut::Reply(reply)),
        }
    }
}

impl EntityOut for CrdtStreamOut {
    fn top_level_failure(&self) -> Option<&Failure> {
        match &self.message {
            Some(CrdtOut::Failure(failure)) => Some(failure),
            _ => None,
        }
    }

    fn top_level_failure_mut(&mut self) -> Option<&mut Failure> {
        match &mut self.message {
            Some(CrdtOut::Failure(failure)) => Some(failure),
            _ => None,
        }
    }

    fn failed_reply(command_id: i64, failure: Failure) -> Self {
        let reply = CrdtReply {
            command_id,
            client_action: failure_action(failure),
            side_effects: Vec::new(),
            state_action: None,
            streamed: false,
        };
        CrdtStreamOut {
            message: Some(CrdtOut::Reply(reply)),
        }
    }
}

/// Applies the entity-stream variant `fault`, if it is one, to the model's reaction on a value-entity
/// stream.
pub(crate) fn apply_value_entity(fault: Fault, reaction: &mut Reaction<ValueEntityStreamOut>) {
    if fault == Fault::ValueEntityErrorStatus {
        error_status(reaction);
    }
    apply(fault, reaction);
}

/// Applies the entity-stream variant `fault`, if it is one, to the model's reaction.
pub(crate) fn apply<T: EntityOut>(fault: Fault, reaction: &mut Reaction<T>) {
    match fault {
        Fault::UnknownCommandAsFailure => failures_of_commands(reaction),
        Fault::UnknownCommandKeepsStream if names_a_command(reaction) => reaction.end = false,
        Fault::CommandFailureWithoutId => {
            let failures = reaction
                .out
                .iter_mut()
                .filter_map(|item| item.as_mut().ok());
            for failure in failures.filter_map(T::top_level_failure_mut) {
                failure.command_id = 0;
            }
        }
        _ => {}
    }
}

/// Whether the reaction sends a top-level `Failure` about one command.
fn names_a_command<T: EntityOut>(reaction: &Reaction<T>) -> bool {
    reaction
        .out
        .iter()
        .filter_map(|item| item.as_ref().ok())
        .filter_map(T::top_level_failure)
        .any(|failure| failure.command_id != 0)
}

/// [`Fault::ValueEntityErrorStatus`]: a top-level `Failure` becomes the end of the stream with status
/// `UNKNOWN` and the failure's description.
fn error_status<T: EntityOut>(reaction: &mut Reaction<T>) {
    let description = reaction
        .out
        .iter()
        .filter_map(|item| item.as_ref().ok())
        .find_map(T::top_level_failure)
        .map(|failure| failure.description.clone());
    if let Some(description) = description {
        *reaction = Reaction::fail(Status::unknown(description));
    }
}

/// [`Fault::UnknownCommandAsFailure`]: a top-level `Failure` naming a command answers that command
/// instead, and the stream stays open.
fn failures_of_commands<T: EntityOut>(reaction: &mut Reaction<T>) {
    for item in reaction.out.iter_mut() {
        let failure = match item.as_ref().ok().and_then(T::top_level_failure) {
            Some(failure) if failure.command_id != 0 => failure.clone(),
            _ => continue,
        };
        *item = Ok(T::failed_reply(failure.command_id, failure));
        reaction.end = false;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fatal(command_id: i64) -> Reaction<ValueEntityStreamOut> {
        Reaction::send_and_end(ValueEntityStreamOut {
            message: Some(VeOut::Failure(Failure {
                command_id,
                description: "unknown command".into(),
                restart: false,
            })),
        })
    }

    #[test]
    fn a_failure_about_a_command_answers_it_and_keeps_the_stream() {
        let mut reaction = fatal(3);
        apply(Fault::UnknownCommandAsFailure, &mut reaction);
        assert!(!reaction.end);
        let Some(Ok(ValueEntityStreamOut {
            message: Some(VeOut::Reply(reply)),
        })) = reaction.out.first()
        else {
            panic!("expected a reply, got {:?}", reaction.out);
        };
        assert_eq!(reply.command_id, 3);
        let mut stream_failure = fatal(0);
        apply(Fault::UnknownCommandAsFailure, &mut stream_failure);
        assert!(stream_failure.end, "a failure of the stream stays one");
    }

    #[test]
    fn a_failure_becomes_an_error_status() {
        let mut reaction = fatal(0);
        apply_value_entity(Fault::ValueEntityErrorStatus, &mut reaction);
        assert!(reaction.end);
        assert!(
            matches!(reaction.out.as_slice(), [Err(status)] if status.code() == tonic::Code::Unknown)
        );
    }
}
