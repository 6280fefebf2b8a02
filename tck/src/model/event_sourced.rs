//! The event-sourced model (`EventSourcedTckModel`, `EventSourcedTwo`, `EventSourcedConfigured`) behind
//! `cloudstate.eventsourced.EventSourced`.
//!
//! The state is a string; each event `Persisted{value}` appends its value, and a snapshot replaces the
//! state. Protocol errors end the stream after a top-level `Failure` (see `spec/malformed-input.md`): a
//! first message that is not an init, a second init, an empty message, an event before init or after the
//! first command, an init for a service this model does not serve, and an undecodable snapshot or event
//! (`command_id` 0 for all of these), and a command with an unknown name or a payload of another type or
//! that does not decode (the command's id). The stream then completes with status OK. Event sequence
//! numbers are taken as given, not checked for gaps.

use cloudstate_protocol::cloudstate::eventsourced::event_sourced_server::EventSourced;
use cloudstate_protocol::cloudstate::eventsourced::event_sourced_stream_in::Message as In;
use cloudstate_protocol::cloudstate::eventsourced::event_sourced_stream_out::Message as Out;
use cloudstate_protocol::cloudstate::eventsourced::{
    EventSourcedEvent, EventSourcedInit, EventSourcedReply, EventSourcedStreamIn,
    EventSourcedStreamOut,
};
use cloudstate_protocol::cloudstate::tck::model::request_action::Action;
use cloudstate_protocol::cloudstate::tck::model::{
    Persisted, Request as ModelRequest, Response as ModelResponse,
};
use cloudstate_protocol::cloudstate::{
    ClientAction, Command, Failure, Forward, Reply, SideEffect, client_action,
};
use cloudstate_protocol::names::model::{
    EVENT_SOURCED_CONFIGURED, EVENT_SOURCED_TCK_MODEL, EVENT_SOURCED_TWO,
};
use tonic::{Request, Response, Status, Streaming};

use super::fault::{self, Fault, StreamFaults};
use super::payload::{pack, unpack};
use super::server::{Reaction, ResponseStream, Session, drive};
use crate::messages::event_sourced::{CALL, PROCESS};

/// The model takes a snapshot every this many events.
pub(crate) const SNAPSHOT_EVERY: i64 = 5;

/// The state of one event-sourced entity.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct EntityState {
    /// The concatenated event values.
    pub(crate) state: String,
    /// The sequence number of the last event applied (replayed, or emitted by an earlier command).
    pub(crate) sequence: i64,
}

/// Whether the events that moved the sequence from `before` to `after` reached or passed a multiple of
/// [`SNAPSHOT_EVERY`].
pub(crate) fn crosses_snapshot(before: i64, after: i64) -> bool {
    after.div_euclid(SNAPSHOT_EVERY) > before.div_euclid(SNAPSHOT_EVERY)
}

/// Runs the actions of one `Process` command against `entity`.
///
/// Emitted events are applied at once. The reply carries every emitted event, and a snapshot of the state
/// after all of them when they reach or pass a multiple of five. A `Fail` stops processing at once and
/// yields a `ClientAction.failure` (restart false) with no events, no snapshot and no side effects; the
/// entity, sequence number included, is left as it was. `fault` is the model's deliberate fault, if any.
pub(crate) fn process(
    fault: Option<Fault>,
    command_id: i64,
    entity: &mut EntityState,
    request: &ModelRequest,
) -> EventSourcedReply {
    let mut next = entity.clone();
    let mut events = Vec::new();
    let mut forward = None;
    let mut side_effects = Vec::new();
    for action in request.actions.iter().filter_map(|a| a.action.as_ref()) {
        match action {
            Action::Emit(emit) => {
                events.push(persisted(&emit.value));
                next.state.push_str(&emit.value);
                next.sequence += 1;
            }
            Action::Forward(target) => {
                forward = Some(Forward {
                    service_name: EVENT_SOURCED_TWO.to_owned(),
                    command_name: CALL.to_owned(),
                    payload: Some(pack(&two_request(&target.id))),
                    metadata: None,
                });
            }
            Action::Effect(effect) => side_effects.push(SideEffect {
                service_name: EVENT_SOURCED_TWO.to_owned(),
                command_name: CALL.to_owned(),
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
                    *entity = next;
                }
                return reply;
            }
        }
    }
    let due = if fault == Some(Fault::SnapshotOnExactMultiple) {
        next.sequence != entity.sequence && next.sequence % SNAPSHOT_EVERY == 0
    } else {
        crosses_snapshot(entity.sequence, next.sequence)
    };
    let snapshot = due.then(|| persisted(&next.state));
    let action = match forward {
        Some(forward) => client_action::Action::Forward(forward),
        None => client_action::Action::Reply(Reply {
            payload: Some(pack(&ModelResponse {
                message: next.state.clone(),
            })),
            metadata: None,
        }),
    };
    *entity = next;
    EventSourcedReply {
        command_id,
        client_action: Some(ClientAction {
            action: Some(action),
        }),
        side_effects,
        events,
        snapshot,
    }
}

