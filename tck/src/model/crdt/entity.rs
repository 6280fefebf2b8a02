//! One CRDT entity of the model: its value, its open streamed commands, and how it answers commands.
//!
//! Every change is computed on a copy of the value and kept only when the command succeeds, so a failed
//! command leaves the value, and any change still to be reported, exactly as they were.

use cloudstate_protocol::cloudstate::crdt::{
    CrdtDelete, CrdtDelta, CrdtReply, CrdtStateAction, CrdtStreamCancelledResponse,
    CrdtStreamedMessage, CrdtWriteConsistency, crdt_state_action,
};
use cloudstate_protocol::cloudstate::tck::model::crdt::{
    Effect, Request as ModelRequest, Response as ModelResponse, State, StreamedRequest, Update,
    UpdateWriteConsistency, request_action::Action,
};
use cloudstate_protocol::cloudstate::{
    ClientAction, Failure, Forward, Reply, SideEffect, client_action,
};
use cloudstate_protocol::names::model::CRDT_TWO;

use super::update::{apply_update, state_of};
use super::value::CrdtValue;
use crate::messages::crdt::CALL;
use crate::model::fault::{self, Fault};
use crate::model::payload::pack;

/// What a command or a cancellation produced: the answer to it, then the streamed messages that its
/// change of the value caused for other streamed commands.
#[derive(Debug)]
pub(crate) struct Answer {
    /// The reply or the cancellation response.
    pub(crate) answer: Out,
    /// Streamed messages, in the order the streamed commands were opened.
    pub(crate) streamed: Vec<CrdtStreamedMessage>,
}

/// A message the entity sends in answer to one incoming message.
#[derive(Debug)]
pub(crate) enum Out {
    /// The reply to a command.
    Reply(CrdtReply),
    /// The answer to a `StreamCancelled`.
    Cancelled(CrdtStreamCancelledResponse),
}

/// A streamed command that is still open.
#[derive(Debug)]
struct Subscription {
    command_id: i64,
    request: StreamedRequest,
}

/// The value of a `CrdtTckModel` entity and its open streamed commands.
#[derive(Debug)]
pub(crate) struct CrdtEntity {
    value: CrdtValue,
    subscriptions: Vec<Subscription>,
    /// The deliberate fault the model is served with, if any.
    fault: Option<Fault>,
    /// Received deltas that [`Fault::ReplicatedDeltasEchoed`] reports back.
    echo: Vec<CrdtDelta>,
}

impl CrdtEntity {
    /// An entity whose CRDT type is the prefix of `entity_id`, started from the init's delta when there is
    /// one, else new (a new LWWRegister still has its creation to report).
    pub(crate) fn new(entity_id: &str, delta: Option<&CrdtDelta>) -> Result<Self, String> {
        let value = match delta {
            Some(delta) => CrdtValue::from_delta(entity_id, delta)?,
            None => CrdtValue::for_name(entity_id)?,
        };
        Ok(Self {
            value,
            subscriptions: Vec::new(),
            fault: None,
            echo: Vec::new(),
        })
    }

    /// The entity, served with `fault`.
    pub(crate) fn with_fault(self, fault: Option<Fault>) -> Self {
        Self { fault, ..self }
    }

    /// The current value as the model's `State`.
    pub(crate) fn state(&self) -> State {
        state_of(&self.value)
    }

    /// Applies a delta from the proxy; open streamed commands hear of the change.
    pub(crate) fn apply_delta(
        &mut self,
        delta: &CrdtDelta,
    ) -> Result<Vec<CrdtStreamedMessage>, String> {
        let before = self.state();
        self.value.apply_delta(delta)?;
        fault::crdt::received(self.fault, &mut self.value, delta);
        if self.fault == Some(Fault::ReplicatedDeltasEchoed) {
            self.echo.push(delta.clone());
        }
        Ok(self.notify_if_changed(&before))
    }

    /// The proxy deleted the entity: it starts again from a new value and its streamed commands are
    /// dropped.
    pub(crate) fn clear(&mut self) -> Result<(), String> {
        self.value = CrdtValue::for_name(self.value.type_name())?;
        // A cleared register is not a write of this node's: there is nothing to report.
        let _creation = self.value.take_delta();
        self.subscriptions.clear();
        Ok(())
    }

