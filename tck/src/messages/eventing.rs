//! Eventing messages: the model's requests, the protocol messages that carry them, and the replies the
//! model must answer with, as every mode builds and expects them.
//!
//! The emitting entities `EventSourcedEntityOne` and `EventSourcedEntityTwo` persist events to their logs
//! on `EmitEvent` and `EmitJsonEvent`; the subscriber action `EventLogSubscriberModel` gets each event as
//! a unary call with CloudEvent metadata, and answers with a `Response` or a forward to its `Effect`.

use cloudstate_protocol::cloudstate::action::{ActionCommand, ActionResponse, action_response};
use cloudstate_protocol::cloudstate::eventsourced::{
    EventSourcedInit, EventSourcedReply, EventSourcedStreamIn, EventSourcedStreamOut,
    event_sourced_stream_in, event_sourced_stream_out,
};
use cloudstate_protocol::cloudstate::tck::model::eventlogeventing::{
    EffectRequest, EmitEventRequest, EventOne, EventTwo, Forward as ForwardStep, JsonEvent,
    ProcessStep, Reply as ReplyStep, Response, emit_event_request, process_step,
};
use cloudstate_protocol::cloudstate::{Forward, Metadata, Reply, metadata_entry};
use cloudstate_protocol::names::model::EVENT_LOG_SUBSCRIBER_MODEL;
use prost_types::Any;

use crate::messages::{command, pack, reply};

/// Full name of the request of `EventSourcedEntityOne.EmitEvent`.
pub(crate) const EMIT_EVENT_REQUEST: &str =
    "cloudstate.tck.model.eventlogeventing.EmitEventRequest";
/// Full name of the first kind of event: one step.
pub(crate) const EVENT_ONE: &str = "cloudstate.tck.model.eventlogeventing.EventOne";
/// Full name of the second kind of event: a list of steps.
pub(crate) const EVENT_TWO: &str = "cloudstate.tck.model.eventlogeventing.EventTwo";
/// Full name of the request of `EventSourcedEntityTwo.EmitJsonEvent`.
pub(crate) const JSON_EVENT: &str = "cloudstate.tck.model.eventlogeventing.JsonEvent";
/// Full name of the subscriber's response.
pub(crate) const RESPONSE: &str = "cloudstate.tck.model.eventlogeventing.Response";
/// Full name of the request of `EventLogSubscriberModel.Effect`.
pub(crate) const EFFECT_REQUEST: &str = "cloudstate.tck.model.eventlogeventing.EffectRequest";
/// Full name of the reply of both emitting commands.
pub(crate) const EMPTY: &str = "google.protobuf.Empty";

/// The emitting command of `EventSourcedEntityOne`.
pub(crate) const EMIT_EVENT: &str = "EmitEvent";
/// The emitting command of `EventSourcedEntityTwo`.
pub(crate) const EMIT_JSON_EVENT: &str = "EmitJsonEvent";
/// The subscriber's method for `EventOne` (unary).
pub(crate) const PROCESS_EVENT_ONE: &str = "ProcessEventOne";
/// The subscriber's method for `EventTwo` (server-streaming).
pub(crate) const PROCESS_EVENT_TWO: &str = "ProcessEventTwo";
/// The subscriber's method taking `google.protobuf.Any`, which gets the JSON events.
pub(crate) const PROCESS_ANY_EVENT: &str = "ProcessAnyEvent";
/// The subscriber's method that its forwards call.
pub(crate) const EFFECT: &str = "Effect";

/// The event log of `EventSourcedEntityOne`.
pub(crate) const LOG_ONE: &str = "eventlogeventing-one";
/// The event log of `EventSourcedEntityTwo`.
pub(crate) const LOG_TWO: &str = "eventlogeventing-two";

/// The CloudEvent attribute of the CloudEvents version, `1.0`.
pub(crate) const CE_SPECVERSION: &str = "ce-specversion";
/// The CloudEvent attribute that names the event log.
pub(crate) const CE_SOURCE: &str = "ce-source";
/// The CloudEvent attribute that names the event's type.
pub(crate) const CE_TYPE: &str = "ce-type";
/// The CloudEvent attribute that names the entity that emitted the event.
pub(crate) const CE_SUBJECT: &str = "ce-subject";
/// The CloudEvent attribute that identifies the event.
pub(crate) const CE_ID: &str = "ce-id";

/// The string value of the metadata entry `key` (compared without case), if there is one.
pub(crate) fn metadata_string<'a>(metadata: Option<&'a Metadata>, key: &str) -> Option<&'a str> {
    metadata?
        .entries
        .iter()
        .find(|entry| entry.key.eq_ignore_ascii_case(key))
        .and_then(|entry| match &entry.value {
            Some(metadata_entry::Value::StringValue(value)) => Some(value.as_str()),
            _ => None,
        })
}

