//! Renders protocol messages for people: JSON with `Any` payloads expanded.
//!
//! Reports show every message the TCK sent and received, so the renderer never fails: a payload that does
//! not decode is shown with its type URL, its bytes in hex and the decoding error.

use cloudstate_protocol::descriptor_pool;
use cloudstate_protocol::names::{JSON_TYPE_URL_PREFIX, PRIMITIVE_TYPE_URL_PREFIX};
use prost::Message as _;
use prost_reflect::{DynamicMessage, Kind, MapKey, ReflectMessage as _, Value};
use serde_json::{Map, Value as Json, json};

/// Renders an encoded message of the given full protobuf name as pretty JSON.
pub(crate) fn render_pretty(full_name: &str, bytes: &[u8]) -> String {
    let json = to_json(full_name, bytes);
    serde_json::to_string_pretty(&json).unwrap_or_else(|_| json.to_string())
}

/// Renders an encoded message of the given full protobuf name as one line of JSON.
pub(crate) fn render_compact(full_name: &str, bytes: &[u8]) -> String {
    to_json(full_name, bytes).to_string()
}

/// Converts an encoded message to JSON, falling back to hex when it does not decode.
pub(crate) fn to_json(full_name: &str, bytes: &[u8]) -> Json {
    let Some(descriptor) = descriptor_pool().get_message_by_name(full_name) else {
        return undecodable(full_name, bytes, "message type unknown to the TCK");
    };
    match DynamicMessage::decode(descriptor, bytes) {
        Ok(message) => message_to_json(&message),
        Err(error) => undecodable(full_name, bytes, &error.to_string()),
    }
}

fn message_to_json(message: &DynamicMessage) -> Json {
    if message.descriptor().full_name() == "google.protobuf.Any" {
        return any_to_json(message);
    }
    let mut object = Map::new();
    for (field, value) in message.fields() {
        object.insert(field.name().to_owned(), value_to_json(&field.kind(), value));
    }
    Json::Object(object)
}

fn value_to_json(kind: &Kind, value: &Value) -> Json {
    match value {
        Value::Bool(b) => json!(b),
        Value::I32(n) => json!(n),
        Value::I64(n) => json!(n),
        Value::U32(n) => json!(n),
        Value::U64(n) => json!(n),
        Value::F32(n) => json!(n),
        Value::F64(n) => json!(n),
        Value::String(s) => json!(s),
        Value::Bytes(b) => json!(format!("0x{}", hex(b))),
        Value::EnumNumber(number) => match kind {
            Kind::Enum(descriptor) => descriptor
                .get_value(*number)
                .map_or_else(|| json!(number), |value| json!(value.name())),
            _ => json!(number),
        },
        Value::Message(message) => message_to_json(message),
        Value::List(items) => {
            Json::Array(items.iter().map(|item| value_to_json(kind, item)).collect())
        }
        Value::Map(entries) => {
            let value_kind = match kind {
                Kind::Message(entry) => entry.map_entry_value_field().kind(),
                other => other.clone(),
            };
            let mut sorted: Vec<_> = entries.iter().collect();
            sorted.sort_by_key(|(key, _)| map_key_string(key));
            let mut object = Map::new();
            for (key, value) in sorted {
                object.insert(map_key_string(key), value_to_json(&value_kind, value));
            }
            Json::Object(object)
        }
    }
}

fn map_key_string(key: &MapKey) -> String {
    match key {
        MapKey::Bool(b) => b.to_string(),
        MapKey::I32(n) => n.to_string(),
        MapKey::I64(n) => n.to_string(),
        MapKey::U32(n) => n.to_string(),
        MapKey::U64(n) => n.to_string(),
        MapKey::String(s) => s.clone(),
    }
}

fn any_to_json(any: &DynamicMessage) -> Json {
    let type_url = match any.get_field_by_name("type_url").as_deref() {
        Some(Value::String(url)) => url.clone(),
        _ => String::new(),
    };
    let bytes = match any.get_field_by_name("value").as_deref() {
        Some(Value::Bytes(bytes)) => bytes.to_vec(),
        _ => Vec::new(),
    };
    payload_to_json(&type_url, &bytes)
}

