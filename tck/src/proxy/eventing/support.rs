//! Builders and checks for the proxy-mode eventing cases: the client's calls to the emitting entities,
//! their event-sourced streams, and the unary `ActionProtocol` calls that deliver events to the
//! subscriber, compared with their metadata set aside and the CloudEvent attributes checked on their own.

use cloudstate_protocol::cloudstate::action::{ActionCommand, ActionResponse, action_response};
use cloudstate_protocol::cloudstate::eventsourced::{
    EventSourcedInit, EventSourcedReply, EventSourcedStreamIn, EventSourcedStreamOut,
    event_sourced_stream_in, event_sourced_stream_out,
};
use cloudstate_protocol::cloudstate::tck::model::eventlogeventing::{
    EffectRequest, EmitEventRequest, EventOne, Forward as ForwardStep, JsonEvent, ProcessStep,
    Reply as ReplyStep, Response, emit_event_request, process_step,
};
use cloudstate_protocol::cloudstate::{Forward, Metadata, MetadataEntry, Reply, metadata_entry};
use cloudstate_protocol::names::model::EVENT_LOG_SUBSCRIBER_MODEL;
use prost::Message as _;
use prost_types::Any;

use crate::case::{CaseFailure, Verdict};
use crate::messages::{command, pack, reply};
use crate::proxy::{CallEvent, CallProbe, ProxyCx};
use crate::wire::WireMessage;

/// The protocol method of event-sourced entities.
pub(super) const EVENT_SOURCED_HANDLE: &str = "/cloudstate.eventsourced.EventSourced/handle";
/// The protocol method of unary action calls.
pub(super) const HANDLE_UNARY: &str = "/cloudstate.action.ActionProtocol/handleUnary";

/// The package of the eventing model's messages.
const PACKAGE: &str = "cloudstate.tck.model.eventlogeventing";

/// The message the cases ask the subscriber to answer with.
pub(super) const SOME_MESSAGE: &str = "some message";

/// `<package>.<name>`.
pub(super) fn message_name(name: &str) -> String {
    format!("{PACKAGE}.{name}")
}

/// The model message `name` packed as the protocol does.
pub(super) fn packed<M: prost::Message>(name: &str, message: &M) -> Any {
    pack(&message_name(name), message)
}

/// `EventOne` whose step replies with `message`.
pub(super) fn reply_event(message: &str) -> EventOne {
    EventOne {
        step: Some(ProcessStep {
            step: Some(process_step::Step::Reply(ReplyStep {
                message: message.to_owned(),
            })),
        }),
    }
}

/// `EventOne` whose step forwards `message` to `Effect`.
pub(super) fn forward_event(message: &str) -> EventOne {
    EventOne {
        step: Some(ProcessStep {
            step: Some(process_step::Step::Forward(ForwardStep {
                message: message.to_owned(),
            })),
        }),
    }
}

/// `EmitEventRequest{id, event_one}`.
pub(super) fn emit_one(id: &str, event: EventOne) -> EmitEventRequest {
    EmitEventRequest {
        id: id.to_owned(),
        event: Some(emit_event_request::Event::EventOne(event)),
    }
}

/// `JsonEvent{id, message}`.
pub(super) fn json_request(id: &str, message: &str) -> JsonEvent {
    JsonEvent {
        id: id.to_owned(),
        message: message.to_owned(),
    }
}

/// The init of a new `service` entity: no snapshot.
pub(super) fn init(service: &str, entity_id: &str) -> EventSourcedStreamIn {
    EventSourcedStreamIn {
        message: Some(event_sourced_stream_in::Message::Init(EventSourcedInit {
            service_name: service.to_owned(),
            entity_id: entity_id.to_owned(),
            snapshot: None,
        })),
    }
}

