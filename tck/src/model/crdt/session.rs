//! The CRDT model (`CrdtTckModel`, `CrdtTwo`, `CrdtConfigured`) behind `cloudstate.crdt.Crdt`.
//!
//! A `CrdtTckModel` entity holds one CRDT whose type is its id's prefix (`GCounter-7`); `CrdtTwo` and
//! `CrdtConfigured` entities hold none and only answer `Call`. Protocol errors end the stream after a
//! top-level `Failure` (see `spec/malformed-input.md`): a first message that is not an init, a second init,
//! an empty message, an init for a service this model does not serve or for an id of no CRDT type, and a
//! delta that does not fit the CRDT (`command_id` 0 for these), and a command with an unknown name or a
//! payload of another type or that does not decode (the command's id). The stream then completes with
//! status OK. A cancellation of a command that is not streaming gets an empty response. Once the entity
//! is deleted (by a command or by the proxy), later commands fail with a `ClientAction.failure` and later
//! deltas are ignored.

use cloudstate_protocol::cloudstate::crdt::crdt_server::Crdt;
use cloudstate_protocol::cloudstate::crdt::crdt_stream_in::Message as In;
use cloudstate_protocol::cloudstate::crdt::crdt_stream_out::Message as OutMessage;
use cloudstate_protocol::cloudstate::crdt::{
    CrdtDelta, CrdtInit, CrdtStreamIn, CrdtStreamOut, CrdtStreamedMessage,
};
use cloudstate_protocol::cloudstate::tck::model::crdt::{Request as ModelRequest, StreamedRequest};
use cloudstate_protocol::cloudstate::{Command, Failure, StreamCancelled};
use cloudstate_protocol::names::model::{CRDT_CONFIGURED, CRDT_TCK_MODEL, CRDT_TWO};
use tonic::{Request, Response, Status, Streaming};

use super::entity::{Answer, CrdtEntity, Out, call_reply, failure, nothing_cancelled};
use crate::messages::crdt::{CALL, PROCESS, PROCESS_STREAMED};
use crate::model::fault::payload::unpack_command;
use crate::model::fault::{self, Fault, StreamFaults};
use crate::model::server::{Reaction, ResponseStream, Session, drive, each_message};

/// The description of the failure of commands sent after the entity was deleted.
const DELETED: &str = "the entity was deleted";

fn fatal(command_id: i64, description: String) -> Reaction<CrdtStreamOut> {
    Reaction::send_and_end(CrdtStreamOut {
        message: Some(OutMessage::Failure(Failure {
            command_id,
            description,
            restart: false,
        })),
    })
}

fn streamed(messages: Vec<CrdtStreamedMessage>) -> impl Iterator<Item = CrdtStreamOut> {
    messages.into_iter().map(|message| CrdtStreamOut {
        message: Some(OutMessage::StreamedMessage(message)),
    })
}

fn send(answer: Answer) -> Reaction<CrdtStreamOut> {
    let first = CrdtStreamOut {
        message: Some(match answer.answer {
            Out::Reply(reply) => OutMessage::Reply(reply),
            Out::Cancelled(response) => OutMessage::StreamCancelledResponse(response),
        }),
    };
    Reaction::send(
        std::iter::once(first)
            .chain(streamed(answer.streamed))
            .collect(),
    )
}

/// What a stream serves.
#[derive(Debug)]
enum Kind {
    /// `CrdtTckModel`, with its CRDT.
    Model(CrdtEntity),
    /// `CrdtTwo` or `CrdtConfigured`: `Call` only, no CRDT.
    CallOnly,
}

#[derive(Debug)]
struct Active {
    kind: Kind,
    deleted: bool,
}

/// One `Crdt.handle` stream.
#[derive(Debug, Default)]
pub(crate) struct CrdtSession {
    entity: Option<Active>,
    faults: StreamFaults,
}

impl CrdtSession {
    fn init(&mut self, init: CrdtInit) -> Reaction<CrdtStreamOut> {
        if self.entity.is_some() && !self.faults.is(Fault::SecondInitRestarts) {
            return fatal(0, "crdt: a second init on the same stream".to_owned());
        }
        let kind = match init.service_name.as_str() {
            CRDT_TWO | CRDT_CONFIGURED => Kind::CallOnly,
            name if name == CRDT_TCK_MODEL || self.faults.is(Fault::UnknownServiceServed) => {
                match CrdtEntity::new(&init.entity_id, init.delta.as_ref()) {
                    Ok(entity) => Kind::Model(entity.with_fault(self.faults.fault())),
                    Err(error) => return fatal(0, format!("crdt: bad init: {error}")),
                }
            }
            other => return fatal(0, format!("crdt: unknown service {other:?} in init")),
        };
        self.entity = Some(Active {
            kind,
            deleted: false,
        });
        Reaction::send(Vec::new())
    }

    fn delta(&mut self, delta: &CrdtDelta) -> Reaction<CrdtStreamOut> {
        let Some(active) = self.entity.as_mut() else {
            return fatal(0, "crdt: a delta before init".to_owned());
        };
        let Kind::Model(entity) = &mut active.kind else {
            return Reaction::send(Vec::new());
        };
        if active.deleted {
            return Reaction::send(Vec::new());
        }
        match entity.apply_delta(delta) {
            Ok(messages) => Reaction::send(streamed(messages).collect()),
            Err(_) if self.faults.is(Fault::MismatchedDeltaIgnored) => Reaction::send(Vec::new()),
            Err(error) => fatal(0, format!("crdt: bad delta: {error}")),
        }
    }

