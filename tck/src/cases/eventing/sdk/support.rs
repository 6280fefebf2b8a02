//! What the SDK-mode eventing cases send as a proxy would: events delivered to the subscriber with the
//! CloudEvent metadata of the log and the entity that emitted them, the `EventTwo`s and JSON events a proxy
//! delivers; and the check of a JSON event that an entity emitted, which accepts every JSON text of the
//! expected value under every type name of the JSON convention.

use cloudstate_protocol::cloudstate::action::ActionCommand;
use cloudstate_protocol::cloudstate::tck::model::eventlogeventing::{EventOne, EventTwo};
use cloudstate_protocol::cloudstate::{Metadata, MetadataEntry, metadata_entry};
use cloudstate_protocol::names::JSON_TYPE_URL_PREFIX;
use prost::Message as _;
use prost_types::Any;

use crate::case::CaseFailure;
use crate::messages::eventing::{
    CE_ID, CE_SOURCE, CE_SPECVERSION, CE_SUBJECT, CE_TYPE, EVENT_ONE, EVENT_TWO, LOG_ONE, LOG_TWO,
    PROCESS_ANY_EVENT, PROCESS_EVENT_ONE, PROCESS_EVENT_TWO, delivery,
};
use crate::messages::pack;

/// The type name the cases give the JSON events they deliver (the model's own, `JsonEvent`).
const JSON_EVENT_TYPE: &str = "JsonEvent";

/// The CloudEvent metadata of an event of type `event_type` that entity `subject` persisted in the log
/// `source`, as a proxy sets it (binary mode, one string entry per attribute); `id` makes the `ce-id`.
fn cloud_event(source: &str, event_type: &str, subject: &str, id: &str) -> Metadata {
    let entry = |key: &str, value: &str| MetadataEntry {
        key: key.to_owned(),
        value: Some(metadata_entry::Value::StringValue(value.to_owned())),
    };
    Metadata {
        entries: vec![
            entry(CE_SPECVERSION, "1.0"),
            entry(CE_ID, &format!("{source}/{subject}/{id}")),
            entry(CE_SOURCE, source),
            entry(CE_TYPE, event_type),
            entry(CE_SUBJECT, subject),
        ],
    }
}

/// The command a proxy sends to deliver `event` of type `event_type`, persisted by entity `subject` in
/// the log `source`, to the subscriber's `method`.
fn delivered(
    method: &str,
    event: Any,
    (source, event_type): (&str, &str),
    subject: &str,
) -> ActionCommand {
    ActionCommand {
        metadata: Some(cloud_event(source, event_type, subject, "1")),
        ..delivery(method, event)
    }
}

/// The delivery of `event`, persisted by entity `subject` in `eventlogeventing-one`, to `ProcessEventOne`.
pub(super) fn deliver_event_one(event: &EventOne, subject: &str) -> ActionCommand {
    let payload = pack(EVENT_ONE, event);
    delivered(PROCESS_EVENT_ONE, payload, (LOG_ONE, EVENT_ONE), subject)
}

/// The delivery of `event`, persisted by entity `subject` in `eventlogeventing-one`, to `ProcessEventTwo`.
pub(super) fn deliver_event_two(event: &EventTwo, subject: &str) -> ActionCommand {
    let payload = pack(EVENT_TWO, event);
    delivered(PROCESS_EVENT_TWO, payload, (LOG_ONE, EVENT_TWO), subject)
}

/// The delivery of the JSON event `event`, persisted by entity `subject` in `eventlogeventing-two`, to
/// `ProcessAnyEvent`.
pub(super) fn deliver_json_event(event: Any, subject: &str) -> ActionCommand {
    delivered(
        PROCESS_ANY_EVENT,
        event,
        (LOG_TWO, JSON_EVENT_TYPE),
        subject,
    )
}

/// The JSON event `{"message":"<message>"}` as the JSON convention packs it: type URL
/// `json.cloudstate.io/JsonEvent`, and the JSON text as the `bytes` field 1 of a wrapper message.
pub(super) fn json_event(message: &str) -> Any {
    let json = serde_json::json!({ "message": message }).to_string();
    Any {
        type_url: format!("{JSON_TYPE_URL_PREFIX}{JSON_EVENT_TYPE}"),
        value: json.into_bytes().encode_to_vec(),
    }
}

