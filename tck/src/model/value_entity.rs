//! The value-entity model (`ValueEntityTckModel`, `ValueEntityTwo`, `ValueEntityConfigured`) behind
//! `cloudstate.valueentity.ValueEntity`.
//!
//! Protocol errors end the stream after a top-level `Failure`: a first message that is not an init, a
//! second init, an empty message (`command_id` 0 for these), an init for a service this model does not
//! serve or with an undecodable state (0), and a command with an unknown name or a bad payload (the
//! command's id). The stream then completes with status OK. The command's `entity_id` is not checked.

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
    VALUE_ENTITY_CONFIGURED, VALUE_ENTITY_TCK_MODEL, VALUE_ENTITY_TWO,
};
use tonic::{Request, Response, Status, Streaming};

use super::payload::{pack, unpack};
use super::server::{Reaction, ResponseStream, Session, drive};

/// Runs the actions of one `Process` command against `state` (empty string = no value).
///
/// Returns the reply and the state after the command. Only the net state action is reported: the last
/// update or delete of the command, whatever the state was before (so a delete is reported even when
/// nothing was stored). A `Fail` stops processing at once and yields a `ClientAction.failure` with no state
/// action and no side effects; the state is unchanged.
pub(crate) fn process(
    command_id: i64,
    state: &str,
    request: &ModelRequest,
) -> (ValueEntityReply, String) {
    let mut current = state.to_owned();
    let mut state_action = None;
    let mut forward = None;
    let mut side_effects = Vec::new();
    for action in request.actions.iter().filter_map(|a| a.action.as_ref()) {
        match action {
            Action::Update(update) => {
                current.clone_from(&update.value);
                state_action = Some(StateAction::Update(ValueEntityUpdate {
                    value: Some(pack(&Persisted {
                        value: update.value.clone(),
                    })),
                }));
            }
            Action::Delete(_) => {
                current.clear();
                state_action = Some(StateAction::Delete(ValueEntityDelete {}));
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
                return (failure_reply(command_id, &fail.message), state.to_owned());
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
}

impl ValueEntitySession {
    fn init(&mut self, init: ValueEntityInit) -> Reaction<ValueEntityStreamOut> {
        if self.entity.is_some() {
            return fatal(
                0,
                "value entity: a second init on the same stream".to_owned(),
            );
        }
        let kind = match init.service_name.as_str() {
            VALUE_ENTITY_TCK_MODEL => Kind::Model,
            VALUE_ENTITY_TWO | VALUE_ENTITY_CONFIGURED => Kind::CallOnly,
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
        let Some(entity) = self.entity.as_mut() else {
            return fatal(command.id, "value entity: a command before init".to_owned());
        };
        let request = match unpack::<ModelRequest>(command.payload.as_ref()) {
            Ok(request) => request,
            Err(error) => return fatal(command.id, format!("value entity: {error}")),
        };
        let reply = match (entity.kind, command.name.as_str()) {
            (Kind::Model, "Process") => {
                let (reply, state) = process(command.id, &entity.state, &request);
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
        Reaction::send(vec![ValueEntityStreamOut {
            message: Some(Out::Reply(reply)),
        }])
    }
}

impl Session for ValueEntitySession {
    type In = ValueEntityStreamIn;
    type Out = ValueEntityStreamOut;

    fn on_message(&mut self, message: ValueEntityStreamIn) -> Reaction<ValueEntityStreamOut> {
        match message.message {
            Some(In::Init(init)) => self.init(init),
            Some(In::Command(command)) => self.command(command),
            None => fatal(0, "value entity: an empty message".to_owned()),
        }
    }
}

/// The `cloudstate.valueentity.ValueEntity` service of the model.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct ModelValueEntity;

#[tonic::async_trait]
impl ValueEntity for ModelValueEntity {
    type handleStream = ResponseStream<ValueEntityStreamOut>;

    async fn handle(
        &self,
        request: Request<Streaming<ValueEntityStreamIn>>,
    ) -> Result<Response<Self::handleStream>, Status> {
        Ok(Response::new(drive(
            request.into_inner(),
            ValueEntitySession::default(),
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use cloudstate_protocol::cloudstate::tck::model::valueentity::{
        Delete, Effect, Fail, RequestAction, Update,
    };

    fn update(value: &str) -> RequestAction {
        RequestAction {
            action: Some(Action::Update(Update {
                value: value.into(),
            })),
        }
    }
    fn delete() -> RequestAction {
        RequestAction {
            action: Some(Action::Delete(Delete {})),
        }
    }
    fn request(actions: Vec<RequestAction>) -> ModelRequest {
        ModelRequest {
            id: "entity-1".into(),
            actions,
        }
    }
    fn reply_message(reply: &ValueEntityReply) -> Option<String> {
        match reply.client_action.as_ref()?.action.as_ref()? {
            client_action::Action::Reply(reply) => unpack::<ModelResponse>(reply.payload.as_ref())
                .ok()
                .map(|r| r.message),
            _ => None,
        }
    }
    fn updated(value: &str) -> Option<ValueEntityAction> {
        Some(ValueEntityAction {
            action: Some(StateAction::Update(ValueEntityUpdate {
                value: Some(pack(&Persisted {
                    value: value.into(),
                })),
            })),
        })
    }
    fn deleted() -> Option<ValueEntityAction> {
        Some(ValueEntityAction {
            action: Some(StateAction::Delete(ValueEntityDelete {})),
        })
    }

    #[test]
    fn only_the_net_state_action_is_reported() {
        let (reply, state) = process(1, "", &request(vec![update("A"), update("B"), update("C")]));
        assert_eq!((reply.state_action, state.as_str()), (updated("C"), "C"));
        let (reply, state) = process(2, "", &request(vec![update("A"), update("B"), delete()]));
        assert_eq!(
            (reply.state_action.clone(), state.as_str()),
            (deleted(), "")
        );
        assert_eq!(reply_message(&reply).as_deref(), Some(""));
        let (reply, state) = process(3, "", &request(vec![update("A"), delete(), update("B")]));
        assert_eq!((reply.state_action, state.as_str()), (updated("B"), "B"));
        let (reply, state) = process(4, "X", &request(vec![]));
        assert_eq!((reply.state_action.clone(), state.as_str()), (None, "X"));
        assert_eq!(reply_message(&reply).as_deref(), Some("X"));
    }

    #[test]
    fn failure_keeps_state_and_drops_side_effects() {
        let effect = RequestAction {
            action: Some(Action::Effect(Effect {
                id: "other".into(),
                synchronous: false,
            })),
        };
        let fail = RequestAction {
            action: Some(Action::Fail(Fail {
                message: "boom".into(),
            })),
        };
        let (reply, state) = process(7, "A", &request(vec![update("B"), effect, fail]));
        assert_eq!(state, "A");
        assert_eq!(reply, failure_reply(7, "boom"));
        assert!(reply.side_effects.is_empty() && reply.state_action.is_none());
    }

    #[test]
    fn protocol_errors_end_the_stream_with_a_failure() {
        let mut session = ValueEntitySession::default();
        let command = Command {
            id: 3,
            name: "Process".into(),
            ..Command::default()
        };
        let early = session.on_message(ValueEntityStreamIn {
            message: Some(In::Command(command)),
        });
        assert!(early.end);
        assert!(matches!(
            early.out.first(),
            Some(Ok(ValueEntityStreamOut {
                message: Some(Out::Failure(Failure { command_id: 3, .. }))
            }))
        ));
        let empty = ValueEntitySession::default().on_message(ValueEntityStreamIn { message: None });
        assert!(empty.end);
    }
}
