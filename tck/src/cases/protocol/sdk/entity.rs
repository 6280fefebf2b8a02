//! The three entity stream protocols seen alike: how to open a stream, build its init, command and empty
//! messages for the model, and tell what kind of message the user function sent back.

use cloudstate_protocol::cloudstate::crdt::{
    CrdtInit, CrdtStreamIn, CrdtStreamOut, crdt_stream_in, crdt_stream_out,
};
use cloudstate_protocol::cloudstate::eventsourced::{
    EventSourcedInit, EventSourcedStreamIn, EventSourcedStreamOut, event_sourced_stream_in,
    event_sourced_stream_out,
};
use cloudstate_protocol::cloudstate::tck::model as event_sourced_model;
use cloudstate_protocol::cloudstate::tck::model::{crdt as crdt_model, valueentity};
use cloudstate_protocol::cloudstate::valueentity::{
    ValueEntityInit, ValueEntityInitState, ValueEntityStreamIn, ValueEntityStreamOut,
    value_entity_stream_in, value_entity_stream_out,
};
use cloudstate_protocol::cloudstate::{ClientAction, Command, client_action};
use cloudstate_protocol::names::PROTOBUF_TYPE_URL_PREFIX;
use cloudstate_protocol::names::model::{
    CRDT_TCK_MODEL, EVENT_SOURCED_TCK_MODEL, VALUE_ENTITY_TCK_MODEL,
};
use prost::Message as _;
use prost_types::Any;

use crate::messages::command;
use crate::sdk::{ProtocolStream, SdkCx};
use crate::wire::WireMessage;

/// What a message from the user function on an entity stream is, as far as these cases care.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Seen {
    /// A reply to command `command_id`; `failure` when its client action is a failure.
    Reply {
        /// The command the reply answers.
        command_id: i64,
        /// Whether the client action is a failure.
        failure: bool,
    },
    /// A top-level `Failure` naming `command_id`.
    Failure {
        /// The failure's `command_id`.
        command_id: i64,
    },
    /// A `CrdtStreamCancelledResponse` for `command_id`; `empty` without side effects and state action.
    Cancelled {
        /// The cancelled command.
        command_id: i64,
        /// Whether the response carries nothing.
        empty: bool,
    },
    /// Anything else: a streamed message, or a message with no variant set.
    Other,
}

/// One entity protocol (`EventSourced.handle`, `ValueEntity.handle` or `Crdt.handle`) with its model.
pub(super) trait EntityProtocol {
    /// What the TCK sends.
    type In: WireMessage;
    /// What the user function sends.
    type Out: WireMessage;
    /// The model service the cases talk to.
    const SERVICE: &'static str;
    /// The full name of the model's request, the input message of `Process`.
    const REQUEST: &'static str;
    /// The full name of the model's response: another message of the same model.
    const RESPONSE: &'static str;
    /// Opens a stream.
    fn open(cx: &SdkCx) -> ProtocolStream<Self::In, Self::Out>;
    /// A fresh entity id (for a CRDT, of a GCounter).
    fn fresh_id(cx: &SdkCx) -> String;
    /// The init of a new entity `entity_id` of `service`.
    fn init(service: &str, entity_id: &str) -> Self::In;
    /// A command.
    fn command(command: Command) -> Self::In;
    /// A message with no variant set.
    fn empty() -> Self::In;
    /// The encoded model request `Request{id}` with no actions.
    fn request(entity_id: &str) -> Vec<u8>;
    /// What `out` is.
    fn seen(out: &Self::Out) -> Seen;
}

/// The init of a new entity of the model service.
pub(super) fn init<K: EntityProtocol>(entity_id: &str) -> K::In {
    K::init(K::SERVICE, entity_id)
}

/// Command `id` to `Process` with the request `Request{id}`: the model answers it with its state.
pub(super) fn process<K: EntityProtocol>(entity_id: &str, id: i64) -> K::In {
    let payload = Any {
        type_url: format!("{PROTOBUF_TYPE_URL_PREFIX}{}", K::REQUEST),
        value: K::request(entity_id),
    };
    K::command(command(entity_id, id, "Process", payload))
}

