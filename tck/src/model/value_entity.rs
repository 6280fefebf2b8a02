//! The value-entity model (`ValueEntityTckModel`, `ValueEntityTwo`, `ValueEntityConfigured`, and the
//! metadata model's `MetadataTckModelEntity`) behind `cloudstate.valueentity.ValueEntity`.
//!
//! Protocol errors end the stream after a top-level `Failure` (see `spec/malformed-input.md`): a first
//! message that is not an init, a second init, an empty message, an init for a service this model does not
//! serve or with an undecodable state (`command_id` 0 for these), and a command with an unknown name or a
//! payload of another type or that does not decode (the command's id). The stream then completes with
//! status OK. The command's `entity_id` is not checked.

use cloudstate_protocol::cloudstate::tck::model::valueentity::request_action::Action;
use cloudstate_protocol::cloudstate::tck::model::valueentity::{
    Persisted, Request as ModelRequest, Response as ModelResponse,
};
use cloudstate_protocol::cloudstate::valueentity::value_entity_action::Action as StateAction;
use cloudstate_protocol::cloudstate::valueentity::value_entity_server::ValueEntity;
use cloudstate_protocol::cloudstate::valueentity::value_entity_stream_in::Message as In;
use cloudstate_protocol::cloudstate::valueentity::value_entity_stream_out::Message as Out;
use cloudstate_protocol::cloudstate::valueentity::{
    ValueEntityAction, ValueEntityDelete, ValueEntityInit, ValueEntityReply, ValueEntityStreamIn,
    ValueEntityStreamOut, ValueEntityUpdate,
};
use cloudstate_protocol::cloudstate::{
    ClientAction, Command, Failure, Forward, Reply, SideEffect, client_action,
};
use cloudstate_protocol::names::model::{
    METADATA_TCK_MODEL_ENTITY, VALUE_ENTITY_CONFIGURED, VALUE_ENTITY_TCK_MODEL, VALUE_ENTITY_TWO,
};
use tonic::{Request, Response, Status, Streaming};

use super::fault::{self, Fault, StreamFaults};
use super::metadata;
use super::payload::{pack, unpack};
use super::server::{Reaction, ResponseStream, Session, drive};

/// Runs the actions of one `Process` command against `state` (empty string = no value).
///
/// Returns the reply and the state after the command. Only the net state action is reported: the last
/// update or delete of the command, whatever the state was before (so a delete is reported even when
/// nothing was stored). A `Fail` stops processing at once and yields a `ClientAction.failure` with no state
/// action and no side effects; the state is unchanged. `fault` is the model's deliberate fault, if any.
pub(crate) fn process(
    fault: Option<Fault>,
    command_id: i64,
    state: &str,
    request: &ModelRequest,
) -> (ValueEntityReply, String) {
    let keeps_first = fault == Some(Fault::FirstStateActionWins);
    let mut current = state.to_owned();
    let mut state_action = None;
    let mut forward = None;
    let mut side_effects = Vec::new();
    for action in request.actions.iter().filter_map(|a| a.action.as_ref()) {
        match action {
            Action::Update(update) => {
                current.clone_from(&update.value);
                if !(keeps_first && state_action.is_some()) {
                    state_action = Some(StateAction::Update(ValueEntityUpdate {
                        value: Some(pack(&Persisted {
                            value: update.value.clone(),
                        })),
                    }));
                }
            }
            Action::Delete(_) => {
                if fault != Some(Fault::DeleteKeepsValue) {
                    current.clear();
                }
                if !(keeps_first && state_action.is_some()) {
                    state_action = Some(StateAction::Delete(ValueEntityDelete {}));
                }
            }
            Action::Forward(target) => {
                forward = Some(Forward {
                    service_name: VALUE_ENTITY_TWO.to_owned(),
                    command_name: "Call".to_owned(),
                    payload: Some(pack(&two_request(&target.id))),
                    metadata: None,
                });
            }
            Action::Effect(effect) => side_effects.push(SideEffect {
                service_name: VALUE_ENTITY_TWO.to_owned(),
                command_name: "Call".to_owned(),
                payload: Some(pack(&two_request(&effect.id))),
                synchronous: effect.synchronous,
                metadata: None,
            }),
            Action::Fail(fail) => {
                let mut reply = failure_reply(command_id, &fail.message);
                if fault == Some(Fault::FailureKeepsSideEffects) {
                    reply.side_effects = side_effects;
                }
                if fault == Some(Fault::FailureKeepsState) {
                    return (reply, current);
                }
                return (reply, state.to_owned());
            }
        }
    }
    let action = match forward {
        Some(forward) => client_action::Action::Forward(forward),
        None => client_action::Action::Reply(Reply {
            payload: Some(pack(&ModelResponse {
                message: current.clone(),
            })),
            metadata: None,
        }),
    };
    let reply = ValueEntityReply {
        command_id,
        client_action: Some(ClientAction {
            action: Some(action),
        }),
        side_effects,
        state_action: state_action.map(|action| ValueEntityAction {
            action: Some(action),
        }),
    };
    (reply, current)
}

