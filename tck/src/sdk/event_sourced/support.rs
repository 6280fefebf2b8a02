//! Builders for the event-sourced exchanges: what the TCK sends as the proxy, and the replies it expects.

use cloudstate_protocol::cloudstate::eventsourced::{
    EventSourcedEvent, EventSourcedInit, EventSourcedReply, EventSourcedSnapshot,
    EventSourcedStreamIn, EventSourcedStreamOut, event_sourced_stream_in, event_sourced_stream_out,
};
use cloudstate_protocol::cloudstate::tck::model::{
    Effect, Emit, Fail, Forward, Persisted, Request, RequestAction, Response, request_action,
};
use cloudstate_protocol::cloudstate::{ClientAction, client_action};
use cloudstate_protocol::names::model::{EVENT_SOURCED_TCK_MODEL, EVENT_SOURCED_TWO};
use prost_types::Any;

use crate::messages::{command, failure_message, forward, pack, reply, side_effect};

/// Full name of the model's request message.
const REQUEST: &str = "cloudstate.tck.model.Request";
/// Full name of the model's response message.
const RESPONSE: &str = "cloudstate.tck.model.Response";
/// Full name of the model's events and snapshots.
const PERSISTED: &str = "cloudstate.tck.model.Persisted";

/// The command of `EventSourcedTckModel`.
const PROCESS: &str = "Process";
/// The command of `EventSourcedTwo`, the target of forwards and side effects.
const CALL: &str = "Call";

/// The failure message the cases ask the model to fail with.
pub(super) const EXPECTED_FAILURE: &str = "expected failure";

/// The init of an `EventSourcedTckModel` entity with no snapshot.
pub(super) fn init(entity_id: &str) -> EventSourcedStreamIn {
    init_with(entity_id, None)
}

/// The init of an `EventSourcedTckModel` entity with the snapshot `Persisted{state}` at `sequence`.
pub(super) fn init_snapshot(entity_id: &str, sequence: i64, state: &str) -> EventSourcedStreamIn {
    init_with(
        entity_id,
        Some(EventSourcedSnapshot {
            snapshot_sequence: sequence,
            snapshot: Some(persisted(state)),
        }),
    )
}

fn init_with(entity_id: &str, snapshot: Option<EventSourcedSnapshot>) -> EventSourcedStreamIn {
    EventSourcedStreamIn {
        message: Some(event_sourced_stream_in::Message::Init(EventSourcedInit {
            service_name: EVENT_SOURCED_TCK_MODEL.to_owned(),
            entity_id: entity_id.to_owned(),
            snapshot,
        })),
    }
}

/// The replayed event `Persisted{value}` with this sequence number.
pub(super) fn event(sequence: i64, value: &str) -> EventSourcedStreamIn {
    EventSourcedStreamIn {
        message: Some(event_sourced_stream_in::Message::Event(EventSourcedEvent {
            sequence,
            payload: Some(persisted(value)),
        })),
    }
}

/// Command `id` to `EventSourcedTckModel.Process` with `Request{entity_id, actions}`.
pub(super) fn process(
    entity_id: &str,
    id: i64,
    actions: Vec<RequestAction>,
) -> EventSourcedStreamIn {
    let request = Request {
        id: entity_id.to_owned(),
        actions,
    };
    EventSourcedStreamIn {
        message: Some(event_sourced_stream_in::Message::Command(command(
            entity_id,
            id,
            PROCESS,
            pack(REQUEST, &request),
        ))),
    }
}

fn action(action: request_action::Action) -> RequestAction {
    RequestAction {
        action: Some(action),
    }
}

/// The action `Emit{value}`.
pub(super) fn emit(value: &str) -> RequestAction {
    action(request_action::Action::Emit(Emit {
        value: value.to_owned(),
    }))
}

/// One `Emit` action per value, in order.
pub(super) fn emits(values: &[&str]) -> Vec<RequestAction> {
    values.iter().map(|value| emit(value)).collect()
}

/// The action `Forward{id}`.
pub(super) fn forward_to(id: &str) -> RequestAction {
    action(request_action::Action::Forward(Forward {
        id: id.to_owned(),
    }))
}

/// The action `Effect{id, synchronous}`.
pub(super) fn effect(id: &str, synchronous: bool) -> RequestAction {
    action(request_action::Action::Effect(Effect {
        id: id.to_owned(),
        synchronous,
    }))
}

/// One asynchronous `Effect` action per id, in order.
pub(super) fn effects(ids: &[&str]) -> Vec<RequestAction> {
    ids.iter().map(|id| effect(id, false)).collect()
}

/// The action `Fail{message}`.
pub(super) fn fail(message: &str) -> RequestAction {
    action(request_action::Action::Fail(Fail {
        message: message.to_owned(),
    }))
}

