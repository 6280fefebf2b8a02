//! The eventing faults: how a faulty eventing model reads a delivered event's CloudEvent metadata,
//! dispatches a subscriber's command, answers a forward step or a streamed subscriber, and packs the events
//! its entities emit; and the variants of the JSON events, choices the JSON convention leaves to an SDK.

use cloudstate_protocol::cloudstate::Metadata;
use cloudstate_protocol::cloudstate::action::ActionResponse;
use cloudstate_protocol::cloudstate::action::action_response::Response as Outcome;
use cloudstate_protocol::names::{JSON_TYPE_URL_PREFIX, PROTOBUF_TYPE_URL_PREFIX};
use prost::Message as _;
use prost_types::Any;

use super::Fault;
use crate::messages::eventing::{
    CE_SOURCE, CE_SUBJECT, EFFECT, EFFECT_REQUEST, EVENT_TWO, PROCESS_EVENT_ONE, PROCESS_EVENT_TWO,
    metadata_string,
};

/// The emitting entity's id as the subscriber reads it from a delivery's metadata: `ce-subject`, or
/// `ce-source` under [`Fault::SubjectFromSource`]; the empty string when the entry is missing.
pub(crate) fn entity_id(fault: Option<Fault>, metadata: Option<&Metadata>) -> &str {
    let key = if fault == Some(Fault::SubjectFromSource) {
        CE_SOURCE
    } else {
        CE_SUBJECT
    };
    metadata_string(metadata, key).unwrap_or_default()
}

/// The subscriber method a unary command reaches: the one it names, or under
/// [`Fault::SubscriberDispatchedByPayloadType`] the one whose input type its payload's type URL names,
/// falling back to the first method of the service for a type no method takes.
pub(crate) fn dispatched_method<'a>(
    fault: Option<Fault>,
    name: &'a str,
    payload: Option<&Any>,
) -> &'a str {
    if fault != Some(Fault::SubscriberDispatchedByPayloadType) {
        return name;
    }
    let type_name = payload
        .and_then(|payload| payload.type_url.strip_prefix(PROTOBUF_TYPE_URL_PREFIX))
        .unwrap_or_default();
    match type_name {
        EVENT_TWO => PROCESS_EVENT_TWO,
        EFFECT_REQUEST => EFFECT,
        _ => PROCESS_EVENT_ONE,
    }
}

/// Applies [`Fault::SubscriberForwardDropped`] to a subscriber's answer: a forward becomes no outcome.
pub(crate) fn subscriber_response(fault: Option<Fault>, response: &mut ActionResponse) {
    if fault == Some(Fault::SubscriberForwardDropped)
        && matches!(response.response, Some(Outcome::Forward(_)))
    {
        response.response = None;
    }
}

/// Applies [`Fault::StreamedSubscriberEndsEarly`] to the answers of a streamed subscriber: only the first
/// is sent before the call ends.
pub(crate) fn streamed_subscriber(fault: Option<Fault>, responses: &mut Vec<ActionResponse>) {
    if fault == Some(Fault::StreamedSubscriberEndsEarly) {
        responses.truncate(1);
    }
}

/// Applies [`Fault::EventTypeUrlUnqualified`] to a protobuf event: its type URL names the message without
/// its package.
pub(crate) fn protobuf_event(fault: Option<Fault>, mut event: Any) -> Any {
    if fault == Some(Fault::EventTypeUrlUnqualified)
        && let Some((_, simple)) = event.type_url.rsplit_once('.')
    {
        event.type_url = format!("{PROTOBUF_TYPE_URL_PREFIX}{simple}");
    }
    event
}

/// The type name a JSON event gets under [`Fault::JsonEventClassName`]: the full name of a class, as the
/// Java SDK names JSON types.
const CLASS_NAME: &str = "io.cloudstate.tck.model.eventlogeventing.JsonMessage";

/// Applies the JSON faults and variants to the JSON event that carries `{"message": <message>}`:
/// [`Fault::JsonEventProtobufTypeUrl`] gives it the protobuf prefix instead of `json.cloudstate.io/`,
/// [`Fault::JsonEventUnwrapped`] sends the JSON text itself as the bytes instead of as field 1 of a
/// wrapper message; the variants [`Fault::JsonEventClassName`] and [`Fault::JsonEventSpaced`] name the
/// type after a class and put a space after the JSON's `:`.
pub(crate) fn json_event(fault: Option<Fault>, mut event: Any, message: &str) -> Any {
    let value = serde_json::Value::String(message.to_owned());
    match fault {
        Some(Fault::JsonEventProtobufTypeUrl) => {
            if let Some(name) = event.type_url.strip_prefix(JSON_TYPE_URL_PREFIX) {
                event.type_url = format!("{PROTOBUF_TYPE_URL_PREFIX}{name}");
            }
        }
        Some(Fault::JsonEventUnwrapped) => {
            event.value = format!("{{\"message\":{value}}}").into_bytes();
        }
        Some(Fault::JsonEventClassName) => {
            event.type_url = format!("{JSON_TYPE_URL_PREFIX}{CLASS_NAME}");
        }
        Some(Fault::JsonEventSpaced) => {
            event.value = format!("{{\"message\": {value}}}")
                .into_bytes()
                .encode_to_vec();
        }
        _ => {}
    }
    event
}