/// Renders the content of an `Any` from its type URL and bytes.
pub(crate) fn payload_to_json(type_url: &str, bytes: &[u8]) -> Json {
    let mut object = Map::new();
    object.insert("@type".into(), json!(type_url));
    let decoded = if let Some(primitive) = type_url.strip_prefix(PRIMITIVE_TYPE_URL_PREFIX) {
        primitive_to_json(primitive, bytes)
    } else if type_url.starts_with(JSON_TYPE_URL_PREFIX) {
        json_payload(bytes)
    } else {
        let name = type_url.rsplit('/').next().unwrap_or_default();
        match descriptor_pool().get_message_by_name(name) {
            None => Err("message type unknown to the TCK".to_owned()),
            Some(descriptor) => DynamicMessage::decode(descriptor, bytes)
                .map(|message| message_to_json(&message))
                .map_err(|error| error.to_string()),
        }
    };
    match decoded {
        Ok(Json::Object(fields)) => object.extend(fields),
        Ok(value) => {
            object.insert("value".into(), value);
        }
        Err(error) => {
            object.insert("@bytes".into(), json!(format!("0x{}", hex(bytes))));
            object.insert("@error".into(), json!(error));
        }
    }
    Json::Object(object)
}

fn primitive_to_json(primitive: &str, bytes: &[u8]) -> Result<Json, String> {
    fn decode<T: prost::Message + Default>(bytes: &[u8]) -> Result<T, String> {
        T::decode(bytes).map_err(|error| error.to_string())
    }
    Ok(match primitive {
        "string" => json!(decode::<String>(bytes)?),
        "bytes" => json!(format!("0x{}", hex(&decode::<Vec<u8>>(bytes)?))),
        "int32" => json!(decode::<i32>(bytes)?),
        "int64" => json!(decode::<i64>(bytes)?),
        "bool" => json!(decode::<bool>(bytes)?),
        "float" => json!(decode::<f32>(bytes)?),
        "double" => json!(decode::<f64>(bytes)?),
        other => return Err(format!("unknown primitive type `{other}`")),
    })
}

fn json_payload(bytes: &[u8]) -> Result<Json, String> {
    let raw = Vec::<u8>::decode(bytes).map_err(|error| error.to_string())?;
    let text = String::from_utf8(raw).map_err(|error| error.to_string())?;
    let value: Json = serde_json::from_str(&text).map_err(|error| error.to_string())?;
    Ok(json!({ "json": value }))
}

fn undecodable(full_name: &str, bytes: &[u8], error: &str) -> Json {
    json!({ "@message": full_name, "@bytes": format!("0x{}", hex(bytes)), "@error": error })
}

/// Lower-case hex of some bytes.
pub(crate) fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use cloudstate_protocol::cloudstate::{Command, eventsourced::EventSourcedStreamIn};
    use prost_types::Any;

    fn command_with_payload(payload: Any) -> Vec<u8> {
        Command {
            entity_id: "e1".into(),
            id: 1,
            name: "Process".into(),
            payload: Some(payload),
            ..Default::default()
        }
        .encode_to_vec()
    }

    #[test]
    fn any_payloads_are_expanded() {
        let request = cloudstate_protocol::cloudstate::tck::model::Request {
            id: "e1".into(),
            actions: vec![],
        };
        let payload = Any {
            type_url: "type.googleapis.com/cloudstate.tck.model.Request".into(),
            value: request.encode_to_vec(),
        };
        let text = render_compact("cloudstate.Command", &command_with_payload(payload));
        assert_eq!(
            text,
            r#"{"entity_id":"e1","id":1,"name":"Process","payload":{"@type":"type.googleapis.com/cloudstate.tck.model.Request","id":"e1"}}"#
        );
    }

    #[test]
    fn garbage_in_an_any_is_shown_not_fatal() {
        let payload = Any {
            type_url: "type.googleapis.com/cloudstate.tck.model.Request".into(),
            value: vec![0xff, 0xff, 0xff],
        };
        let json = to_json("cloudstate.Command", &command_with_payload(payload));
        assert_eq!(json["payload"]["@bytes"], "0xffffff");
        assert!(
            json["payload"]["@error"]
                .as_str()
                .is_some_and(|e| !e.is_empty())
        );
    }

    #[test]
    fn primitives_and_unknown_messages_render() {
        let string = payload_to_json("p.cloudstate.io/string", &"abc".to_owned().encode_to_vec());
        assert_eq!(
            string,
            json!({"@type": "p.cloudstate.io/string", "value": "abc"})
        );
        let unknown = to_json("no.such.Message", &[1, 2]);
        assert_eq!(unknown["@bytes"], "0x0102");
        let stream_in = EventSourcedStreamIn::default().encode_to_vec();
        assert_eq!(
            to_json("cloudstate.eventsourced.EventSourcedStreamIn", &stream_in),
            json!({})
        );
    }
}
