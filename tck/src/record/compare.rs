//! Comparing what a user function sends on replay with what was recorded, under the rules of the
//! SDK-mode cases: byte for byte once both are in canonical form, except that the elements of CRDT set
//! deltas and the keys and entries of CRDT map deltas may come in any order (as in
//! `messages/crdt/normalise.rs`), action metadata is ignored, and a discovery answer is compared by its entity
//! list only.

use cloudstate_protocol::cloudstate::EntitySpec;
use cloudstate_protocol::cloudstate::crdt::CrdtStreamOut;
use prost::Message;

use super::MessageCodec;
use crate::messages::action::strip_metadata;

/// Two messages that differ, rendered for people after normalisation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Mismatch {
    /// The recorded message, as pretty JSON.
    pub(super) expected: String,
    /// The message received, as pretty JSON.
    pub(super) actual: String,
    /// What normalisation was applied, for the failure message.
    pub(super) rule: &'static str,
}

/// Checks that `actual` (as received) matches `expected` (as encoded from the transcript), two
/// messages of type `full_name`.
pub(super) fn compare(
    codec: &MessageCodec,
    full_name: &str,
    expected: &[u8],
    actual: &[u8],
) -> Result<(), Mismatch> {
    let rule = rule(full_name);
    let expected = normalise(full_name, &codec.canonical(full_name, expected));
    let actual = normalise(full_name, &codec.canonical(full_name, actual));
    if expected == actual {
        return Ok(());
    }
    let pretty = |bytes: &[u8]| {
        let json = codec.to_json(full_name, bytes);
        serde_json::to_string_pretty(&json).unwrap_or_else(|_| json.to_string())
    };
    Err(Mismatch {
        expected: pretty(&expected),
        actual: pretty(&actual),
        rule,
    })
}

fn rule(full_name: &str) -> &'static str {
    match full_name {
        "cloudstate.crdt.CrdtStreamOut" => "byte for byte, set and map elements sorted",
        "cloudstate.action.ActionResponse" => "byte for byte, metadata ignored",
        "cloudstate.EntitySpec" => "by entity list",
        _ => "byte for byte",
    }
}

/// `bytes` with the differences the rules allow taken out; bytes that do not decode stay as they are.
fn normalise(full_name: &str, bytes: &[u8]) -> Vec<u8> {
    fn with<M: Message + Default>(bytes: &[u8], change: impl FnOnce(&mut M)) -> Vec<u8> {
        match M::decode(bytes) {
            Ok(mut message) => {
                change(&mut message);
                message.encode_to_vec()
            }
            Err(_) => bytes.to_vec(),
        }
    }
    match full_name {
        "cloudstate.crdt.CrdtStreamOut" => with(bytes, |out: &mut CrdtStreamOut| {
            *out = crate::messages::crdt::normalise_crdt_out(std::mem::take(out));
        }),
        "cloudstate.action.ActionResponse" => with(bytes, strip_metadata),
        "cloudstate.EntitySpec" => with(bytes, |spec: &mut EntitySpec| {
            let mut entities = std::mem::take(&mut spec.entities);
            entities.sort_by(|a, b| a.service_name.cmp(&b.service_name));
            *spec = EntitySpec {
                entities,
                ..EntitySpec::default()
            };
        }),
        _ => bytes.to_vec(),
    }
}

#[cfg(test)]
mod tests {
    use cloudstate_protocol::cloudstate::action::{ActionResponse, action_response};
    use cloudstate_protocol::cloudstate::crdt::{
        CrdtDelta, CrdtReply, CrdtStateAction, GSetDelta, crdt_delta, crdt_state_action,
        crdt_stream_out,
    };
    use cloudstate_protocol::cloudstate::{Metadata, MetadataEntry, Reply};
    use prost_types::Any;

    use super::*;

    fn string(value: &str) -> Any {
        Any {
            type_url: "p.cloudstate.io/string".into(),
            value: value.to_owned().encode_to_vec(),
        }
    }

    fn gset_reply(elements: &[&str]) -> Vec<u8> {
        CrdtStreamOut {
            message: Some(crdt_stream_out::Message::Reply(CrdtReply {
                command_id: 1,
                state_action: Some(CrdtStateAction {
                    action: Some(crdt_state_action::Action::Update(CrdtDelta {
                        delta: Some(crdt_delta::Delta::Gset(GSetDelta {
                            added: elements.iter().map(|e| string(e)).collect(),
                        })),
                    })),
                    ..Default::default()
                }),
                ..Default::default()
            })),
        }
        .encode_to_vec()
    }

    #[test]
    fn set_elements_compare_in_any_order_and_differences_show() {
        let codec = MessageCodec::tck();
        let name = "cloudstate.crdt.CrdtStreamOut";
        assert_eq!(
            compare(
                &codec,
                name,
                &gset_reply(&["b", "a"]),
                &gset_reply(&["a", "b"])
            ),
            Ok(())
        );
        let mismatch = compare(&codec, name, &gset_reply(&["a"]), &gset_reply(&["c"]))
            .expect_err("different sets");
        assert!(mismatch.expected.contains("\"a\""), "{}", mismatch.expected);
        assert!(mismatch.actual.contains("\"c\""), "{}", mismatch.actual);
    }

    #[test]
    fn action_metadata_is_ignored() {
        let reply = |metadata: Option<Metadata>| {
            ActionResponse {
                response: Some(action_response::Response::Reply(Reply {
                    payload: Some(string("x")),
                    metadata,
                })),
                side_effects: vec![],
            }
            .encode_to_vec()
        };
        let metadata = Metadata {
            entries: vec![MetadataEntry {
                key: "k".into(),
                ..Default::default()
            }],
        };
        let codec = MessageCodec::tck();
        let name = "cloudstate.action.ActionResponse";
        assert_eq!(
            compare(&codec, name, &reply(None), &reply(Some(metadata))),
            Ok(())
        );
    }
}