/// Whether the subscriber serves `method` at all: under [`Fault::UnsubscribedMethodUnserved`] it serves
/// only the methods that subscribe to an event log, not `Effect`.
pub(crate) fn serves(fault: Option<Fault>, method: &str) -> bool {
    !(fault == Some(Fault::UnsubscribedMethodUnserved) && method == EFFECT)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::messages::eventing::EVENT_ONE;
    use cloudstate_protocol::cloudstate::{Forward, MetadataEntry, metadata_entry};

    fn entry(key: &str, value: &str) -> MetadataEntry {
        MetadataEntry {
            key: key.into(),
            value: Some(metadata_entry::Value::StringValue(value.into())),
        }
    }

    #[test]
    fn the_entity_id_comes_from_the_subject_unless_read_from_the_source() {
        let metadata = Metadata {
            entries: vec![entry("ce-source", "log"), entry("ce-subject", "e-1")],
        };
        assert_eq!(entity_id(None, Some(&metadata)), "e-1");
        assert_eq!(
            entity_id(Some(Fault::SubjectFromSource), Some(&metadata)),
            "log"
        );
        assert_eq!(entity_id(None, None), "");
    }

    #[test]
    fn dispatch_by_payload_type_sends_unknown_types_to_the_first_method() {
        let json = Any {
            type_url: "json.cloudstate.io/JsonEvent".into(),
            value: Vec::new(),
        };
        let fault = Some(Fault::SubscriberDispatchedByPayloadType);
        assert_eq!(
            dispatched_method(None, "ProcessAnyEvent", Some(&json)),
            "ProcessAnyEvent"
        );
        assert_eq!(
            dispatched_method(fault, "ProcessAnyEvent", Some(&json)),
            "ProcessEventOne"
        );
        let first = Any {
            type_url: format!("{PROTOBUF_TYPE_URL_PREFIX}{EVENT_ONE}"),
            value: Vec::new(),
        };
        assert_eq!(
            dispatched_method(fault, "Effect", Some(&first)),
            "ProcessEventOne"
        );
    }

    #[test]
    fn forwards_are_dropped_and_streams_cut_only_under_their_faults() {
        let forward = ActionResponse {
            response: Some(Outcome::Forward(Forward::default())),
            side_effects: Vec::new(),
        };
        let mut kept = forward.clone();
        subscriber_response(None, &mut kept);
        assert_eq!(kept, forward);
        let mut dropped = forward.clone();
        subscriber_response(Some(Fault::SubscriberForwardDropped), &mut dropped);
        assert_eq!(dropped, ActionResponse::default());
        let mut responses = vec![forward.clone(), forward.clone()];
        streamed_subscriber(Some(Fault::StreamedSubscriberEndsEarly), &mut responses);
        assert_eq!(responses, vec![forward]);
    }

    #[test]
    fn events_lose_their_package_or_their_json_convention_under_their_faults() {
        let event = Any {
            type_url: format!("{PROTOBUF_TYPE_URL_PREFIX}{EVENT_ONE}"),
            value: vec![1],
        };
        assert_eq!(
            protobuf_event(Some(Fault::EventTypeUrlUnqualified), event.clone()).type_url,
            "type.googleapis.com/EventOne"
        );
        assert_eq!(protobuf_event(None, event.clone()), event);
        let json = Any {
            type_url: "json.cloudstate.io/JsonEvent".into(),
            value: vec![10, 2, b'{', b'}'],
        };
        assert_eq!(
            json_event(Some(Fault::JsonEventProtobufTypeUrl), json.clone(), "m").type_url,
            "type.googleapis.com/JsonEvent"
        );
        assert_eq!(
            json_event(Some(Fault::JsonEventUnwrapped), json.clone(), "m").value,
            b"{\"message\":\"m\"}".to_vec()
        );
        let spaced = json_event(Some(Fault::JsonEventSpaced), json.clone(), "m\"");
        assert_eq!(
            Vec::<u8>::decode(spaced.value.as_slice()).ok(),
            Some(b"{\"message\": \"m\\\"\"}".to_vec())
        );
        assert!(
            json_event(Some(Fault::JsonEventClassName), json.clone(), "m")
                .type_url
                .starts_with("json.cloudstate.io/io.cloudstate.")
        );
        assert!(!serves(Some(Fault::UnsubscribedMethodUnserved), "Effect"));
        assert!(serves(None, "Effect"));
    }
}