/// Checks that `event` is a JSON event holding the object `{"message": <message>}`: a type URL of
/// `json.cloudstate.io/` and a type name (which one is the SDK's choice), and bytes that are a message
/// whose field 1 holds JSON text of that value (how the text is laid out is the SDK's choice too).
pub(super) fn check_json_event(event: &Any, message: &str) -> Result<(), CaseFailure> {
    let expected = serde_json::json!({ "message": message });
    let shown_expected = format!(
        "type URL {JSON_TYPE_URL_PREFIX}<type name>, bytes: field 1 = JSON text of {expected}"
    );
    let wrong = |why: String, actual: String| {
        Err(CaseFailure::mismatch(
            format!("the event emitted by EmitJsonEvent is not the expected JSON event: {why}"),
            shown_expected.clone(),
            actual,
        ))
    };
    let named = event
        .type_url
        .strip_prefix(JSON_TYPE_URL_PREFIX)
        .is_some_and(|name| !name.is_empty());
    if !named {
        return wrong(
            format!("its type URL is not {JSON_TYPE_URL_PREFIX} followed by a type name"),
            format!("type URL {:?}", event.type_url),
        );
    }
    let text = match Vec::<u8>::decode(event.value.as_slice()) {
        Ok(text) => text,
        Err(error) => {
            return wrong(
                format!("its bytes are not a message with bytes field 1 ({error})"),
                format!("bytes 0x{}", crate::wire::hex(&event.value)),
            );
        }
    };
    match serde_json::from_slice::<serde_json::Value>(&text) {
        Ok(value) if value == expected => Ok(()),
        Ok(value) => wrong(
            "field 1 holds JSON of another value".to_owned(),
            format!("field 1 = {value}"),
        ),
        Err(error) => wrong(
            format!("field 1 is not JSON text ({error})"),
            format!("field 1 = {:?}", String::from_utf8_lossy(&text)),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::messages::eventing::event_two;

    #[test]
    fn a_json_event_passes_in_any_layout_and_type_name_but_not_otherwise() {
        assert!(check_json_event(&json_event("hi"), "hi").is_ok());
        let spaced = Any {
            type_url: "json.cloudstate.io/some.package.JsonMessage".into(),
            value: b"{ \"message\": \"hi\" }".to_vec().encode_to_vec(),
        };
        assert!(check_json_event(&spaced, "hi").is_ok());
        assert!(check_json_event(&json_event("other"), "hi").is_err());
        let protobuf = Any {
            type_url: "type.googleapis.com/JsonEvent".into(),
            ..json_event("hi")
        };
        assert!(check_json_event(&protobuf, "hi").is_err());
        let unwrapped = Any {
            type_url: "json.cloudstate.io/JsonEvent".into(),
            value: b"{\"message\":\"hi\"}".to_vec(),
        };
        assert!(check_json_event(&unwrapped, "hi").is_err());
        let nameless = Any {
            type_url: "json.cloudstate.io/".into(),
            ..json_event("hi")
        };
        assert!(check_json_event(&nameless, "hi").is_err());
    }

    #[test]
    fn deliveries_carry_the_cloud_event_of_their_log_and_entity() {
        let command = deliver_event_two(&event_two([]), "e-7");
        assert_eq!(command.name, "ProcessEventTwo");
        let metadata = command.metadata.as_ref();
        let read = |key| crate::messages::eventing::metadata_string(metadata, key);
        assert_eq!(read(CE_SUBJECT), Some("e-7"));
        assert_eq!(read(CE_SOURCE), Some("eventlogeventing-one"));
        assert_eq!(read(CE_TYPE), Some(EVENT_TWO));
        assert_eq!(read(CE_SPECVERSION), Some("1.0"));
        let json = deliver_json_event(json_event("m"), "e-8");
        let read = |key| crate::messages::eventing::metadata_string(json.metadata.as_ref(), key);
        assert_eq!(read(CE_TYPE), Some("JsonEvent"));
        assert_eq!(read(CE_SOURCE), Some("eventlogeventing-two"));
    }
}