/// `Persisted{value}`, packed: the model's events and snapshots.
pub(super) fn persisted(value: &str) -> Any {
    pack(
        PERSISTED,
        &Persisted {
            value: value.to_owned(),
        },
    )
}

/// `Request{id}`, packed: the payload of forwards and side effects to `EventSourcedTwo.Call`.
fn request_to_two(id: &str) -> Any {
    pack(
        REQUEST,
        &Request {
            id: id.to_owned(),
            actions: Vec::new(),
        },
    )
}

/// A reply the TCK expects, built up field by field.
#[derive(Debug, Clone)]
pub(super) struct Expected(EventSourcedReply);

impl Expected {
    fn with_action(command_id: i64, client_action: Option<ClientAction>) -> Self {
        Expected(EventSourcedReply {
            command_id,
            client_action,
            side_effects: Vec::new(),
            events: Vec::new(),
            snapshot: None,
        })
    }

    /// Reply to command `command_id` with `Response{message}`, and no events, snapshot or side effects.
    pub(super) fn reply(command_id: i64, message: &str) -> Self {
        Self::with_action(
            command_id,
            reply(pack(
                RESPONSE,
                &Response {
                    message: message.to_owned(),
                },
            )),
        )
    }

    /// Forward of command `command_id` to `EventSourcedTwo.Call` with `Request{id}`.
    pub(super) fn forward(command_id: i64, id: &str) -> Self {
        Self::with_action(
            command_id,
            forward(EVENT_SOURCED_TWO, CALL, request_to_two(id)),
        )
    }

    /// Failure of command `command_id` with this description and this `restart` flag.
    pub(super) fn failure(command_id: i64, description: &str, restart: bool) -> Self {
        let failure = failure_message(command_id, description, restart);
        Self::with_action(
            command_id,
            Some(ClientAction {
                action: Some(client_action::Action::Failure(failure)),
            }),
        )
    }

    /// With the events `Persisted{value}`, one per value, after any already there.
    pub(super) fn events(mut self, values: &[&str]) -> Self {
        self.0
            .events
            .extend(values.iter().map(|value| persisted(value)));
        self
    }

    /// With the snapshot `Persisted{state}`.
    pub(super) fn snapshot(mut self, state: &str) -> Self {
        self.0.snapshot = Some(persisted(state));
        self
    }

    /// With one more side effect to `EventSourcedTwo.Call` carrying `Request{id}`.
    pub(super) fn side_effect(mut self, id: &str, synchronous: bool) -> Self {
        self.0.side_effects.push(side_effect(
            EVENT_SOURCED_TWO,
            CALL,
            request_to_two(id),
            synchronous,
        ));
        self
    }

    /// With one more asynchronous side effect per id, in order.
    pub(super) fn side_effects(self, ids: &[&str]) -> Self {
        ids.iter()
            .fold(self, |expected, id| expected.side_effect(id, false))
    }

    /// The stream message.
    pub(super) fn out(self) -> EventSourcedStreamOut {
        EventSourcedStreamOut {
            message: Some(event_sourced_stream_out::Message::Reply(self.0)),
        }
    }
}

#[cfg(test)]
mod tests {
    use prost::Message as _;

    use super::*;

    #[test]
    fn a_new_entity_gets_no_snapshot() {
        let Some(event_sourced_stream_in::Message::Init(init)) = init("entity-1").message else {
            panic!("not an init");
        };
        assert_eq!(init.service_name, EVENT_SOURCED_TCK_MODEL);
        assert_eq!(init.snapshot, None);
    }

    #[test]
    fn events_are_packed_as_the_model_persisted_message() {
        let any = persisted("A");
        assert_eq!(
            any.type_url,
            "type.googleapis.com/cloudstate.tck.model.Persisted"
        );
        assert_eq!(
            Persisted::decode(any.value.as_slice()).ok(),
            Some(Persisted { value: "A".into() })
        );
    }

    #[test]
    fn a_failure_names_its_command_twice_and_carries_nothing_else() {
        let Some(event_sourced_stream_out::Message::Reply(reply)) =
            Expected::failure(4, "boom", true).out().message
        else {
            panic!("not a reply");
        };
        assert_eq!(reply.command_id, 4);
        let Some(client_action::Action::Failure(failure)) =
            reply.client_action.and_then(|action| action.action)
        else {
            panic!("not a failure");
        };
        assert_eq!(
            (
                failure.command_id,
                failure.description.as_str(),
                failure.restart
            ),
            (4, "boom", true)
        );
        assert!(
            reply.events.is_empty() && reply.snapshot.is_none() && reply.side_effects.is_empty()
        );
    }
}