fn two_request(id: &str) -> ModelRequest {
    ModelRequest {
        id: id.to_owned(),
        actions: Vec::new(),
    }
}

fn failure_reply(command_id: i64, description: &str) -> ValueEntityReply {
    ValueEntityReply {
        command_id,
        client_action: Some(ClientAction {
            action: Some(client_action::Action::Failure(Failure {
                command_id,
                description: description.to_owned(),
                restart: false,
            })),
        }),
        side_effects: Vec::new(),
        state_action: None,
    }
}

/// The reply of `ValueEntityTwo/Call` and `ValueEntityConfigured/Call`: an empty `Response`.
fn empty_reply(command_id: i64) -> ValueEntityReply {
    ValueEntityReply {
        command_id,
        client_action: Some(ClientAction {
            action: Some(client_action::Action::Reply(Reply {
                payload: Some(pack(&ModelResponse::default())),
                metadata: None,
            })),
        }),
        side_effects: Vec::new(),
        state_action: None,
    }
}

fn fatal(command_id: i64, description: String) -> Reaction<ValueEntityStreamOut> {
    Reaction::send_and_end(ValueEntityStreamOut {
        message: Some(Out::Failure(Failure {
            command_id,
            description,
            restart: false,
        })),
    })
}

/// Which of the three value-entity services a stream serves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Model,
    /// `ValueEntityTwo` or `ValueEntityConfigured`: `Call` only.
    CallOnly,
    /// `MetadataTckModelEntity`, of the metadata model: `Process` with a `MetadataRequest`.
    Metadata,
}

impl Kind {
    /// The one command the service has.
    fn command(self) -> &'static str {
        match self {
            Kind::Model | Kind::Metadata => "Process",
            Kind::CallOnly => "Call",
        }
    }
}

#[derive(Debug)]
struct Entity {
    kind: Kind,
    state: String,
}

/// One `ValueEntity.handle` stream.
#[derive(Debug, Default)]
pub(crate) struct ValueEntitySession {
    entity: Option<Entity>,
    faults: StreamFaults,
}

impl ValueEntitySession {
    fn init(&mut self, init: ValueEntityInit) -> Reaction<ValueEntityStreamOut> {
        if self.entity.is_some() && !self.faults.is(Fault::SecondInitRestarts) {
            return fatal(
                0,
                "value entity: a second init on the same stream".to_owned(),
            );
        }
        let kind = match init.service_name.as_str() {
            VALUE_ENTITY_TCK_MODEL => Kind::Model,
            VALUE_ENTITY_TWO | VALUE_ENTITY_CONFIGURED => Kind::CallOnly,
            METADATA_TCK_MODEL_ENTITY => Kind::Metadata,
            _ if self.faults.is(Fault::UnknownServiceServed) => Kind::Model,
            other => {
                return fatal(
                    0,
                    format!("value entity: unknown service {other:?} in init"),
                );
            }
        };
        let state = match init.state.and_then(|state| state.value) {
            None => String::new(),
            Some(value) => match unpack::<Persisted>(Some(&value)) {
                Ok(persisted) => persisted.value,
                Err(error) => return fatal(0, format!("value entity: bad init state: {error}")),
            },
        };
        self.entity = Some(Entity { kind, state });
        Reaction::send(Vec::new())
    }