fn is_failure(action: Option<&ClientAction>) -> bool {
    matches!(
        action.and_then(|action| action.action.as_ref()),
        Some(client_action::Action::Failure(_))
    )
}

/// `EventSourced.handle` with `EventSourcedTckModel`.
#[derive(Debug)]
pub(super) struct EventSourced;

impl EntityProtocol for EventSourced {
    type In = EventSourcedStreamIn;
    type Out = EventSourcedStreamOut;
    const SERVICE: &'static str = EVENT_SOURCED_TCK_MODEL;
    const REQUEST: &'static str = "cloudstate.tck.model.Request";
    const RESPONSE: &'static str = "cloudstate.tck.model.Response";

    fn open(cx: &SdkCx) -> ProtocolStream<Self::In, Self::Out> {
        cx.event_sourced()
    }

    fn fresh_id(cx: &SdkCx) -> String {
        cx.fresh_id("entity")
    }

    fn init(service: &str, entity_id: &str) -> Self::In {
        EventSourcedStreamIn {
            message: Some(event_sourced_stream_in::Message::Init(EventSourcedInit {
                service_name: service.to_owned(),
                entity_id: entity_id.to_owned(),
                snapshot: None,
            })),
        }
    }

    fn command(command: Command) -> Self::In {
        EventSourcedStreamIn {
            message: Some(event_sourced_stream_in::Message::Command(command)),
        }
    }

    fn empty() -> Self::In {
        EventSourcedStreamIn { message: None }
    }

    fn request(entity_id: &str) -> Vec<u8> {
        event_sourced_model::Request {
            id: entity_id.to_owned(),
            actions: Vec::new(),
        }
        .encode_to_vec()
    }

    fn seen(out: &Self::Out) -> Seen {
        match &out.message {
            Some(event_sourced_stream_out::Message::Reply(reply)) => Seen::Reply {
                command_id: reply.command_id,
                failure: is_failure(reply.client_action.as_ref()),
            },
            Some(event_sourced_stream_out::Message::Failure(failure)) => Seen::Failure {
                command_id: failure.command_id,
            },
            None => Seen::Other,
        }
    }
}

/// `ValueEntity.handle` with `ValueEntityTckModel`.
#[derive(Debug)]
pub(super) struct ValueEntity;

impl EntityProtocol for ValueEntity {
    type In = ValueEntityStreamIn;
    type Out = ValueEntityStreamOut;
    const SERVICE: &'static str = VALUE_ENTITY_TCK_MODEL;
    const REQUEST: &'static str = "cloudstate.tck.model.valueentity.Request";
    const RESPONSE: &'static str = "cloudstate.tck.model.valueentity.Response";

    fn open(cx: &SdkCx) -> ProtocolStream<Self::In, Self::Out> {
        cx.value_entity()
    }

    fn fresh_id(cx: &SdkCx) -> String {
        cx.fresh_id("entity")
    }

    fn init(service: &str, entity_id: &str) -> Self::In {
        ValueEntityStreamIn {
            message: Some(value_entity_stream_in::Message::Init(ValueEntityInit {
                service_name: service.to_owned(),
                entity_id: entity_id.to_owned(),
                state: Some(ValueEntityInitState { value: None }),
            })),
        }
    }

    fn command(command: Command) -> Self::In {
        ValueEntityStreamIn {
            message: Some(value_entity_stream_in::Message::Command(command)),
        }
    }

    fn empty() -> Self::In {
        ValueEntityStreamIn { message: None }
    }

    fn request(entity_id: &str) -> Vec<u8> {
        valueentity::Request {
            id: entity_id.to_owned(),
            actions: Vec::new(),
        }
        .encode_to_vec()
    }

    fn seen(out: &Self::Out) -> Seen {
        match &out.message {
            Some(value_entity_stream_out::Message::Reply(reply)) => Seen::Reply {
                command_id: reply.command_id,
                failure: is_failure(reply.client_action.as_ref()),
            },
            Some(value_entity_stream_out::Message::Failure(failure)) => Seen::Failure {
                command_id: failure.command_id,
            },
            None => Seen::Other,
        }
    }
}

