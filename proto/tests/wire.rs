//! Wire format: every stream message round-trips, agrees with the descriptor set, and known messages
//! encode to hand-computed bytes (which pins the field numbers).

use cloudstate_protocol::cloudstate::action::{ActionCommand, ActionResponse, action_response};
use cloudstate_protocol::cloudstate::crdt::{
    self, CrdtDelete, CrdtDelta, CrdtInit, CrdtReply, CrdtStateAction, CrdtStreamCancelledResponse,
    CrdtStreamIn, CrdtStreamOut, CrdtStreamedMessage, CrdtWriteConsistency, GCounterDelta,
    crdt_delta, crdt_stream_in, crdt_stream_out,
};
use cloudstate_protocol::cloudstate::eventsourced::{
    EventSourcedEvent, EventSourcedInit, EventSourcedReply, EventSourcedSnapshot,
    EventSourcedStreamIn, EventSourcedStreamOut, event_sourced_stream_in, event_sourced_stream_out,
};
use cloudstate_protocol::cloudstate::valueentity::{
    ValueEntityAction, ValueEntityInit, ValueEntityInitState, ValueEntityReply,
    ValueEntityStreamIn, ValueEntityStreamOut, ValueEntityUpdate, value_entity_action,
    value_entity_stream_in, value_entity_stream_out,
};
use cloudstate_protocol::cloudstate::{
    ClientAction, Command, Failure, Metadata, MetadataEntry, Reply, SideEffect, StreamCancelled,
    client_action, metadata_entry,
};
use cloudstate_protocol::descriptor_pool;
use prost::Message;
use prost_reflect::DynamicMessage;
use prost_types::Any;

fn any(value: &[u8]) -> Any {
    Any {
        type_url: "type.googleapis.com/cloudstate.tck.model.Persisted".into(),
        value: value.to_vec(),
    }
}

fn command() -> Command {
    Command {
        entity_id: "e1".into(),
        id: 7,
        name: "Go".into(),
        payload: Some(Any {
            type_url: "t".into(),
            value: vec![1],
        }),
        streamed: true,
        metadata: Some(Metadata {
            entries: vec![MetadataEntry {
                key: "k".into(),
                value: Some(metadata_entry::Value::StringValue("v".into())),
            }],
        }),
    }
}

fn reply(message: &[u8]) -> Option<ClientAction> {
    Some(ClientAction {
        action: Some(client_action::Action::Reply(Reply {
            payload: Some(any(message)),
            metadata: None,
        })),
    })
}

/// Encodes, decodes, and checks that a dynamic message built from the descriptor set re-encodes to the same
/// bytes: the generated type and the descriptor agree on every field.
fn round_trip<M: Message + Default + PartialEq + std::fmt::Debug>(full_name: &str, message: M) {
    let bytes = message.encode_to_vec();
    assert!(!bytes.is_empty(), "{full_name} encoded to nothing");
    assert_eq!(
        M::decode(bytes.as_slice()).expect("decodes"),
        message,
        "{full_name}"
    );
    let descriptor = descriptor_pool()
        .get_message_by_name(full_name)
        .expect(full_name);
    let dynamic = DynamicMessage::decode(descriptor, bytes.as_slice()).expect("dynamic decode");
    assert_eq!(
        dynamic.encode_to_vec(),
        bytes,
        "{full_name}: descriptor and generated type disagree"
    );
}

#[test]
fn command_encodes_to_hand_computed_bytes() {
    let expected: &[u8] = &[
        0x0a, 0x02, b'e', b'1', // 1: entity_id "e1"
        0x10, 0x07, // 2: id 7
        0x1a, 0x02, b'G', b'o', // 3: name "Go"
        0x22, 0x06, 0x0a, 0x01, b't', 0x12, 0x01,
        0x01, // 4: payload Any{type_url "t", value [1]}
        0x28, 0x01, // 5: streamed true
        0x32, 0x08, 0x0a, 0x06, 0x0a, 0x01, b'k', 0x12, 0x01,
        b'v', // 6: metadata {entries [{k: string v}]}
    ];
    assert_eq!(command().encode_to_vec(), expected);
}

#[test]
fn crdt_reply_encodes_to_hand_computed_bytes() {
    let reply = CrdtReply {
        command_id: 1,
        client_action: None,
        side_effects: vec![SideEffect {
            service_name: "s".into(),
            ..Default::default()
        }],
        state_action: Some(CrdtStateAction {
            action: None,
            write_consistency: CrdtWriteConsistency::All as i32,
        }),
        streamed: true,
    };
    let expected: &[u8] = &[
        0x08, 0x01, // 1: command_id 1
        0x22, 0x03, 0x0a, 0x01, b's', // 4: side_effects [{service_name "s"}]
        0x2a, 0x02, 0x18, 0x02, // 5: state_action {write_consistency ALL}
        0x30, 0x01, // 6: streamed true
    ];
    assert_eq!(reply.encode_to_vec(), expected);
}

#[test]
fn failure_and_event_sourced_reply_encode_to_hand_computed_bytes() {
    let failure = Failure {
        command_id: 2,
        description: "x".into(),
        restart: true,
    };
    assert_eq!(
        failure.encode_to_vec(),
        [0x08, 0x02, 0x12, 0x01, b'x', 0x18, 0x01]
    );
    let out = EventSourcedStreamOut {
        message: Some(event_sourced_stream_out::Message::Reply(
            EventSourcedReply {
                command_id: 3,
                events: vec![Any {
                    type_url: "e".into(),
                    value: vec![],
                }],
                snapshot: Some(Any {
                    type_url: "s".into(),
                    value: vec![],
                }),
                ..Default::default()
            },
        )),
    };
    let expected: &[u8] = &[
        0x0a, 0x0c, // StreamOut 1: reply, 12 bytes
        0x08, 0x03, // 1: command_id 3
        0x22, 0x03, 0x0a, 0x01, b'e', // 4: events [Any{type_url "e"}]
        0x2a, 0x03, 0x0a, 0x01, b's', // 5: snapshot Any{type_url "s"}
    ];
    assert_eq!(out.encode_to_vec(), expected);
}

