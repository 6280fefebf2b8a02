//! Transcript JSON back to encoded protocol messages (see [`MessageCodec`](super::MessageCodec) for
//! the format). Field names may be the JSON names or the `.proto` names; 64-bit integers may be strings
//! or numbers; an unknown field is an error, so that typos in hand-written transcripts show.

use std::collections::HashMap;

use bytes::Bytes;
use cloudstate_protocol::names::{JSON_TYPE_URL_PREFIX, PRIMITIVE_TYPE_URL_PREFIX};
use prost::Message as _;
use prost_reflect::{
    DescriptorPool, DynamicMessage, FieldDescriptor, Kind, MapKey, MessageDescriptor, Value,
};
use serde_json::{Map, Value as Json};

use super::codec::{base64, is_well_known};

/// The encoding of a message of type `full_name` written as `json`.
pub(super) fn message_from_json(
    pool: &DescriptorPool,
    full_name: &str,
    json: &Json,
) -> Result<Vec<u8>, String> {
    if let Some(raw) = json.get("@bytes") {
        return raw_bytes(raw);
    }
    let descriptor = pool
        .get_message_by_name(full_name)
        .ok_or_else(|| format!("message type `{full_name}` is unknown"))?;
    Ok(message(pool, descriptor, json)?.encode_to_vec())
}

fn raw_bytes(raw: &Json) -> Result<Vec<u8>, String> {
    let text = raw
        .as_str()
        .ok_or_else(|| format!("`@bytes` must be a base64 string, found {raw}"))?;
    base64::decode(text).map_err(|error| format!("`@bytes`: {error}"))
}

fn message(
    pool: &DescriptorPool,
    descriptor: MessageDescriptor,
    json: &Json,
) -> Result<DynamicMessage, String> {
    let name = descriptor.full_name().to_owned();
    if name == "google.protobuf.Any" {
        return any(pool, descriptor, json);
    }
    if is_well_known(&name) {
        return DynamicMessage::deserialize(descriptor, json)
            .map_err(|error| format!("not a valid `{name}`: {error}"));
    }
    let object = json
        .as_object()
        .ok_or_else(|| format!("a `{name}` must be a JSON object, found {json}"))?;
    let mut message = DynamicMessage::new(descriptor.clone());
    for (key, value) in object {
        let field = descriptor
            .get_field_by_json_name(key)
            .or_else(|| descriptor.get_field_by_name(key))
            .ok_or_else(|| format!("`{name}` has no field `{key}`"))?;
        if value.is_null() {
            continue;
        }
        let value = field_value(pool, &field, value).map_err(|error| format!("{key}: {error}"))?;
        message.set_field(&field, value);
    }
    Ok(message)
}

fn field_value(
    pool: &DescriptorPool,
    field: &FieldDescriptor,
    json: &Json,
) -> Result<Value, String> {
    if field.is_map() {
        let Kind::Message(entry) = field.kind() else {
            return Err("a map field without an entry type".to_owned());
        };
        let key_kind = entry.map_entry_key_field().kind();
        let value_kind = entry.map_entry_value_field().kind();
        let object = json
            .as_object()
            .ok_or_else(|| format!("a map must be a JSON object, found {json}"))?;
        let mut entries = HashMap::with_capacity(object.len());
        for (key, value) in object {
            let value =
                single(pool, &value_kind, value).map_err(|error| format!("[{key}]: {error}"))?;
            entries.insert(map_key(&key_kind, key)?, value);
        }
        Ok(Value::Map(entries))
    } else if field.is_list() {
        let items = json
            .as_array()
            .ok_or_else(|| format!("a repeated field must be a JSON array, found {json}"))?;
        let kind = field.kind();
        let values = items
            .iter()
            .enumerate()
            .map(|(index, item)| {
                single(pool, &kind, item).map_err(|error| format!("[{index}]: {error}"))
            })
            .collect::<Result<_, _>>()?;
        Ok(Value::List(values))
    } else {
        single(pool, &field.kind(), json)
    }
}

fn single(pool: &DescriptorPool, kind: &Kind, json: &Json) -> Result<Value, String> {
    Ok(match kind {
        Kind::Double => Value::F64(float(json)?),
        Kind::Float => Value::F32(float(json)? as f32),
        Kind::Int32 | Kind::Sint32 | Kind::Sfixed32 => Value::I32(integer(json)?),
        Kind::Int64 | Kind::Sint64 | Kind::Sfixed64 => Value::I64(integer(json)?),
        Kind::Uint32 | Kind::Fixed32 => Value::U32(integer(json)?),
        Kind::Uint64 | Kind::Fixed64 => Value::U64(integer(json)?),
        Kind::Bool => Value::Bool(
            json.as_bool()
                .ok_or_else(|| format!("expected true or false, found {json}"))?,
        ),
        Kind::String => Value::String(text(json)?.to_owned()),
        Kind::Bytes => Value::Bytes(Bytes::from(base64::decode(text(json)?)?)),
        Kind::Enum(descriptor) => Value::EnumNumber(match json {
            Json::String(name) => descriptor
                .get_value_by_name(name)
                .map(|value| value.number())
                .ok_or_else(|| format!("`{}` has no value `{name}`", descriptor.full_name()))?,
            other => integer(other)?,
        }),
        Kind::Message(descriptor) => Value::Message(message(pool, descriptor.clone(), json)?),
    })
}

