//! Protocol messages as transcript JSON, and back.
//!
//! Transcripts write messages as proto3 JSON (field names in lowerCamelCase, 64-bit integers as
//! strings, `bytes` in base64, enums by name, default values left out), with `Any` payloads expanded by
//! the descriptor set the user function announced in discovery. Three extensions keep every message
//! writable by hand and replayable byte for byte:
//!
//! - a Cloudstate primitive payload (`p.cloudstate.io/string`, `…/int64`, …) is `{"@type", "value"}`;
//! - a Cloudstate JSON payload (`json.cloudstate.io/…`) is `{"@type", "value"}` with the JSON text as a
//!   string, so that it is re-encoded exactly;
//! - what does not decode keeps its bytes: `{"@type", "@bytes", "@error"}` for an `Any` payload, and
//!   `{"@bytes", "@error"}` for a whole message. `@error` is for people; reading ignores it.

use cloudstate_protocol::descriptor_pool;
use prost_reflect::DescriptorPool;
use serde_json::Value as Json;

use super::{from_json, to_json};

/// Converts protocol messages between protobuf bytes and transcript JSON, with one descriptor pool: the
/// user function's announced descriptor set merged with the TCK's own files, or the TCK's pool alone.
#[derive(Debug, Clone)]
pub(crate) struct MessageCodec {
    pool: DescriptorPool,
    source: &'static str,
}

impl MessageCodec {
    /// A codec that knows only the TCK's own files (the protocol and the TCK model).
    pub(crate) fn tck() -> Self {
        MessageCodec {
            pool: descriptor_pool().clone(),
            source: "the TCK's own descriptors",
        }
    }

    /// A codec for the descriptor set a user function announced (`EntitySpec.proto`), merged with the
    /// TCK's files so that protocol messages decode too; the user function's files win on a name clash.
    pub(crate) fn with_descriptor_set(bytes: &[u8]) -> Result<Self, String> {
        let announced = cloudstate_protocol::decode_descriptor_set(bytes).and_then(|mut pool| {
            pool.add_file_descriptor_protos(descriptor_pool().file_descriptor_protos().cloned())
                .map(|()| pool)
                .map_err(|error| error.to_string())
        });
        let pool = match announced {
            Ok(pool) => pool,
            // A set that is not self-contained (it leaves out well-known files, say) may still complete
            // the TCK's pool.
            Err(first) => {
                let mut pool = descriptor_pool().clone();
                pool.decode_file_descriptor_set(bytes)
                    .map_err(|error| format!("{first}; merged with the TCK's files: {error}"))?;
                pool
            }
        };
        Ok(MessageCodec {
            pool,
            source: "the descriptor set announced in discovery",
        })
    }

    /// A codec for the discover answer `entity_spec` (an encoded `EntitySpec`), falling back to the
    /// TCK's pool when there is none or its descriptor set does not decode; the second value says why.
    pub(crate) fn for_discovery(entity_spec: Option<&[u8]>) -> (Self, Option<String>) {
        use prost::Message as _;
        let Some(bytes) = entity_spec else {
            return (
                Self::tck(),
                Some("no discovery answer was recorded".to_owned()),
            );
        };
        let spec = match cloudstate_protocol::cloudstate::EntitySpec::decode(bytes) {
            Ok(spec) => spec,
            Err(error) => {
                return (
                    Self::tck(),
                    Some(format!("the discovery answer does not decode: {error}")),
                );
            }
        };
        match Self::with_descriptor_set(&spec.proto) {
            Ok(codec) => (codec, None),
            Err(error) => (
                Self::tck(),
                Some(format!("the announced descriptor set is unusable: {error}")),
            ),
        }
    }

