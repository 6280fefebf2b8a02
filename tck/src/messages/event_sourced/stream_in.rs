//! The event-sourced protocol messages a proxy sends on `EventSourced.handle`: the init (with or without
//! a snapshot), the replayed events, and the commands that carry the model's requests.

use cloudstate_protocol::cloudstate::eventsourced::{
    EventSourcedEvent, EventSourcedInit, EventSourcedSnapshot, EventSourcedStreamIn,
    event_sourced_stream_in,
};
use cloudstate_protocol::cloudstate::tck::model::{Request, RequestAction};

use super::model::{CALL, PROCESS, REQUEST, call_request, persisted, request};
use crate::messages::{command, pack};

/// The stream message holding `message`.
fn stream_in(message: event_sourced_stream_in::Message) -> EventSourcedStreamIn {
    EventSourcedStreamIn {
        message: Some(message),
    }
}

/// The init of a `service` entity with this snapshot, if any.
fn init_with(
    service: &str,
    entity_id: &str,
    snapshot: Option<EventSourcedSnapshot>,
) -> EventSourcedStreamIn {
    stream_in(event_sourced_stream_in::Message::Init(EventSourcedInit {
        service_name: service.to_owned(),
        entity_id: entity_id.to_owned(),
        snapshot,
    }))
}

/// The init of a `service` entity with no snapshot stored.
pub(crate) fn init(service: &str, entity_id: &str) -> EventSourcedStreamIn {
    init_with(service, entity_id, None)
}

/// The init of a `service` entity with the snapshot `Persisted{state}` taken at `sequence`.
pub(crate) fn init_snapshot(
    service: &str,
    entity_id: &str,
    sequence: i64,
    state: &str,
) -> EventSourcedStreamIn {
    init_with(
        service,
        entity_id,
        Some(EventSourcedSnapshot {
            snapshot_sequence: sequence,
            snapshot: Some(persisted(state)),
        }),
    )
}

/// The replayed event `Persisted{value}` with this sequence number.
pub(crate) fn event_in(sequence: i64, value: &str) -> EventSourcedStreamIn {
    stream_in(event_sourced_stream_in::Message::Event(EventSourcedEvent {
        sequence,
        payload: Some(persisted(value)),
    }))
}

/// Command `command_id` to `name` carrying `request`, for the entity the request names: no metadata,
/// not streamed.
pub(crate) fn command_in(command_id: i64, name: &str, request: &Request) -> EventSourcedStreamIn {
    stream_in(event_sourced_stream_in::Message::Command(command(
        &request.id,
        command_id,
        name,
        pack(REQUEST, request),
    )))
}

/// Command `command_id` to `EventSourcedTckModel.Process` carrying `request`.
pub(crate) fn process_in(command_id: i64, request: &Request) -> EventSourcedStreamIn {
    command_in(command_id, PROCESS, request)
}

/// Command `command_id` to `EventSourcedTckModel.Process` for entity `entity_id`, carrying
/// `Request{entity_id, actions}`: [`process_in`] with the request built on the spot.
pub(crate) fn process(
    entity_id: &str,
    command_id: i64,
    actions: Vec<RequestAction>,
) -> EventSourcedStreamIn {
    process_in(command_id, &request(entity_id, actions))
}

/// Command `command_id` to `Call` (of `EventSourcedTwo` or `EventSourcedConfigured`) for entity
/// `entity_id`, carrying `Request{entity_id}`.
pub(crate) fn call_in(entity_id: &str, command_id: i64) -> EventSourcedStreamIn {
    command_in(command_id, CALL, &call_request(entity_id))
}

#[cfg(test)]
mod tests {
    use cloudstate_protocol::names::model::EVENT_SOURCED_TCK_MODEL;
    use prost::Message as _;

    use super::super::model::emits;
    use super::*;

    #[test]
    fn a_new_entity_gets_no_snapshot() {
        let Some(event_sourced_stream_in::Message::Init(init)) =
            init(EVENT_SOURCED_TCK_MODEL, "entity-1").message
        else {
            panic!("not an init");
        };
        assert_eq!(init.service_name, EVENT_SOURCED_TCK_MODEL);
        assert_eq!(init.entity_id, "entity-1");
        assert_eq!(init.snapshot, None);
    }

    #[test]
    fn a_stored_snapshot_comes_with_its_sequence_number() {
        let Some(event_sourced_stream_in::Message::Init(init)) =
            init_snapshot(EVENT_SOURCED_TCK_MODEL, "entity-1", 5, "ABCDE").message
        else {
            panic!("not an init");
        };
        let snapshot = init.snapshot.unwrap_or_default();
        assert_eq!(snapshot.snapshot_sequence, 5);
        assert_eq!(snapshot.snapshot, Some(persisted("ABCDE")));
    }

    #[test]
    fn commands_carry_the_packed_request_and_no_metadata() {
        let request = request("e-1", emits(&["A"]));
        let Some(event_sourced_stream_in::Message::Command(command)) =
            process_in(2, &request).message
        else {
            panic!("not a command");
        };
        assert_eq!(
            (
                command.id,
                command.entity_id.as_str(),
                command.name.as_str()
            ),
            (2, "e-1", PROCESS)
        );
        assert_eq!(command.metadata, None);
        assert!(!command.streamed);
        let payload = command.payload.unwrap_or_default();
        assert_eq!(
            payload.type_url,
            "type.googleapis.com/cloudstate.tck.model.Request"
        );
        assert_eq!(
            Request::decode(payload.value.as_slice()).ok(),
            Some(request)
        );
    }

    #[test]
    fn a_command_built_on_the_spot_is_the_command_of_its_request() {
        assert_eq!(
            process("e-1", 3, emits(&["A", "B"])),
            process_in(3, &request("e-1", emits(&["A", "B"])))
        );
    }

    #[test]
    fn calls_name_the_target_entity_in_the_command_and_the_request() {
        let Some(event_sourced_stream_in::Message::Command(command)) =
            call_in("other-1", 4).message
        else {
            panic!("not a command");
        };
        assert_eq!((command.entity_id.as_str(), command.id), ("other-1", 4));
        assert_eq!(command.name, CALL);
        let payload = command.payload.unwrap_or_default().value;
        assert_eq!(
            Request::decode(payload.as_slice()).ok(),
            Some(call_request("other-1"))
        );
    }
}
