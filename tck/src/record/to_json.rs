//! Encoded protocol messages to transcript JSON (see [`MessageCodec`](super::MessageCodec) for the
//! format). Nothing here fails: what does not decode is kept as base64 with the reason.

use cloudstate_protocol::names::{JSON_TYPE_URL_PREFIX, PRIMITIVE_TYPE_URL_PREFIX};
use prost::Message as _;
use prost_reflect::{DescriptorPool, DynamicMessage, Kind, MapKey, ReflectMessage as _, Value};
use serde_json::{Map, Value as Json, json};

use super::codec::{base64, is_well_known};

/// The JSON of an encoded message of type `full_name`.
pub(super) fn message_to_json(pool: &DescriptorPool, full_name: &str, bytes: &[u8]) -> Json {
    let Some(descriptor) = pool.get_message_by_name(full_name) else {
        return raw(bytes, &format!("message type `{full_name}` is unknown"));
    };
    let decoded = DynamicMessage::decode(descriptor, bytes).map_err(|error| error.to_string());
    match decoded.and_then(|message| message_json(pool, &message)) {
        Ok(json) => json,
        Err(error) => raw(bytes, &error),
    }
}

fn raw(bytes: &[u8], error: &str) -> Json {
    json!({ "@bytes": base64::encode(bytes), "@error": error })
}

fn message_json(pool: &DescriptorPool, message: &DynamicMessage) -> Result<Json, String> {
    let descriptor = message.descriptor();
    let name = descriptor.full_name();
    if message.unknown_fields().next().is_some() {
        return Err(format!(
            "a `{name}` holds fields its descriptor does not declare"
        ));
    }
    if name == "google.protobuf.Any" {
        return Ok(any_json(pool, message));
    }
    if is_well_known(name) {
        return serde_json::to_value(message).map_err(|error| error.to_string());
    }
    let mut object = Map::new();
    for (field, value) in message.fields() {
        object.insert(
            field.json_name().to_owned(),
            value_json(pool, &field.kind(), value)?,
        );
    }
    Ok(Json::Object(object))
}

fn value_json(pool: &DescriptorPool, kind: &Kind, value: &Value) -> Result<Json, String> {
    Ok(match value {
        Value::Bool(b) => json!(b),
        Value::I32(n) => json!(n),
        Value::U32(n) => json!(n),
        Value::I64(n) => json!(n.to_string()),
        Value::U64(n) => json!(n.to_string()),
        Value::F32(n) => float_json(f64::from(*n), &n.to_string()),
        Value::F64(n) => float_json(*n, &n.to_string()),
        Value::String(s) => json!(s),
        Value::Bytes(b) => json!(base64::encode(b)),
        Value::EnumNumber(number) => match kind {
            Kind::Enum(descriptor) => descriptor
                .get_value(*number)
                .map_or_else(|| json!(number), |value| json!(value.name())),
            _ => json!(number),
        },
        Value::Message(message) => message_json(pool, message)?,
        Value::List(items) => Json::Array(
            items
                .iter()
                .map(|item| value_json(pool, kind, item))
                .collect::<Result<_, _>>()?,
        ),
        Value::Map(entries) => {
            let value_kind = match kind {
                Kind::Message(entry) => entry.map_entry_value_field().kind(),
                other => other.clone(),
            };
            let mut sorted: Vec<_> = entries.iter().collect();
            sorted.sort_by_key(|(key, _)| map_key(key));
            let mut object = Map::new();
            for (key, value) in sorted {
                object.insert(map_key(key), value_json(pool, &value_kind, value)?);
            }
            Json::Object(object)
        }
    })
}

/// A float as proto3 JSON: a number, or `"NaN"`, `"Infinity"` or `"-Infinity"`. `shortest` is the
/// shortest text that reads back as the same value in its own width.
fn float_json(value: f64, shortest: &str) -> Json {
    if value.is_nan() {
        json!("NaN")
    } else if value.is_infinite() {
        json!(if value > 0.0 { "Infinity" } else { "-Infinity" })
    } else {
        shortest
            .parse::<f64>()
            .ok()
            .and_then(serde_json::Number::from_f64)
            .map_or(Json::Null, Json::Number)
    }
}

fn map_key(key: &MapKey) -> String {
    match key {
        MapKey::Bool(b) => b.to_string(),
        MapKey::I32(n) => n.to_string(),
        MapKey::I64(n) => n.to_string(),
        MapKey::U32(n) => n.to_string(),
        MapKey::U64(n) => n.to_string(),
        MapKey::String(s) => s.clone(),
    }
}

fn any_json(pool: &DescriptorPool, any: &DynamicMessage) -> Json {
    let type_url = match any.get_field_by_name("type_url").as_deref() {
        Some(Value::String(url)) => url.clone(),
        _ => String::new(),
    };
    let bytes = match any.get_field_by_name("value").as_deref() {
        Some(Value::Bytes(bytes)) => bytes.to_vec(),
        _ => Vec::new(),
    };
    let mut object = Map::new();
    object.insert("@type".to_owned(), json!(type_url));
    match payload_json(pool, &type_url, &bytes) {
        Ok(Json::Object(fields)) => object.extend(fields),
        Ok(other) => {
            object.insert("value".to_owned(), other);
        }
        Err(error) => {
            object.insert("@bytes".to_owned(), json!(base64::encode(&bytes)));
            object.insert("@error".to_owned(), json!(error));
        }
    }
    Json::Object(object)
}

/// The payload of an `Any`: an object whose fields join `@type`, or a value that goes under `value`.
fn payload_json(pool: &DescriptorPool, type_url: &str, bytes: &[u8]) -> Result<Json, String> {
    if let Some(primitive) = type_url.strip_prefix(PRIMITIVE_TYPE_URL_PREFIX) {
        return primitive_json(primitive, bytes).map(|value| json!({ "value": value }));
    }
    if type_url.starts_with(JSON_TYPE_URL_PREFIX) {
        let raw = Vec::<u8>::decode(bytes).map_err(|error| error.to_string())?;
        let text = String::from_utf8(raw).map_err(|error| error.to_string())?;
        return Ok(json!({ "value": text }));
    }
    let name = type_url.rsplit('/').next().unwrap_or_default();
    let descriptor = pool
        .get_message_by_name(name)
        .ok_or_else(|| format!("payload type `{name}` is unknown"))?;
    let message = DynamicMessage::decode(descriptor, bytes).map_err(|error| error.to_string())?;
    let json = message_json(pool, &message)?;
    if is_well_known(name) {
        Ok(json!({ "value": json }))
    } else {
        Ok(json)
    }
}

fn primitive_json(primitive: &str, bytes: &[u8]) -> Result<Json, String> {
    fn decode<T: prost::Message + Default>(bytes: &[u8]) -> Result<T, String> {
        T::decode(bytes).map_err(|error| error.to_string())
    }
    Ok(match primitive {
        "string" => json!(decode::<String>(bytes)?),
        "bytes" => json!(base64::encode(&decode::<Vec<u8>>(bytes)?)),
        "int32" => json!(decode::<i32>(bytes)?),
        "int64" => json!(decode::<i64>(bytes)?.to_string()),
        "bool" => json!(decode::<bool>(bytes)?),
        "float" => {
            let value = decode::<f32>(bytes)?;
            float_json(f64::from(value), &value.to_string())
        }
        "double" => {
            let value = decode::<f64>(bytes)?;
            float_json(value, &value.to_string())
        }
        other => return Err(format!("unknown primitive type `{other}`")),
    })
}