    fn delete(&mut self) -> Reaction<CrdtStreamOut> {
        let Some(active) = self.entity.as_mut() else {
            return fatal(0, "crdt: a delete before init".to_owned());
        };
        active.deleted = true;
        if let Kind::Model(entity) = &mut active.kind
            && let Err(error) = entity.clear()
        {
            return fatal(0, format!("crdt: {error}"));
        }
        Reaction::send(Vec::new())
    }

    fn command(&mut self, command: Command) -> Reaction<CrdtStreamOut> {
        let fault = self.faults.fault();
        if self.entity.is_none()
            && self.faults.is(Fault::CommandBeforeInitAccepted)
            && let Ok(entity) = CrdtEntity::new(&command.entity_id, None)
        {
            self.entity = Some(Active {
                kind: Kind::Model(entity.with_fault(fault)),
                deleted: false,
            });
        }
        let Some(active) = self.entity.as_mut() else {
            return fatal(0, "crdt: a command before init".to_owned());
        };
        if active.deleted {
            return send(failure(command.id, DELETED));
        }
        let name = match &active.kind {
            _ if !self.faults.is(Fault::CommandNameIgnored) => command.name.as_str(),
            Kind::Model(_) => PROCESS,
            Kind::CallOnly => CALL,
        };
        match (&mut active.kind, name) {
            (Kind::Model(entity), PROCESS) => {
                match unpack_command::<ModelRequest>(fault, command.payload.as_ref()) {
                    Ok(request) => {
                        let (mut answer, deleted) = entity.process(command.id, &request);
                        active.deleted = deleted;
                        if let Out::Reply(reply) = &mut answer.answer {
                            crate::model::fault::metadata::copy_into_entity(
                                fault,
                                command.metadata.as_ref(),
                                reply.client_action.as_mut(),
                                &mut reply.side_effects,
                            );
                        }
                        send(answer)
                    }
                    Err(error) => fatal(command.id, format!("crdt: {error}")),
                }
            }
            (Kind::Model(entity), PROCESS_STREAMED) => {
                match unpack_command::<StreamedRequest>(fault, command.payload.as_ref()) {
                    Ok(_) if !command.streamed => send(failure(
                        command.id,
                        "ProcessStreamed must be sent as a streamed command",
                    )),
                    Ok(request) => send(entity.open_stream(command.id, request)),
                    Err(error) => fatal(command.id, format!("crdt: {error}")),
                }
            }
            (Kind::CallOnly, CALL) => {
                match unpack_command::<ModelRequest>(fault, command.payload.as_ref()) {
                    Ok(request) => {
                        let mut reply = call_reply(command.id, &request);
                        if self.faults.is(Fault::CallDeleteIgnored) {
                            reply.state_action = None;
                        }
                        active.deleted = reply.state_action.is_some();
                        send(Answer {
                            answer: Out::Reply(reply),
                            streamed: Vec::new(),
                        })
                    }
                    Err(error) => fatal(command.id, format!("crdt: {error}")),
                }
            }
            (_, name) => fatal(command.id, format!("crdt: unknown command {name:?}")),
        }
    }

    fn cancelled(&mut self, cancelled: &StreamCancelled) -> Reaction<CrdtStreamOut> {
        let Some(active) = self.entity.as_mut() else {
            return fatal(0, "crdt: a stream cancellation before init".to_owned());
        };
        let answer = match &mut active.kind {
            Kind::Model(entity) if !active.deleted => entity.cancel(cancelled.id),
            // Nothing is streamed here: the cancellation changes nothing.
            _ => Ok(nothing_cancelled(cancelled.id)),
        };
        match answer {
            Ok(answer) => send(answer),
            Err(error) => fatal(cancelled.id, format!("crdt: cancel update failed: {error}")),
        }
    }
}

impl Session for CrdtSession {
    type In = CrdtStreamIn;
    type Out = CrdtStreamOut;

    fn on_message(&mut self, mut message: CrdtStreamIn) -> Reaction<CrdtStreamOut> {
        if let Some(answer) = fault::crdt::crdt_in(&mut self.faults, &mut message) {
            return answer;
        }
        let mut reaction = match message.message {
            Some(In::Init(init)) => self.init(init),
            Some(In::Delta(delta)) => self.delta(&delta),
            Some(In::Delete(_)) => self.delete(),
            Some(In::Command(command)) => self.command(command),
            Some(In::StreamCancelled(cancelled)) => self.cancelled(&cancelled),
            None => fatal(0, "crdt: an empty message".to_owned()),
        };
        fault::crdt::crdt_out(&self.faults, &mut reaction);
        reaction
    }

    fn on_batch(&mut self, mut batch: Vec<CrdtStreamIn>) -> Reaction<CrdtStreamOut> {
        let last_command = fault::crdt::batch_in(&self.faults, &mut batch);
        let mut reaction = each_message(self, batch);
        fault::crdt::batch_out(&self.faults, last_command, &mut reaction);
        reaction
    }
}

/// The `cloudstate.crdt.Crdt` service of the model.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct ModelCrdt {
    /// The deliberate fault the model is served with, if any.
    pub(crate) fault: Option<Fault>,
}

#[tonic::async_trait]
impl Crdt for ModelCrdt {
    type handleStream = ResponseStream<CrdtStreamOut>;

    async fn handle(
        &self,
        request: Request<Streaming<CrdtStreamIn>>,
    ) -> Result<Response<Self::handleStream>, Status> {
        let session = CrdtSession {
            entity: None,
            faults: StreamFaults::new(self.fault),
        };
        Ok(Response::new(drive(
            request.into_inner(),
            session,
            self.fault,
        )))
    }
}