#[test]
fn event_sourced_messages_round_trip() {
    use event_sourced_stream_in::Message as In;
    use event_sourced_stream_out::Message as Out;
    let init = EventSourcedInit {
        service_name: "svc".into(),
        entity_id: "e1".into(),
        snapshot: Some(EventSourcedSnapshot {
            snapshot_sequence: 5,
            snapshot: Some(any(b"\x0a\x01A")),
        }),
    };
    for message in [
        In::Init(init),
        In::Event(EventSourcedEvent {
            sequence: 6,
            payload: Some(any(b"\x0a\x01F")),
        }),
        In::Command(command()),
    ] {
        round_trip(
            "cloudstate.eventsourced.EventSourcedStreamIn",
            EventSourcedStreamIn {
                message: Some(message),
            },
        );
    }
    let reply = EventSourcedReply {
        command_id: 1,
        client_action: reply(b"\x0a\x01A"),
        side_effects: vec![SideEffect {
            service_name: "s".into(),
            command_name: "Call".into(),
            synchronous: true,
            ..Default::default()
        }],
        events: vec![any(b"\x0a\x01A")],
        snapshot: Some(any(b"\x0a\x01A")),
    };
    for message in [
        Out::Reply(reply),
        Out::Failure(Failure {
            command_id: 1,
            description: "boom".into(),
            restart: true,
        }),
    ] {
        round_trip(
            "cloudstate.eventsourced.EventSourcedStreamOut",
            EventSourcedStreamOut {
                message: Some(message),
            },
        );
    }
}

#[test]
fn value_entity_messages_round_trip() {
    use value_entity_stream_in::Message as In;
    use value_entity_stream_out::Message as Out;
    let init = ValueEntityInit {
        service_name: "svc".into(),
        entity_id: "e1".into(),
        state: Some(ValueEntityInitState {
            value: Some(any(b"\x0a\x01A")),
        }),
    };
    for message in [In::Init(init), In::Command(command())] {
        round_trip(
            "cloudstate.valueentity.ValueEntityStreamIn",
            ValueEntityStreamIn {
                message: Some(message),
            },
        );
    }
    let reply = ValueEntityReply {
        command_id: 1,
        client_action: reply(b"\x0a\x01A"),
        side_effects: vec![],
        state_action: Some(ValueEntityAction {
            action: Some(value_entity_action::Action::Update(ValueEntityUpdate {
                value: Some(any(b"\x0a\x01A")),
            })),
        }),
    };
    for message in [
        Out::Reply(reply),
        Out::Failure(Failure {
            command_id: 0,
            description: "bad".into(),
            restart: false,
        }),
    ] {
        round_trip(
            "cloudstate.valueentity.ValueEntityStreamOut",
            ValueEntityStreamOut {
                message: Some(message),
            },
        );
    }
}

#[test]
fn crdt_messages_round_trip() {
    use crdt_stream_in::Message as In;
    use crdt_stream_out::Message as Out;
    let delta = CrdtDelta {
        delta: Some(crdt_delta::Delta::Gcounter(GCounterDelta { increment: 42 })),
    };
    for message in [
        In::Init(CrdtInit {
            service_name: "svc".into(),
            entity_id: "GCounter-1".into(),
            delta: Some(delta.clone()),
        }),
        In::Delta(delta.clone()),
        In::Delete(CrdtDelete {}),
        In::Command(command()),
        In::StreamCancelled(StreamCancelled {
            entity_id: "GCounter-1".into(),
            id: 1,
        }),
    ] {
        round_trip(
            "cloudstate.crdt.CrdtStreamIn",
            CrdtStreamIn {
                message: Some(message),
            },
        );
    }
    let state_action = CrdtStateAction {
        action: Some(crdt::crdt_state_action::Action::Update(delta)),
        write_consistency: CrdtWriteConsistency::Majority as i32,
    };
    for message in [
        Out::Reply(CrdtReply {
            command_id: 1,
            client_action: reply(b""),
            side_effects: vec![],
            state_action: Some(state_action.clone()),
            streamed: true,
        }),
        Out::StreamedMessage(CrdtStreamedMessage {
            command_id: 1,
            client_action: reply(b""),
            side_effects: vec![],
            end_stream: true,
        }),
        Out::StreamCancelledResponse(CrdtStreamCancelledResponse {
            command_id: 1,
            side_effects: vec![],
            state_action: Some(state_action),
        }),
        Out::Failure(Failure {
            command_id: 1,
            description: "no".into(),
            restart: false,
        }),
    ] {
        round_trip(
            "cloudstate.crdt.CrdtStreamOut",
            CrdtStreamOut {
                message: Some(message),
            },
        );
    }
}

#[test]
fn action_messages_round_trip() {
    round_trip(
        "cloudstate.action.ActionCommand",
        ActionCommand {
            service_name: "svc".into(),
            name: "ProcessUnary".into(),
            payload: Some(any(b"")),
            metadata: command().metadata,
        },
    );
    round_trip(
        "cloudstate.action.ActionResponse",
        ActionResponse {
            response: Some(action_response::Response::Failure(Failure {
                command_id: 0,
                description: "x".into(),
                restart: false,
            })),
            side_effects: vec![SideEffect {
                service_name: "s".into(),
                ..Default::default()
            }],
        },
    );
}