/// Command `command_id` to `name` for entity `entity_id` carrying `payload`, as the proxy must send it.
pub(super) fn command_in(
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

/// The model's reply to an emitting command: `google.protobuf.Empty` and the events.
pub(super) fn emitted(command_id: i64, events: Vec<Any>) -> EventSourcedStreamOut {
    EventSourcedStreamOut {
        message: Some(event_sourced_stream_out::Message::Reply(
            EventSourcedReply {
                command_id,
                client_action: reply(pack("google.protobuf.Empty", &())),
                side_effects: Vec::new(),
                events,
                snapshot: None,
            },
        )),
    }
}

/// The full command delivering `payload` to `method` of the subscriber, metadata aside.
pub(super) fn delivery(method: &str, payload: Any) -> ActionCommand {
    ActionCommand {
        service_name: EVENT_LOG_SUBSCRIBER_MODEL.to_owned(),
        name: method.to_owned(),
        payload: Some(payload),
        metadata: None,
    }
}

/// The subscriber's answer `Response{id, message}`.
pub(super) fn replied(id: &str, message: &str) -> ActionResponse {
    ActionResponse {
        response: Some(action_response::Response::Reply(Reply {
            payload: Some(packed(
                "Response",
                &Response {
                    id: id.to_owned(),
                    message: message.to_owned(),
                },
            )),
            metadata: None,
        })),
        side_effects: Vec::new(),
    }
}

/// `EffectRequest{id, message}`, packed.
pub(super) fn effect_request(id: &str, message: &str) -> Any {
    packed(
        "EffectRequest",
        &EffectRequest {
            id: id.to_owned(),
            message: message.to_owned(),
        },
    )
}

/// The subscriber's forward to `Effect` with `EffectRequest{id, message}`.
pub(super) fn forwarded(id: &str, message: &str) -> ActionResponse {
    ActionResponse {
        response: Some(action_response::Response::Forward(Forward {
            service_name: EVENT_LOG_SUBSCRIBER_MODEL.to_owned(),
            command_name: "Effect".to_owned(),
            payload: Some(effect_request(id, message)),
            metadata: None,
        })),
        side_effects: Vec::new(),
    }
}

/// The CloudEvent attributes a delivery must carry; `ce-id` is only required to be there.
#[derive(Debug, Clone)]
pub(super) struct CloudEvent<'a> {
    /// `ce-source`: the persistence id of the log.
    pub(super) source: &'a str,
    /// `ce-type`: the event's type name.
    pub(super) event_type: &'a str,
    /// `ce-subject`: the emitting entity's id.
    pub(super) subject: &'a str,
}

/// The string value of the metadata entry `key` (compared without case).
fn attribute<'a>(metadata: Option<&'a Metadata>, key: &str) -> Option<&'a str> {
    metadata?
        .entries
        .iter()
        .find(|entry| entry.key.eq_ignore_ascii_case(key))
        .and_then(|entry| match &entry.value {
            Some(metadata_entry::Value::StringValue(value)) => Some(value.as_str()),
            _ => None,
        })
}

/// Checks the CloudEvent attributes of a delivery and returns its `ce-id`.
pub(super) fn check_cloud_event(
    command: &ActionCommand,
    expected: &CloudEvent<'_>,
) -> Result<String, CaseFailure> {
    let metadata = command.metadata.as_ref();
    let wanted = [
        ("ce-specversion", Some("1.0")),
        ("ce-source", Some(expected.source)),
        ("ce-type", Some(expected.event_type)),
        ("ce-subject", Some(expected.subject)),
        ("ce-id", None),
    ];
    let mut wrong = Vec::new();
    for (key, value) in wanted {
        match (attribute(metadata, key), value) {
            (Some(actual), Some(value)) if actual == value => {}
            (Some(actual), None) if !actual.is_empty() => {}
            (actual, _) => wrong.push(format!("{key}: {actual:?}")),
        }
    }
    if wrong.is_empty() {
        return Ok(attribute(metadata, "ce-id").unwrap_or_default().to_owned());
    }
    let shown = |(key, value): (&str, Option<&str>)| {
        format!("{key}: {}", value.unwrap_or("(any non-empty string)"))
    };
    Err(CaseFailure::mismatch(
        format!(
            "the CloudEvent metadata of the event delivered to {}/{} is wrong ({})",
            command.service_name,
            command.name,
            wrong.join(", ")
        ),
        wanted.into_iter().map(shown).collect::<Vec<_>>().join("\n"),
        render_metadata(metadata),
    ))
}