    /// Runs a `Process` command. Returns the answer and whether the command deleted the entity.
    pub(crate) fn process(&mut self, command_id: i64, request: &ModelRequest) -> (Answer, bool) {
        let before = self.state();
        let mut next = self.value.clone();
        let mut write_consistency = 0;
        let mut delete = false;
        let mut forward = None;
        let mut side_effects = Vec::new();
        let mut gross = Vec::new();
        for action in request.actions.iter().filter_map(|a| a.action.as_ref()) {
            match action {
                Action::Update(update) => {
                    if let Err(error) = apply_update(&mut next, update, self.fault) {
                        return (failure(command_id, &error), false);
                    }
                    if self.fault == Some(Fault::GrossDeltas) {
                        gross.extend(next.take_delta());
                    }
                    write_consistency = consistency(update);
                }
                Action::Delete(_) => delete = true,
                Action::Forward(target) => forward = Some(target.id.clone()),
                Action::Fail(fail) => return (failure(command_id, &fail.message), false),
                Action::Effect(effect) => side_effects.push(side_effect(effect)),
            }
        }
        self.value = next;
        let delta = self.reported_delta(gross);
        let state_action = if delete {
            Some(state_action(
                crdt_state_action::Action::Delete(CrdtDelete {}),
                write_consistency,
            ))
        } else {
            delta.map(|delta| {
                state_action(crdt_state_action::Action::Update(delta), write_consistency)
            })
        };
        let client_action = match forward {
            Some(id) => client_action::Action::Forward(Forward {
                service_name: CRDT_TWO.to_owned(),
                command_name: CALL.to_owned(),
                payload: Some(pack(&two_request(&id))),
                metadata: None,
            }),
            None => reply_with(self.state()),
        };
        let reply = CrdtReply {
            command_id,
            client_action: Some(ClientAction {
                action: Some(client_action),
            }),
            side_effects,
            state_action,
            streamed: false,
        };
        let streamed = if delete {
            self.subscriptions.clear();
            Vec::new()
        } else {
            self.notify_if_changed(&before)
        };
        let answer = Answer {
            answer: Out::Reply(reply),
            streamed,
        };
        (answer, delete)
    }

    /// Opens a `ProcessStreamed` command: applies its initial update, replies with `streamed` set (and with
    /// the state unless `empty`), and from then on streams the state of each change to it.
    pub(crate) fn open_stream(&mut self, command_id: i64, request: StreamedRequest) -> Answer {
        let before = self.state();
        let mut next = self.value.clone();
        let mut write_consistency = 0;
        if let Some(update) = &request.initial_update {
            if let Err(error) = apply_update(&mut next, update, self.fault) {
                return failure(command_id, &error);
            }
            write_consistency = consistency(update);
        }
        self.value = next;
        let state_action = self
            .reported_delta(Vec::new())
            .map(|delta| state_action(crdt_state_action::Action::Update(delta), write_consistency));
        let client_action = (!request.empty).then(|| ClientAction {
            action: Some(reply_with(self.state())),
        });
        let reply = CrdtReply {
            command_id,
            client_action,
            side_effects: Vec::new(),
            state_action,
            streamed: true,
        };
        // The streams opened before this one hear of its initial update; this one does not.
        let streamed = self.notify_if_changed(&before);
        self.subscriptions.push(Subscription {
            command_id,
            request,
        });
        Answer {
            answer: Out::Reply(reply),
            streamed,
        }
    }

    /// The proxy cancelled streamed command `command_id`: its cancel update, if any, is applied and
    /// reported in the response. A command that is not open (never streamed, ended or cancelled) gets an
    /// empty response ([`Fault::UnknownCancellationFails`]: an error).
    pub(crate) fn cancel(&mut self, command_id: i64) -> Result<Answer, String> {
        let Some(index) = self
            .subscriptions
            .iter()
            .position(|s| s.command_id == command_id)
        else {
            if self.fault == Some(Fault::UnknownCancellationFails) {
                return Err(format!("no streamed command {command_id} to cancel"));
            }
            return Ok(nothing_cancelled(command_id));
        };
        let subscription = self.subscriptions.remove(index);
        let before = self.state();
        let mut response = CrdtStreamCancelledResponse {
            command_id,
            side_effects: Vec::new(),
            state_action: None,
        };
        if let Some(update) = &subscription.request.cancel_update {
            let mut next = self.value.clone();
            apply_update(&mut next, update, self.fault)?;
            self.value = next;
            response.state_action = self.value.take_delta().map(|delta| {
                state_action(
                    crdt_state_action::Action::Update(delta),
                    consistency(update),
                )
            });
        }
        Ok(Answer {
            answer: Out::Cancelled(response),
            streamed: self.notify_if_changed(&before),
        })
    }

