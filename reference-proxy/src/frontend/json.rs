//! JSON ⇄ protobuf for HTTP transcoding, with prost-reflect's canonical proto3 JSON mapping.
//!
//! Output follows the Akka proxy (protobuf-java's `JsonFormat.printer().includingDefaultValueFields()`):
//! lowerCamelCase (JSON) field names, fields in field-number order, default-valued scalars and empty
//! repeated fields included, unset message and oneof fields left out, 64-bit integers as strings, enums
//! by name, no whitespace. So an empty `Response{message}` prints as `{"message":""}` and a message
//! without fields as `{}`.
//!
//! Input accepts both the JSON and the proto names of fields; unknown fields and unknown enum names are
//! errors (the HTTP layer answers 400).

use bytes::Bytes;
use prost::Message as _;
use prost_reflect::{
    DeserializeOptions, DynamicMessage, FieldDescriptor, Kind, MessageDescriptor, SerializeOptions,
};
use serde_json::{Map, Value};

use crate::deviation;

fn serialize_options() -> SerializeOptions {
    SerializeOptions::new()
        .skip_default_fields(deviation::frontend::json_skips_default_fields())
        .stringify_64_bit_integers(true)
        .use_proto_field_name(false)
}

/// Parses a request body as JSON; an empty body is an empty object.
pub(super) fn parse(body: &[u8]) -> Result<Value, String> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(Value::Object(Map::new()));
    }
    serde_json::from_slice(body)
        .map_err(|error| format!("the request body is not valid JSON: {error}"))
}

/// Builds a message of type `descriptor` from JSON, and encodes it.
pub(super) fn to_protobuf(descriptor: &MessageDescriptor, json: Value) -> Result<Bytes, String> {
    let options = DeserializeOptions::new().deny_unknown_fields(true);
    let message = DynamicMessage::deserialize_with_options(descriptor.clone(), json, &options)
        .map_err(|error| {
            format!(
                "the JSON is not a valid {}: {error}",
                descriptor.full_name()
            )
        })?;
    Ok(Bytes::from(message.encode_to_vec()))
}

/// Decodes a message of type `descriptor` and prints it as JSON; with `field`, only that field's value.
pub(super) fn from_protobuf(
    descriptor: &MessageDescriptor,
    bytes: &[u8],
    field: Option<&FieldDescriptor>,
) -> Result<Vec<u8>, String> {
    let message = DynamicMessage::decode(descriptor.clone(), bytes).map_err(|error| {
        format!(
            "the reply is not a valid {}: {error}",
            descriptor.full_name()
        )
    })?;
    match field {
        None => print(&message),
        Some(field) => match message.get_field(field).as_message() {
            Some(inner) if !field.is_list() && !field.is_map() => print(inner),
            _ => {
                let object = message
                    .serialize_with_options(serde_json::value::Serializer, &serialize_options())
                    .map_err(|error| format!("the reply cannot be printed as JSON: {error}"))?;
                let value = object
                    .get(field.json_name())
                    .cloned()
                    .unwrap_or(Value::Null);
                serde_json::to_vec(&value)
                    .map_err(|error| format!("the reply cannot be printed as JSON: {error}"))
            }
        },
    }
}

fn print(message: &DynamicMessage) -> Result<Vec<u8>, String> {
    let mut serializer = serde_json::Serializer::new(Vec::new());
    message
        .serialize_with_options(&mut serializer, &serialize_options())
        .map_err(|error| format!("the reply cannot be printed as JSON: {error}"))?;
    Ok(serializer.into_inner())
}

/// Resolves a dotted field path (proto or JSON names) in `descriptor`. Every field but the last must be
/// a singular message field.
pub(super) fn field_path<S: AsRef<str>>(
    descriptor: &MessageDescriptor,
    path: &[S],
) -> Result<Vec<FieldDescriptor>, String> {
    let mut fields = Vec::with_capacity(path.len());
    let mut current = descriptor.clone();
    for (i, name) in path.iter().enumerate() {
        let name = name.as_ref();
        let field = current
            .get_field_by_name(name)
            .or_else(|| current.get_field_by_json_name(name))
            .ok_or_else(|| format!("{} has no field `{name}`", current.full_name()))?;
        if i + 1 < path.len() {
            match field.kind() {
                Kind::Message(inner) if !field.is_list() && !field.is_map() => current = inner,
                _ => {
                    return Err(format!(
                        "field `{name}` of {} is not a message",
                        current.full_name()
                    ));
                }
            }
        }
        fields.push(field);
    }
    if fields.is_empty() {
        return Err("an empty field path".to_owned());
    }
    Ok(fields)
}