/// An event or snapshot: `Persisted{value}`, packed.
fn persisted(value: &str) -> prost_types::Any {
    pack(&Persisted {
        value: value.to_owned(),
    })
}

fn two_request(id: &str) -> ModelRequest {
    ModelRequest {
        id: id.to_owned(),
        actions: Vec::new(),
    }
}

fn reply_with(command_id: i64, action: client_action::Action) -> EventSourcedReply {
    EventSourcedReply {
        command_id,
        client_action: Some(ClientAction {
            action: Some(action),
        }),
        side_effects: Vec::new(),
        events: Vec::new(),
        snapshot: None,
    }
}

fn failure_reply(command_id: i64, description: &str) -> EventSourcedReply {
    reply_with(
        command_id,
        client_action::Action::Failure(Failure {
            command_id,
            description: description.to_owned(),
            restart: false,
        }),
    )
}

fn fatal(command_id: i64, description: String) -> Reaction<EventSourcedStreamOut> {
    Reaction::send_and_end(EventSourcedStreamOut {
        message: Some(Out::Failure(Failure {
            command_id,
            description,
            restart: false,
        })),
    })
}

/// How many replayed events the model keeps under [`Fault::ReplayBounded`].
const REPLAY_BOUND: usize = 1000;

/// Which of the three event-sourced services a stream serves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Model,
    /// `EventSourcedTwo` or `EventSourcedConfigured`: `Call` only.
    CallOnly,
}

impl Kind {
    /// The one command the service has.
    fn command(self) -> &'static str {
        match self {
            Kind::Model => PROCESS,
            Kind::CallOnly => CALL,
        }
    }
}

#[derive(Debug)]
struct Entity {
    kind: Kind,
    state: EntityState,
    commands_seen: bool,
    /// How many events were replayed after the init.
    replayed: usize,
}

/// One `EventSourced.handle` stream.
#[derive(Debug, Default)]
pub(crate) struct EventSourcedSession {
    entity: Option<Entity>,
    faults: StreamFaults,
}

impl EventSourcedSession {
    /// A new stream of a model served with `fault`.
    pub(crate) fn new(fault: Option<Fault>) -> Self {
        Self {
            entity: None,
            faults: StreamFaults::new(fault),
        }
    }

    fn init(&mut self, init: EventSourcedInit) -> Reaction<EventSourcedStreamOut> {
        if self.entity.is_some() && !self.faults.is(Fault::SecondInitRestarts) {
            return fatal(
                0,
                "event sourced: a second init on the same stream".to_owned(),
            );
        }
        let kind = match init.service_name.as_str() {
            EVENT_SOURCED_TCK_MODEL => Kind::Model,
            EVENT_SOURCED_TWO | EVENT_SOURCED_CONFIGURED => Kind::CallOnly,
            _ if self.faults.is(Fault::UnknownServiceServed) => Kind::Model,
            other => {
                return fatal(
                    0,
                    format!("event sourced: unknown service {other:?} in init"),
                );
            }
        };
        let state = match init.snapshot {
            None => EntityState::default(),
            Some(snapshot) => match unpack::<Persisted>(snapshot.snapshot.as_ref()) {
                Ok(persisted) => EntityState {
                    state: persisted.value,
                    sequence: if self.faults.is(Fault::SnapshotSequenceIgnored) {
                        0
                    } else {
                        snapshot.snapshot_sequence
                    },
                },
                Err(error) => return fatal(0, format!("event sourced: bad snapshot: {error}")),
            },
        };
        self.entity = Some(Entity {
            kind,
            state,
            commands_seen: false,
            replayed: 0,
        });
        Reaction::send(Vec::new())
    }