    fn command(&mut self, command: Command) -> Reaction<ValueEntityStreamOut> {
        if self.entity.is_none() && self.faults.is(Fault::CommandBeforeInitAccepted) {
            self.entity = Some(Entity {
                kind: Kind::Model,
                state: String::new(),
            });
        }
        let Some(entity) = self.entity.as_mut() else {
            return fatal(0, "value entity: a command before init".to_owned());
        };
        if entity.kind == Kind::Metadata {
            return metadata_command(self.faults.fault(), &command);
        }
        let request = match fault::payload::unpack_command::<ModelRequest>(
            self.faults.fault(),
            command.payload.as_ref(),
        ) {
            Ok(request) => request,
            Err(error) => return fatal(command.id, format!("value entity: {error}")),
        };
        let name = if self.faults.is(Fault::CommandNameIgnored) {
            entity.kind.command()
        } else {
            command.name.as_str()
        };
        let runs_actions = self.faults.is(Fault::CallRunsActions);
        let mut reply = match (entity.kind, name) {
            (Kind::Model, "Process") | (Kind::CallOnly, "Call")
                if runs_actions || name == "Process" =>
            {
                let (reply, state) =
                    process(self.faults.fault(), command.id, &entity.state, &request);
                entity.state = state;
                reply
            }
            (Kind::CallOnly, "Call") => empty_reply(command.id),
            (_, name) => {
                return fatal(
                    command.id,
                    format!("value entity: unknown command {name:?}"),
                );
            }
        };
        fault::metadata::copy_into_entity(
            self.faults.fault(),
            command.metadata.as_ref(),
            reply.client_action.as_mut(),
            &mut reply.side_effects,
        );
        Reaction::send(vec![ValueEntityStreamOut {
            message: Some(Out::Reply(reply)),
        }])
    }
}

/// A command to `MetadataTckModelEntity`: the metadata model's answer, with no state action.
fn metadata_command(fault: Option<Fault>, command: &Command) -> Reaction<ValueEntityStreamOut> {
    if command.name != metadata::PROCESS && fault != Some(Fault::CommandNameIgnored) {
        return fatal(
            command.id,
            format!("value entity: unknown command {:?}", command.name),
        );
    }
    let request = match metadata::request(fault, command.payload.as_ref()) {
        Ok(request) => request,
        Err(error) => return fatal(command.id, format!("value entity: {error}")),
    };
    let (action, side_effects) =
        metadata::answer(fault, &request, command.metadata.as_ref()).into_entity();
    Reaction::send(vec![ValueEntityStreamOut {
        message: Some(Out::Reply(ValueEntityReply {
            command_id: command.id,
            client_action: Some(action),
            side_effects,
            state_action: None,
        })),
    }])
}

impl Session for ValueEntitySession {
    type In = ValueEntityStreamIn;
    type Out = ValueEntityStreamOut;

    fn on_message(&mut self, mut message: ValueEntityStreamIn) -> Reaction<ValueEntityStreamOut> {
        if let Some(answer) = fault::entity::value_entity_in(&mut self.faults, &mut message) {
            return answer;
        }
        let mut reaction = match message.message {
            Some(In::Init(init)) => self.init(init),
            Some(In::Command(command)) => self.command(command),
            None => fatal(0, "value entity: an empty message".to_owned()),
        };
        fault::entity::value_entity_out(&self.faults, &mut reaction);
        reaction
    }
}

/// The `cloudstate.valueentity.ValueEntity` service of the model.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct ModelValueEntity {
    /// The deliberate fault the model is served with, if any.
    pub(crate) fault: Option<Fault>,
}

#[tonic::async_trait]
impl ValueEntity for ModelValueEntity {
    type handleStream = ResponseStream<ValueEntityStreamOut>;

    async fn handle(
        &self,
        request: Request<Streaming<ValueEntityStreamIn>>,
    ) -> Result<Response<Self::handleStream>, Status> {
        let session = ValueEntitySession {
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

#[cfg(test)]
#[path = "value_entity_tests.rs"]
mod tests;