// ---- Events and the requests that emit them ----

/// The step that makes the subscriber answer `Response{id, message}`.
pub(crate) fn reply_step(message: &str) -> ProcessStep {
    ProcessStep {
        step: Some(process_step::Step::Reply(ReplyStep {
            message: message.to_owned(),
        })),
    }
}

/// The step that makes the subscriber forward `EffectRequest{id, message}` to `Effect`.
pub(crate) fn forward_step(message: &str) -> ProcessStep {
    ProcessStep {
        step: Some(process_step::Step::Forward(ForwardStep {
            message: message.to_owned(),
        })),
    }
}

/// `EventOne` whose step replies with `message`.
pub(crate) fn reply_event(message: &str) -> EventOne {
    EventOne {
        step: Some(reply_step(message)),
    }
}

/// `EventOne` whose step forwards `message` to `Effect`.
pub(crate) fn forward_event(message: &str) -> EventOne {
    EventOne {
        step: Some(forward_step(message)),
    }
}

/// `EventTwo` with these steps, in order.
pub(crate) fn event_two(steps: impl IntoIterator<Item = ProcessStep>) -> EventTwo {
    EventTwo {
        step: steps.into_iter().collect(),
    }
}

/// `EmitEventRequest{id, event_one}`.
pub(crate) fn emit_one(id: &str, event: EventOne) -> EmitEventRequest {
    EmitEventRequest {
        id: id.to_owned(),
        event: Some(emit_event_request::Event::EventOne(event)),
    }
}

/// `EmitEventRequest{id, event_two}`.
pub(crate) fn emit_two(id: &str, event: EventTwo) -> EmitEventRequest {
    EmitEventRequest {
        id: id.to_owned(),
        event: Some(emit_event_request::Event::EventTwo(event)),
    }
}

/// `JsonEvent{id, message}`.
pub(crate) fn json_request(id: &str, message: &str) -> JsonEvent {
    JsonEvent {
        id: id.to_owned(),
        message: message.to_owned(),
    }
}

// ---- The emitting entities' streams ----

/// The init of a new `service` entity: no snapshot.
pub(crate) fn init(service: &str, entity_id: &str) -> EventSourcedStreamIn {
    EventSourcedStreamIn {
        message: Some(event_sourced_stream_in::Message::Init(EventSourcedInit {
            service_name: service.to_owned(),
            entity_id: entity_id.to_owned(),
            snapshot: None,
        })),
    }
}

/// Command `command_id` to `name` for entity `entity_id` carrying `payload`, as a proxy sends it.
pub(crate) fn command_in(
    entity_id: &str,
    command_id: i64,
    name: &str,
    payload: Any,
) -> EventSourcedStreamIn {
    EventSourcedStreamIn {
        message: Some(event_sourced_stream_in::Message::Command(command(
            entity_id, command_id, name, payload,
        ))),
    }
}

/// The `EmitEvent` command `command_id` for `request`, to the entity the request names.
pub(crate) fn emit_in(command_id: i64, request: &EmitEventRequest) -> EventSourcedStreamIn {
    command_in(
        &request.id,
        command_id,
        EMIT_EVENT,
        pack(EMIT_EVENT_REQUEST, request),
    )
}

/// The `EmitJsonEvent` command `command_id` for `request`, to the entity the request names.
pub(crate) fn emit_json_in(command_id: i64, request: &JsonEvent) -> EventSourcedStreamIn {
    command_in(
        &request.id,
        command_id,
        EMIT_JSON_EVENT,
        pack(JSON_EVENT, request),
    )
}

/// The reply to an emitting command: `google.protobuf.Empty` and the events.
pub(crate) fn emitted(command_id: i64, events: Vec<Any>) -> EventSourcedStreamOut {
    EventSourcedStreamOut {
        message: Some(event_sourced_stream_out::Message::Reply(
            EventSourcedReply {
                command_id,
                client_action: reply(pack(EMPTY, &())),
                side_effects: Vec::new(),
                events,
                snapshot: None,
            },
        )),
    }
}

// ---- The subscriber's calls ----

/// The full command delivering `payload` to `method` of the subscriber, without metadata.
pub(crate) fn delivery(method: &str, payload: Any) -> ActionCommand {
    ActionCommand {
        service_name: EVENT_LOG_SUBSCRIBER_MODEL.to_owned(),
        name: method.to_owned(),
        payload: Some(payload),
        metadata: None,
    }
}