    /// Where the codec's descriptors come from, for messages.
    pub(crate) fn source(&self) -> &'static str {
        self.source
    }

    /// The JSON of an encoded message of type `full_name`; never fails (bytes that do not decode are
    /// kept in base64).
    pub(crate) fn to_json(&self, full_name: &str, bytes: &[u8]) -> Json {
        to_json::message_to_json(&self.pool, full_name, bytes)
    }

    /// The encoding of a message of type `full_name` written as transcript JSON.
    pub(crate) fn encode_json(&self, full_name: &str, json: &Json) -> Result<Vec<u8>, String> {
        from_json::message_from_json(&self.pool, full_name, json)
    }

    /// `bytes` in canonical form: decoded and re-encoded the way a transcript message would be, so that
    /// two encodings of one message compare equal.
    pub(crate) fn canonical(&self, full_name: &str, bytes: &[u8]) -> Vec<u8> {
        self.encode_json(full_name, &self.to_json(full_name, bytes))
            .unwrap_or_else(|_| bytes.to_vec())
    }
}

/// The well-known types that proto3 JSON writes in a special form (`Any` aside).
pub(super) fn is_well_known(full_name: &str) -> bool {
    matches!(
        full_name,
        "google.protobuf.Timestamp"
            | "google.protobuf.Duration"
            | "google.protobuf.Struct"
            | "google.protobuf.Value"
            | "google.protobuf.ListValue"
            | "google.protobuf.FieldMask"
            | "google.protobuf.Empty"
            | "google.protobuf.FloatValue"
            | "google.protobuf.DoubleValue"
            | "google.protobuf.Int32Value"
            | "google.protobuf.Int64Value"
            | "google.protobuf.UInt32Value"
            | "google.protobuf.UInt64Value"
            | "google.protobuf.BoolValue"
            | "google.protobuf.StringValue"
            | "google.protobuf.BytesValue"
    )
}

pub(super) mod base64 {
    //! Base64, as proto3 JSON writes `bytes` fields: the standard alphabet with padding. Reading also
    //! accepts the URL-safe alphabet and missing padding, as proto3 JSON parsers do.

    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

    /// Encodes bytes as standard base64 with padding.
    pub(crate) fn encode(bytes: &[u8]) -> String {
        let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
        for chunk in bytes.chunks(3) {
            let b = [
                chunk[0],
                chunk.get(1).copied().unwrap_or(0),
                chunk.get(2).copied().unwrap_or(0),
            ];
            let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
            for (i, shift) in [18u32, 12, 6, 0].into_iter().enumerate() {
                if i <= chunk.len() {
                    out.push(char::from(ALPHABET[((n >> shift) & 0x3f) as usize]));
                } else {
                    out.push('=');
                }
            }
        }
        out
    }

    /// Decodes standard or URL-safe base64, with or without padding.
    pub(crate) fn decode(text: &str) -> Result<Vec<u8>, String> {
        let digits: Vec<u8> = text
            .trim_end_matches('=')
            .bytes()
            .map(|c| match c {
                b'A'..=b'Z' => Ok(c - b'A'),
                b'a'..=b'z' => Ok(c - b'a' + 26),
                b'0'..=b'9' => Ok(c - b'0' + 52),
                b'+' | b'-' => Ok(62),
                b'/' | b'_' => Ok(63),
                other => Err(format!(
                    "`{}` is not a base64 character",
                    char::from(other).escape_default()
                )),
            })
            .collect::<Result<_, _>>()?;
        if digits.len() % 4 == 1 {
            return Err("a base64 text cannot have a length of 4n+1".to_owned());
        }
        let mut out = Vec::with_capacity(digits.len() * 3 / 4);
        for chunk in digits.chunks(4) {
            let n = chunk
                .iter()
                .enumerate()
                .fold(0u32, |n, (i, d)| n | (u32::from(*d) << (18 - 6 * i)));
            let bytes = [(n >> 16) as u8, (n >> 8) as u8, n as u8];
            out.extend_from_slice(&bytes[..chunk.len() - 1]);
        }
        Ok(out)
    }

    #[cfg(test)]
    mod tests {
        use super::*;