    fn event(&mut self, event: EventSourcedEvent) -> Reaction<EventSourcedStreamOut> {
        let Some(entity) = self.entity.as_mut() else {
            return fatal(0, "event sourced: an event before init".to_owned());
        };
        if entity.commands_seen && !self.faults.is(Fault::LateEventsApplied) {
            return fatal(0, "event sourced: an event after a command".to_owned());
        }
        entity.replayed += 1;
        if entity.replayed > REPLAY_BOUND && self.faults.is(Fault::ReplayBounded) {
            return Reaction::send(Vec::new());
        }
        match unpack::<Persisted>(event.payload.as_ref()) {
            Ok(persisted) => {
                entity.state.state.push_str(&persisted.value);
                entity.state.sequence = event.sequence;
                Reaction::send(Vec::new())
            }
            Err(error) => fatal(
                0,
                format!("event sourced: bad event {}: {error}", event.sequence),
            ),
        }
    }

    fn command(&mut self, command: Command) -> Reaction<EventSourcedStreamOut> {
        if self.entity.is_none() && self.faults.is(Fault::CommandBeforeInitAccepted) {
            self.entity = Some(Entity {
                kind: Kind::Model,
                state: EntityState::default(),
                commands_seen: false,
                replayed: 0,
            });
        }
        let Some(entity) = self.entity.as_mut() else {
            return fatal(0, "event sourced: a command before init".to_owned());
        };
        entity.commands_seen = true;
        let request = match fault::payload::unpack_command::<ModelRequest>(
            self.faults.fault(),
            command.payload.as_ref(),
        ) {
            Ok(request) => request,
            Err(error) => return fatal(command.id, format!("event sourced: {error}")),
        };
        let name = if self.faults.is(Fault::CommandNameIgnored) {
            entity.kind.command()
        } else {
            command.name.as_str()
        };
        let runs_actions = self.faults.is(Fault::CallRunsActions);
        let mut reply = match (entity.kind, name) {
            (Kind::Model, PROCESS) | (Kind::CallOnly, CALL) if runs_actions || name == PROCESS => {
                process(self.faults.fault(), command.id, &mut entity.state, &request)
            }
            (Kind::CallOnly, CALL) => reply_with(
                command.id,
                client_action::Action::Reply(Reply {
                    payload: Some(pack(&ModelResponse::default())),
                    metadata: None,
                }),
            ),
            (_, name) => {
                return fatal(
                    command.id,
                    format!("event sourced: unknown command {name:?}"),
                );
            }
        };
        fault::metadata::copy_into_entity(
            self.faults.fault(),
            command.metadata.as_ref(),
            reply.client_action.as_mut(),
            &mut reply.side_effects,
        );
        Reaction::send(vec![EventSourcedStreamOut {
            message: Some(Out::Reply(reply)),
        }])
    }
}

impl Session for EventSourcedSession {
    type In = EventSourcedStreamIn;
    type Out = EventSourcedStreamOut;

    fn on_message(&mut self, mut message: EventSourcedStreamIn) -> Reaction<EventSourcedStreamOut> {
        if let Some(answer) = fault::entity::event_sourced_in(&mut self.faults, &mut message) {
            return answer;
        }
        let mut reaction = match message.message {
            Some(In::Init(init)) => self.init(init),
            Some(In::Event(event)) => self.event(event),
            Some(In::Command(command)) => self.command(command),
            None => fatal(0, "event sourced: an empty message".to_owned()),
        };
        fault::entity::event_sourced_out(&self.faults, &mut reaction);
        reaction
    }
}

/// The `cloudstate.eventsourced.EventSourced` service of the model.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct ModelEventSourced {
    /// The deliberate fault the model is served with, if any.
    pub(crate) fault: Option<Fault>,
}

#[tonic::async_trait]
impl EventSourced for ModelEventSourced {
    type handleStream = ResponseStream<EventSourcedStreamOut>;

    async fn handle(
        &self,
        request: Request<Streaming<EventSourcedStreamIn>>,
    ) -> Result<Response<Self::handleStream>, Status> {
        Ok(Response::new(drive(
            request.into_inner(),
            EventSourcedSession::new(self.fault),
            self.fault,
        )))
    }
}

#[cfg(test)]
#[path = "event_sourced_tests.rs"]
mod tests;