/// The metadata entries, one `key: value` line each.
fn render_metadata(metadata: Option<&Metadata>) -> String {
    let entries = metadata
        .map(|metadata| metadata.entries.as_slice())
        .unwrap_or_default();
    if entries.is_empty() {
        return "(no metadata)".to_owned();
    }
    let value = |entry: &MetadataEntry| match &entry.value {
        Some(metadata_entry::Value::StringValue(value)) => value.clone(),
        Some(metadata_entry::Value::BytesValue(bytes)) => {
            format!("(bytes) 0x{}", crate::wire::hex(bytes))
        }
        None => "(no value)".to_owned(),
    };
    entries
        .iter()
        .map(|entry| format!("{}: {}", entry.key, value(entry)))
        .collect::<Vec<_>>()
        .join("\n")
}

fn mismatch<M: WireMessage>(what: &str, expected: &M, actual: &M) -> Verdict {
    if expected == actual {
        return Ok(());
    }
    Err(CaseFailure::mismatch(
        format!("{what} differs from the one expected (metadata aside)"),
        expected.pretty(),
        actual.pretty(),
    ))
}

/// Expects the next call the proxy makes to be a unary action call carrying `expected` (metadata aside),
/// answered by the user function with `answer` (metadata aside), and ended with status OK. Returns the
/// command as the proxy sent it, metadata included.
pub(super) async fn expect_unary_delivery(
    cx: &ProxyCx,
    expected: ActionCommand,
    answer: ActionResponse,
) -> Result<ActionCommand, CaseFailure> {
    let mut call = cx.expect_call(HANDLE_UNARY).await?;
    let sent = call.recv_from_proxy::<ActionCommand>().await?;
    let stripped = ActionCommand {
        metadata: None,
        ..sent.clone()
    };
    mismatch(
        &format!("{HANDLE_UNARY}: the command the proxy sent"),
        &expected,
        &stripped,
    )?;
    let got = next_answer(&mut call).await?;
    let got = ActionResponse {
        response: got.response.map(|response| match response {
            action_response::Response::Reply(mut reply) => {
                reply.metadata = None;
                action_response::Response::Reply(reply)
            }
            action_response::Response::Forward(mut forward) => {
                forward.metadata = None;
                action_response::Response::Forward(forward)
            }
            other => other,
        }),
        ..got
    };
    mismatch(
        &format!("{HANDLE_UNARY}: the user function's answer"),
        &answer,
        &got,
    )?;
    loop {
        match call.next_event().await? {
            CallEvent::ProxyHalfClosed => {}
            CallEvent::Ended(None) => return Ok(sent),
            other => {
                return Err(CaseFailure::mismatch(
                    format!("{HANDLE_UNARY}: expected the unary call to end with status OK"),
                    "(end, status OK)".to_owned(),
                    format!("{other:?}"),
                ));
            }
        }
    }
}

/// The user function's answer on a unary call, skipping the proxy's half-close.
async fn next_answer(call: &mut CallProbe) -> Result<ActionResponse, CaseFailure> {
    loop {
        match call.next_event().await? {
            CallEvent::ProxyHalfClosed => {}
            CallEvent::FromUserFunction(bytes) => {
                return ActionResponse::decode(bytes).map_err(|error| {
                    CaseFailure::fail(format!(
                        "{HANDLE_UNARY}: the user function sent a message that is not an ActionResponse: {error}"
                    ))
                });
            }
            other => {
                return Err(CaseFailure::mismatch(
                    format!("{HANDLE_UNARY}: expected the user function's answer"),
                    "(an ActionResponse)".to_owned(),
                    format!("{other:?}"),
                ));
            }
        }
    }
}

/// Expects the next call to be the new event-sourced stream of entity `entity_id` of `service`, with its
/// init (no snapshot) and `command` from the proxy.
pub(super) async fn expect_emitter_stream(
    cx: &ProxyCx,
    service: &str,
    entity_id: &str,
    command: EventSourcedStreamIn,
) -> Result<CallProbe, CaseFailure> {
    let mut stream = cx.expect_call(EVENT_SOURCED_HANDLE).await?;
    stream.expect_from_proxy(init(service, entity_id)).await?;
    stream.expect_from_proxy(command).await?;
    Ok(stream)
}
