//! What a proxy sends on a `Crdt.handle` stream: the init of an entity, commands carrying the model's
//! requests, deltas replicated from other nodes, the proxy's delete, and the notice that the client of a
//! streamed command went away.

use cloudstate_protocol::cloudstate::StreamCancelled;
use cloudstate_protocol::cloudstate::crdt::{
    CrdtDelete, CrdtDelta, CrdtInit, CrdtStreamIn, crdt_stream_in,
};
use cloudstate_protocol::cloudstate::tck::model::crdt::{Request, StreamedRequest};
use cloudstate_protocol::names::model::CRDT_TCK_MODEL;

use super::request::{CALL, PROCESS, PROCESS_STREAMED, REQUEST, STREAMED_REQUEST};
use crate::messages::{command, pack};

/// The protocol method of CRDT entities, as the gRPC path of its calls.
pub(crate) const HANDLE: &str = "/cloudstate.crdt.Crdt/handle";

/// A stream message of this kind.
fn stream_in(message: crdt_stream_in::Message) -> CrdtStreamIn {
    CrdtStreamIn {
        message: Some(message),
    }
}

/// The init of a `CrdtTckModel` entity, with the value the proxy holds, if any, as its delta.
pub(crate) fn init(entity_id: &str, delta: Option<CrdtDelta>) -> CrdtStreamIn {
    init_of(CRDT_TCK_MODEL, entity_id, delta)
}

/// The init of an entity of `service`, with the value the proxy holds, if any, as its delta.
pub(crate) fn init_of(service: &str, entity_id: &str, delta: Option<CrdtDelta>) -> CrdtStreamIn {
    stream_in(crdt_stream_in::Message::Init(CrdtInit {
        service_name: service.to_owned(),
        entity_id: entity_id.to_owned(),
        delta,
    }))
}

/// Command `command_id` named `name` carrying `request`, for the entity the request names.
pub(crate) fn command_in(command_id: i64, name: &str, request: &Request) -> CrdtStreamIn {
    let command = command(&request.id, command_id, name, pack(REQUEST, request));
    stream_in(crdt_stream_in::Message::Command(command))
}

/// Command `command_id` to `CrdtTckModel.Process` carrying `request`.
pub(crate) fn process(command_id: i64, request: &Request) -> CrdtStreamIn {
    command_in(command_id, PROCESS, request)
}

/// Command `command_id` to `Call` (`CrdtTwo`, `CrdtConfigured`) carrying `request`.
pub(crate) fn call(command_id: i64, request: &Request) -> CrdtStreamIn {
    command_in(command_id, CALL, request)
}

/// Streamed command `command_id` to `CrdtTckModel.ProcessStreamed` carrying `request`, for the entity
/// the request names.
pub(crate) fn process_streamed(command_id: i64, request: &StreamedRequest) -> CrdtStreamIn {
    let mut command = command(
        &request.id,
        command_id,
        PROCESS_STREAMED,
        pack(STREAMED_REQUEST, request),
    );
    command.streamed = true;
    stream_in(crdt_stream_in::Message::Command(command))
}

/// A delta replicated from another node.
pub(crate) fn replicated(delta: CrdtDelta) -> CrdtStreamIn {
    stream_in(crdt_stream_in::Message::Delta(delta))
}

/// The proxy deleting the entity.
pub(crate) fn deleted() -> CrdtStreamIn {
    stream_in(crdt_stream_in::Message::Delete(CrdtDelete {}))
}

/// The proxy's notice that the client of streamed command `command_id` went away.
pub(crate) fn cancelled(entity_id: &str, command_id: i64) -> CrdtStreamIn {
    stream_in(crdt_stream_in::Message::StreamCancelled(StreamCancelled {
        entity_id: entity_id.to_owned(),
        id: command_id,
    }))
}

#[cfg(test)]
mod tests {
    use cloudstate_protocol::cloudstate::Command;

    use super::*;
    use crate::messages::crdt::gcounter_delta;
    use crate::messages::crdt::request::request;

    fn command_of(message: CrdtStreamIn) -> Command {
        match message.message {
            Some(crdt_stream_in::Message::Command(command)) => command,
            other => panic!("not a command: {other:?}"),
        }
    }

    #[test]
    fn streamed_commands_are_flagged_and_carry_the_streamed_request() {
        let request = StreamedRequest {
            id: "e".to_owned(),
            ..StreamedRequest::default()
        };
        let command = command_of(process_streamed(2, &request));
        assert!(command.streamed && command.metadata.is_none());
        assert_eq!((command.entity_id.as_str(), command.id), ("e", 2));
        assert_eq!(command.name, "ProcessStreamed");
        assert_eq!(
            command.payload.map(|payload| payload.type_url).as_deref(),
            Some("type.googleapis.com/cloudstate.tck.model.crdt.StreamedRequest")
        );
    }

    #[test]
    fn commands_are_addressed_to_the_entity_their_request_names() {
        let command = command_of(call(3, &request("two-1", Vec::new())));
        assert!(!command.streamed);
        assert_eq!((command.entity_id.as_str(), command.id), ("two-1", 3));
        assert_eq!(command.name, "Call");
        assert_eq!(
            command_of(process(1, &request("e", Vec::new()))).name,
            "Process"
        );
    }

    #[test]
    fn an_init_carries_the_held_value_only_when_there_is_one() {
        let held = init("GCounter-1", Some(gcounter_delta(3)));
        let fresh = init("GCounter-1", None);
        assert_ne!(held, fresh);
        let Some(crdt_stream_in::Message::Init(init)) = fresh.message else {
            panic!("not an init");
        };
        assert_eq!(
            (init.service_name.as_str(), init.delta),
            (CRDT_TCK_MODEL, None)
        );
        let Some(crdt_stream_in::Message::Init(init)) = held.message else {
            panic!("not an init");
        };
        assert_eq!(init.delta, Some(gcounter_delta(3)));
    }
}