        #[test]
        fn round_trips_and_known_values() {
            for (plain, encoded) in [
                ("", ""),
                ("f", "Zg=="),
                ("fo", "Zm8="),
                ("foo", "Zm9v"),
                ("foob", "Zm9vYg=="),
                ("fooba", "Zm9vYmE="),
                ("foobar", "Zm9vYmFy"),
            ] {
                assert_eq!(encode(plain.as_bytes()), encoded);
                assert_eq!(decode(encoded).expect("valid"), plain.as_bytes());
            }
            let all: Vec<u8> = (0..=255).collect();
            assert_eq!(decode(&encode(&all)).expect("valid"), all);
            assert_eq!(
                decode("-_8").expect("url-safe"),
                decode("+/8=").expect("std")
            );
            assert!(decode("a").is_err());
            assert!(decode("ab$d").is_err());
        }
    }
}

#[cfg(test)]
mod tests {
    use cloudstate_protocol::cloudstate::crdt::{CrdtDelta, GSetDelta, crdt_delta};
    use prost::Message as _;
    use prost_types::Any;
    use serde_json::json;

    use super::*;

    const DELTA: &str = "cloudstate.crdt.CrdtDelta";

    #[test]
    fn primitive_json_and_unknown_payloads_round_trip() {
        let delta = CrdtDelta {
            delta: Some(crdt_delta::Delta::Gset(GSetDelta {
                added: vec![
                    Any {
                        type_url: "p.cloudstate.io/string".into(),
                        value: "abc".to_owned().encode_to_vec(),
                    },
                    Any {
                        type_url: "json.cloudstate.io/Thing".into(),
                        value: b"{\"b\": 1,  \"a\":2}".to_vec().encode_to_vec(),
                    },
                    Any {
                        type_url: "type.googleapis.com/no.such.Type".into(),
                        value: vec![1, 2, 3],
                    },
                ],
            })),
        };
        let codec = MessageCodec::tck();
        let bytes = delta.encode_to_vec();
        let json = codec.to_json(DELTA, &bytes);
        let added = &json["gset"]["added"];
        assert_eq!(
            added[0],
            json!({"@type": "p.cloudstate.io/string", "value": "abc"})
        );
        assert_eq!(added[1]["value"], "{\"b\": 1,  \"a\":2}");
        assert_eq!(added[2]["@bytes"], "AQID");
        assert_eq!(codec.encode_json(DELTA, &json).expect("parses"), bytes);
    }

    #[test]
    fn model_payloads_expand_and_64_bit_integers_are_strings() {
        let request = cloudstate_protocol::cloudstate::tck::model::Request {
            id: "e1".into(),
            actions: vec![],
        };
        let command = cloudstate_protocol::cloudstate::Command {
            entity_id: "e1".into(),
            id: 7,
            name: "Process".into(),
            payload: Some(Any {
                type_url: "type.googleapis.com/cloudstate.tck.model.Request".into(),
                value: request.encode_to_vec(),
            }),
            ..Default::default()
        };
        let codec = MessageCodec::tck();
        let bytes = command.encode_to_vec();
        let json = codec.to_json("cloudstate.Command", &bytes);
        assert_eq!(
            json,
            json!({"entityId": "e1", "id": "7", "name": "Process", "payload": {
                "@type": "type.googleapis.com/cloudstate.tck.model.Request", "id": "e1"}})
        );
        assert_eq!(
            codec
                .encode_json("cloudstate.Command", &json)
                .expect("parses"),
            bytes
        );
        let by_proto_names = json!({"entity_id": "e1", "id": 7, "name": "Process"});
        assert!(
            codec
                .encode_json("cloudstate.Command", &by_proto_names)
                .is_ok()
        );
        let unknown_field = json!({"entityID": "e1"});
        let error = codec
            .encode_json("cloudstate.Command", &unknown_field)
            .expect_err("no such field");
        assert!(error.contains("entityID"), "{error}");
    }

    #[test]
    fn garbage_keeps_its_bytes() {
        let codec = MessageCodec::tck();
        let json = codec.to_json("cloudstate.Command", &[0xff, 0xff]);
        assert_eq!(json["@bytes"], "//8=");
        assert_eq!(
            codec.encode_json("cloudstate.Command", &json).expect("raw"),
            vec![0xff, 0xff]
        );
    }
}