/// The JSON value of one path variable or query parameter for `field`: text, except booleans and
/// enum numbers (proto3 JSON accepts numbers, bytes and enum names as strings).
pub(super) fn parameter(field: &FieldDescriptor, text: String) -> Value {
    match field.kind() {
        Kind::Bool if text == "true" || text == "false" => Value::Bool(text == "true"),
        Kind::Enum(_) => text.parse::<i32>().map_or(Value::String(text), Value::from),
        _ => Value::String(text),
    }
}

/// Sets `fields` (a resolved path) in a JSON object to `value`, replacing what the object had there
/// under either name of the field.
pub(super) fn set(object: &mut Map<String, Value>, fields: &[FieldDescriptor], value: Value) {
    let Some((field, rest)) = fields.split_first() else {
        return;
    };
    let existing = object
        .remove(field.json_name())
        .or_else(|| object.remove(field.name()));
    if rest.is_empty() {
        object.insert(field.name().to_owned(), value);
        return;
    }
    let mut inner = match existing {
        Some(Value::Object(inner)) => inner,
        _ => Map::new(),
    };
    set(&mut inner, rest, value);
    object.insert(field.name().to_owned(), Value::Object(inner));
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pool() -> &'static prost_reflect::DescriptorPool {
        cloudstate_protocol::descriptor_pool()
    }

    #[test]
    fn output_includes_defaults_and_stringifies_64_bit_integers() {
        let response = pool()
            .get_message_by_name("cloudstate.tck.model.valueentity.Response")
            .unwrap();
        assert_eq!(
            from_protobuf(&response, &[], None).unwrap(),
            br#"{"message":""}"#
        );
        let init = pool()
            .get_message_by_name("cloudstate.eventsourced.EventSourcedEvent")
            .unwrap();
        let json = String::from_utf8(from_protobuf(&init, &[], None).unwrap()).unwrap();
        assert!(json.contains(r#""sequence":"0""#), "{json}");
        let delete = pool()
            .get_message_by_name("cloudstate.tck.model.valueentity.Delete")
            .unwrap();
        assert_eq!(from_protobuf(&delete, &[], None).unwrap(), b"{}");
    }

    #[test]
    fn input_accepts_both_names_and_rejects_unknown_fields() {
        let command = pool().get_message_by_name("cloudstate.Command").unwrap();
        let by_json = to_protobuf(&command, parse(br#"{"entityId":"a"}"#).unwrap()).unwrap();
        let by_proto = to_protobuf(&command, parse(br#"{"entity_id":"a"}"#).unwrap()).unwrap();
        assert_eq!(by_json, by_proto);
        assert!(to_protobuf(&command, parse(br#"{"nope":1}"#).unwrap()).is_err());
        assert!(parse(b"{").is_err());
        assert_eq!(parse(b" ").unwrap(), Value::Object(Map::new()));
    }

    #[test]
    fn parameters_replace_body_fields() {
        let command = pool().get_message_by_name("cloudstate.Command").unwrap();
        let mut object = parse(br#"{"entityId":"body","id":"3"}"#)
            .unwrap()
            .as_object()
            .unwrap()
            .clone();
        let path = field_path(&command, &["entity_id"]).unwrap();
        set(&mut object, &path, parameter(&path[0], "path".to_owned()));
        let id = field_path(&command, &["id"]).unwrap();
        set(&mut object, &id, parameter(&id[0], "7".to_owned()));
        let bytes = to_protobuf(&command, Value::Object(object)).unwrap();
        let message = DynamicMessage::decode(command, bytes).unwrap();
        assert_eq!(
            message.get_field_by_name("entity_id").unwrap().as_str(),
            Some("path")
        );
        assert_eq!(message.get_field_by_name("id").unwrap().as_i64(), Some(7));
        assert!(
            field_path(
                &pool().get_message_by_name("cloudstate.Command").unwrap(),
                &["name", "x"]
            )
            .is_err()
        );
    }
}