/// `Crdt.handle` with `CrdtTckModel`, on GCounter entities.
#[derive(Debug)]
pub(super) struct Crdt;

impl EntityProtocol for Crdt {
    type In = CrdtStreamIn;
    type Out = CrdtStreamOut;
    const SERVICE: &'static str = CRDT_TCK_MODEL;
    const REQUEST: &'static str = "cloudstate.tck.model.crdt.Request";
    const RESPONSE: &'static str = "cloudstate.tck.model.crdt.Response";

    fn open(cx: &SdkCx) -> ProtocolStream<Self::In, Self::Out> {
        cx.crdt()
    }

    fn fresh_id(cx: &SdkCx) -> String {
        cx.fresh_id("GCounter")
    }

    fn init(service: &str, entity_id: &str) -> Self::In {
        CrdtStreamIn {
            message: Some(crdt_stream_in::Message::Init(CrdtInit {
                service_name: service.to_owned(),
                entity_id: entity_id.to_owned(),
                delta: None,
            })),
        }
    }

    fn command(command: Command) -> Self::In {
        CrdtStreamIn {
            message: Some(crdt_stream_in::Message::Command(command)),
        }
    }

    fn empty() -> Self::In {
        CrdtStreamIn { message: None }
    }

    fn request(entity_id: &str) -> Vec<u8> {
        crdt_model::Request {
            id: entity_id.to_owned(),
            actions: Vec::new(),
        }
        .encode_to_vec()
    }

    fn seen(out: &Self::Out) -> Seen {
        match &out.message {
            Some(crdt_stream_out::Message::Reply(reply)) => Seen::Reply {
                command_id: reply.command_id,
                failure: is_failure(reply.client_action.as_ref()),
            },
            Some(crdt_stream_out::Message::Failure(failure)) => Seen::Failure {
                command_id: failure.command_id,
            },
            Some(crdt_stream_out::Message::StreamCancelledResponse(response)) => Seen::Cancelled {
                command_id: response.command_id,
                empty: response.side_effects.is_empty() && response.state_action.is_none(),
            },
            Some(crdt_stream_out::Message::StreamedMessage(_)) | None => Seen::Other,
        }
    }
}

#[cfg(test)]
mod tests {
    use cloudstate_protocol::cloudstate::Failure;
    use cloudstate_protocol::cloudstate::crdt::CrdtStreamCancelledResponse;

    use super::*;

    #[test]
    fn process_carries_the_model_request_of_each_entity_type() {
        let Some(event_sourced_stream_in::Message::Command(command)) =
            process::<EventSourced>("e", 3).message
        else {
            panic!("not a command");
        };
        assert_eq!((command.id, command.name.as_str()), (3, "Process"));
        let payload = command.payload.unwrap_or_default();
        assert_eq!(
            payload.type_url,
            "type.googleapis.com/cloudstate.tck.model.Request"
        );
        assert_eq!(payload.value, vec![0x0a, 0x01, b'e']);
    }

    #[test]
    fn top_level_failures_and_cancellations_are_told_apart() {
        let failure = CrdtStreamOut {
            message: Some(crdt_stream_out::Message::Failure(Failure {
                command_id: 0,
                description: "bad".into(),
                restart: false,
            })),
        };
        assert_eq!(Crdt::seen(&failure), Seen::Failure { command_id: 0 });
        let cancelled = CrdtStreamOut {
            message: Some(crdt_stream_out::Message::StreamCancelledResponse(
                CrdtStreamCancelledResponse {
                    command_id: 4,
                    side_effects: Vec::new(),
                    state_action: None,
                },
            )),
        };
        assert_eq!(
            Crdt::seen(&cancelled),
            Seen::Cancelled {
                command_id: 4,
                empty: true
            }
        );
        assert_eq!(
            ValueEntity::seen(&ValueEntityStreamOut::default()),
            Seen::Other
        );
    }
}