fn text(json: &Json) -> Result<&str, String> {
    json.as_str()
        .ok_or_else(|| format!("expected a string, found {json}"))
}

fn integer<T: TryFrom<i128>>(json: &Json) -> Result<T, String> {
    let wide: i128 = match json {
        Json::Number(number) => number
            .as_i64()
            .map(i128::from)
            .or_else(|| number.as_u64().map(i128::from))
            .ok_or_else(|| format!("expected an integer, found {number}"))?,
        Json::String(text) => text
            .parse()
            .map_err(|_| format!("expected an integer, found {text:?}"))?,
        other => return Err(format!("expected an integer, found {other}")),
    };
    T::try_from(wide).map_err(|_| format!("{wide} is out of range"))
}

fn float(json: &Json) -> Result<f64, String> {
    match json {
        Json::Number(number) => number
            .as_f64()
            .ok_or_else(|| format!("expected a number, found {number}")),
        Json::String(text) => match text.as_str() {
            "NaN" => Ok(f64::NAN),
            "Infinity" => Ok(f64::INFINITY),
            "-Infinity" => Ok(f64::NEG_INFINITY),
            other => other
                .parse()
                .map_err(|_| format!("expected a number, found {other:?}")),
        },
        other => Err(format!("expected a number, found {other}")),
    }
}

fn map_key(kind: &Kind, key: &str) -> Result<MapKey, String> {
    let bad = || format!("`{key}` is not a valid map key");
    Ok(match kind {
        Kind::String => MapKey::String(key.to_owned()),
        Kind::Bool => MapKey::Bool(key.parse().map_err(|_| bad())?),
        Kind::Int32 | Kind::Sint32 | Kind::Sfixed32 => MapKey::I32(key.parse().map_err(|_| bad())?),
        Kind::Int64 | Kind::Sint64 | Kind::Sfixed64 => MapKey::I64(key.parse().map_err(|_| bad())?),
        Kind::Uint32 | Kind::Fixed32 => MapKey::U32(key.parse().map_err(|_| bad())?),
        Kind::Uint64 | Kind::Fixed64 => MapKey::U64(key.parse().map_err(|_| bad())?),
        _ => return Err(bad()),
    })
}

fn any(
    pool: &DescriptorPool,
    descriptor: MessageDescriptor,
    json: &Json,
) -> Result<DynamicMessage, String> {
    let object = json
        .as_object()
        .ok_or_else(|| format!("an `Any` must be a JSON object, found {json}"))?;
    let type_url = object
        .get("@type")
        .and_then(Json::as_str)
        .ok_or("an `Any` needs its `@type`")?;
    let value = match object.get("@bytes") {
        Some(raw) => raw_bytes(raw)?,
        None => payload(pool, type_url, object).map_err(|error| format!("{type_url}: {error}"))?,
    };
    let mut any = DynamicMessage::new(descriptor);
    any.set_field_by_name("type_url", Value::String(type_url.to_owned()));
    any.set_field_by_name("value", Value::Bytes(Bytes::from(value)));
    Ok(any)
}

fn payload(
    pool: &DescriptorPool,
    type_url: &str,
    object: &Map<String, Json>,
) -> Result<Vec<u8>, String> {
    let value = object.get("value").unwrap_or(&Json::Null);
    if let Some(primitive) = type_url.strip_prefix(PRIMITIVE_TYPE_URL_PREFIX) {
        return primitive_bytes(primitive, value);
    }
    if type_url.starts_with(JSON_TYPE_URL_PREFIX) {
        let text = if value.is_null() { "" } else { text(value)? };
        return Ok(text.as_bytes().to_vec().encode_to_vec());
    }
    let name = type_url.rsplit('/').next().unwrap_or_default();
    let descriptor = pool
        .get_message_by_name(name)
        .ok_or_else(|| format!("payload type `{name}` is unknown; give its bytes as `@bytes`"))?;
    let message = if is_well_known(name) {
        message(pool, descriptor, value)?
    } else {
        let fields: Map<String, Json> = object
            .iter()
            .filter(|(key, _)| !key.starts_with('@'))
            .map(|(key, value)| (key.clone(), value.clone()))
            .collect();
        message(pool, descriptor, &Json::Object(fields))?
    };
    Ok(message.encode_to_vec())
}

fn primitive_bytes(primitive: &str, value: &Json) -> Result<Vec<u8>, String> {
    // A missing `value` is the default, as for any proto3 field.
    let absent = value.is_null();
    Ok(match primitive {
        "string" if absent => String::new().encode_to_vec(),
        "string" => text(value)?.to_owned().encode_to_vec(),
        "bytes" if absent => Vec::<u8>::new().encode_to_vec(),
        "bytes" => base64::decode(text(value)?)?.encode_to_vec(),
        "int32" if absent => 0i32.encode_to_vec(),
        "int32" => integer::<i32>(value)?.encode_to_vec(),
        "int64" if absent => 0i64.encode_to_vec(),
        "int64" => integer::<i64>(value)?.encode_to_vec(),
        "bool" if absent => false.encode_to_vec(),
        "bool" => value
            .as_bool()
            .ok_or_else(|| format!("expected true or false, found {value}"))?
            .encode_to_vec(),
        "float" if absent => 0f32.encode_to_vec(),
        "float" => (float(value)? as f32).encode_to_vec(),
        "double" if absent => 0f64.encode_to_vec(),
        "double" => float(value)?.encode_to_vec(),
        other => return Err(format!("unknown primitive type `{other}`")),
    })
}