    /// The change a reply reports: the net local change since the last report, or, under a fault, the
    /// `gross` per-operation changes or the received deltas with it.
    fn reported_delta(&mut self, gross: Vec<CrdtDelta>) -> Option<CrdtDelta> {
        let net = self.value.take_delta();
        match self.fault {
            Some(Fault::GrossDeltas) => fault::crdt::merge(gross.into_iter().chain(net)),
            Some(Fault::ReplicatedDeltasEchoed) => {
                fault::crdt::merge(self.echo.drain(..).chain(net))
            }
            _ => net,
        }
    }

    /// When the state differs from `before`, one streamed message with the new state for each open,
    /// non-empty streamed command, with its effects; a command whose end state is reached ends.
    fn notify_if_changed(&mut self, before: &State) -> Vec<CrdtStreamedMessage> {
        let state = self.state();
        if &state == before {
            return Vec::new();
        }
        let mut messages = Vec::new();
        self.subscriptions.retain(|subscription| {
            let request = &subscription.request;
            if request.empty {
                return true;
            }
            let end_stream = request.end_state.as_ref() == Some(&state);
            messages.push(CrdtStreamedMessage {
                command_id: subscription.command_id,
                client_action: Some(ClientAction {
                    action: Some(reply_with(state.clone())),
                }),
                side_effects: request.effects.iter().map(side_effect).collect(),
                end_stream,
            });
            !end_stream
        });
        messages
    }
}

/// The reply of a `Call` of `CrdtTwo` or `CrdtConfigured`: an empty `Response`, with a delete when the
/// request asks for one (its other actions are ignored).
pub(crate) fn call_reply(command_id: i64, request: &ModelRequest) -> CrdtReply {
    let delete = request
        .actions
        .iter()
        .any(|a| matches!(a.action, Some(Action::Delete(_))));
    CrdtReply {
        command_id,
        client_action: Some(ClientAction {
            action: Some(client_action::Action::Reply(Reply {
                payload: Some(pack(&ModelResponse::default())),
                metadata: None,
            })),
        }),
        side_effects: Vec::new(),
        state_action: delete
            .then(|| state_action(crdt_state_action::Action::Delete(CrdtDelete {}), 0)),
        streamed: false,
    }
}

/// The answer to the cancellation of a command that is not open: an empty response.
pub(crate) fn nothing_cancelled(command_id: i64) -> Answer {
    Answer {
        answer: Out::Cancelled(CrdtStreamCancelledResponse {
            command_id,
            side_effects: Vec::new(),
            state_action: None,
        }),
        streamed: Vec::new(),
    }
}

/// A reply to a command that failed: the failure as its client action, and nothing else.
pub(crate) fn failure(command_id: i64, description: &str) -> Answer {
    let reply = CrdtReply {
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
        streamed: false,
    };
    Answer {
        answer: Out::Reply(reply),
        streamed: Vec::new(),
    }
}

fn reply_with(state: State) -> client_action::Action {
    client_action::Action::Reply(Reply {
        payload: Some(pack(&ModelResponse { state: Some(state) })),
        metadata: None,
    })
}

fn state_action(action: crdt_state_action::Action, write_consistency: i32) -> CrdtStateAction {
    CrdtStateAction {
        write_consistency,
        action: Some(action),
    }
}

fn two_request(id: &str) -> ModelRequest {
    ModelRequest {
        id: id.to_owned(),
        actions: Vec::new(),
    }
}

/// A side effect to `CrdtTwo.Call` with `Request{id}`.
fn side_effect(effect: &Effect) -> SideEffect {
    SideEffect {
        service_name: CRDT_TWO.to_owned(),
        command_name: CALL.to_owned(),
        payload: Some(pack(&two_request(&effect.id))),
        synchronous: effect.synchronous,
        metadata: None,
    }
}

/// The protocol write consistency for the one an update asks for (an unknown level is taken as `LOCAL`).
fn consistency(update: &Update) -> i32 {
    let level = match UpdateWriteConsistency::try_from(update.write_consistency) {
        Ok(UpdateWriteConsistency::Majority) => CrdtWriteConsistency::Majority,
        Ok(UpdateWriteConsistency::All) => CrdtWriteConsistency::All,
        Ok(UpdateWriteConsistency::Local) | Err(_) => CrdtWriteConsistency::Local,
    };
    level.into()
}

#[cfg(test)]
#[path = "entity_tests.rs"]
mod tests;