/// `EffectRequest{id, message}`, packed.
pub(crate) fn effect_request(id: &str, message: &str) -> Any {
    pack(
        EFFECT_REQUEST,
        &EffectRequest {
            id: id.to_owned(),
            message: message.to_owned(),
        },
    )
}

/// The subscriber's answer `Response{id, message}`.
pub(crate) fn replied(id: &str, message: &str) -> ActionResponse {
    let response = Response {
        id: id.to_owned(),
        message: message.to_owned(),
    };
    ActionResponse {
        response: Some(action_response::Response::Reply(Reply {
            payload: Some(pack(RESPONSE, &response)),
            metadata: None,
        })),
        side_effects: Vec::new(),
    }
}

/// The subscriber's forward to `Effect` with `EffectRequest{id, message}`.
pub(crate) fn forwarded(id: &str, message: &str) -> ActionResponse {
    ActionResponse {
        response: Some(action_response::Response::Forward(Forward {
            service_name: EVENT_LOG_SUBSCRIBER_MODEL.to_owned(),
            command_name: EFFECT.to_owned(),
            payload: Some(effect_request(id, message)),
            metadata: None,
        })),
        side_effects: Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use cloudstate_protocol::cloudstate::{MetadataEntry, client_action};

    #[test]
    fn metadata_strings_are_found_without_case() {
        let metadata = Metadata {
            entries: vec![
                MetadataEntry {
                    key: "CE-Subject".to_owned(),
                    value: Some(metadata_entry::Value::StringValue("e-1".to_owned())),
                },
                MetadataEntry {
                    key: CE_ID.to_owned(),
                    value: Some(metadata_entry::Value::BytesValue(vec![1])),
                },
            ],
        };
        assert_eq!(metadata_string(Some(&metadata), CE_SUBJECT), Some("e-1"));
        assert_eq!(metadata_string(Some(&metadata), CE_ID), None);
        assert_eq!(metadata_string(Some(&metadata), CE_TYPE), None);
        assert_eq!(metadata_string(None, CE_SUBJECT), None);
    }

    #[test]
    fn emitting_commands_carry_their_request_to_the_entity_it_names() {
        let request = emit_one("e", reply_event("hi"));
        let Some(event_sourced_stream_in::Message::Command(command)) = emit_in(2, &request).message
        else {
            panic!("not a command");
        };
        assert_eq!((command.entity_id.as_str(), command.id), ("e", 2));
        assert_eq!(command.name, "EmitEvent");
        assert_eq!(
            command.payload.map(|any| any.type_url),
            Some(
                "type.googleapis.com/cloudstate.tck.model.eventlogeventing.EmitEventRequest".into()
            )
        );
        let json = emit_json_in(1, &json_request("j", "m"));
        let Some(event_sourced_stream_in::Message::Command(command)) = json.message else {
            panic!("not a command");
        };
        assert_eq!(
            (command.entity_id.as_str(), command.name.as_str()),
            ("j", "EmitJsonEvent")
        );
    }

    #[test]
    fn an_emitting_reply_is_empty_and_carries_the_events() {
        let event = pack(EVENT_ONE, &forward_event("f"));
        let Some(event_sourced_stream_out::Message::Reply(reply)) =
            emitted(3, vec![event.clone()]).message
        else {
            panic!("not a reply");
        };
        assert_eq!((reply.command_id, reply.events), (3, vec![event]));
        let Some(client_action::Action::Reply(answer)) =
            reply.client_action.and_then(|action| action.action)
        else {
            panic!("not a client reply");
        };
        assert_eq!(
            answer.payload,
            Some(Any {
                type_url: "type.googleapis.com/google.protobuf.Empty".into(),
                value: Vec::new()
            })
        );
    }

    #[test]
    fn the_subscriber_answers_or_forwards_to_its_effect() {
        let Some(action_response::Response::Forward(forward)) = forwarded("e", "m").response else {
            panic!("not a forward");
        };
        assert_eq!(
            (forward.service_name.as_str(), forward.command_name.as_str()),
            (EVENT_LOG_SUBSCRIBER_MODEL, "Effect")
        );
        assert_eq!(forward.payload, Some(effect_request("e", "m")));
        let Some(action_response::Response::Reply(reply)) = replied("e", "m").response else {
            panic!("not a reply");
        };
        assert_eq!(
            reply.payload.map(|any| any.type_url),
            Some("type.googleapis.com/cloudstate.tck.model.eventlogeventing.Response".into())
        );
        assert_eq!(delivery(EFFECT, effect_request("e", "m")).name, "Effect");
    }
}
