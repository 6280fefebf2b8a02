//! The metadata of forwards and side effects (entity.proto's `Forward.metadata` and `SideEffect.metadata`)
//! must reach the command the proxy sends to the target, for every entity type. The model never attaches
//! metadata, so the TCK, as the user function's stand-in, adds it to the model's answer on its way to the
//! proxy: one text entry and one `-bin` entry with bytes that are not UTF-8. The case then reads the
//! target's command on the next call the proxy opens.

use bytes::Bytes;
use cloudstate_protocol::cloudstate::tck::model::action::action_tck_model_client::ActionTckModelClient;
use cloudstate_protocol::cloudstate::tck::model::crdt::crdt_tck_model_client::CrdtTckModelClient;
use cloudstate_protocol::cloudstate::tck::model::event_sourced_tck_model_client::EventSourcedTckModelClient;
use cloudstate_protocol::cloudstate::tck::model::valueentity::value_entity_tck_model_client::ValueEntityTckModelClient;
use cloudstate_protocol::cloudstate::tck::model::{
    self as eventsourced, action, crdt, valueentity,
};
use cloudstate_protocol::cloudstate::{Metadata, MetadataEntry, metadata_entry};
use cloudstate_protocol::descriptor_pool;
use futures::future::BoxFuture;
use prost::Message as _;
use prost_reflect::{DynamicMessage, ReflectMessage as _, Value};

use crate::case::{CaseFailure, Verdict};
use crate::messages::message_names;
use crate::proxy::{CallEvent, ProxyCx};
use crate::wire::WireMessage as _;

/// Which effect of the answer carries the metadata.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Effect {
    Forward,
    SideEffect,
}

impl Effect {
    /// The protocol message that gets the metadata.
    fn message(self) -> &'static str {
        match self {
            Effect::Forward => "cloudstate.Forward",
            Effect::SideEffect => "cloudstate.SideEffect",
        }
    }

    fn name(self) -> &'static str {
        match self {
            Effect::Forward => "forward",
            Effect::SideEffect => "side effect",
        }
    }
}

/// The protocol calls and client call of one entity type.
struct Route {
    /// The protocol path of the calling entity's calls and of the target's.
    path: &'static str,
    /// The client call that makes the model answer with `effect` to a target named `target`.
    call: fn(ProxyCx, String, String, Effect) -> BoxFuture<'static, Verdict>,
    /// Prefix of fresh entity IDs.
    prefix: &'static str,
}

/// The metadata the TCK attaches: a text entry and a binary one.
fn attached() -> Metadata {
    Metadata {
        entries: vec![
            MetadataEntry {
                key: "x-tck-note".to_owned(),
                value: Some(metadata_entry::Value::StringValue(
                    "from the effect, not from the client".to_owned(),
                )),
            },
            MetadataEntry {
                key: "x-tck-data-bin".to_owned(),
                value: Some(metadata_entry::Value::BytesValue(vec![0, 1, 0xfe, 0xff])),
            },
        ],
    }
}

/// `message` with `metadata` set on every `type_name` message in it; how many got it.
fn attach(message: &mut DynamicMessage, type_name: &str, metadata: &Value) -> usize {
    let mut attached = 0;
    if message.descriptor().full_name() == type_name {
        message.set_field_by_name("metadata", metadata.clone());
        return 1;
    }
    for (_, value) in message.fields_mut() {
        match value {
            Value::Message(inner) => attached += attach(inner, type_name, metadata),
            Value::List(items) => {
                for item in items {
                    if let Value::Message(inner) = item {
                        attached += attach(inner, type_name, metadata);
                    }
                }
            }
            _ => {}
        }
    }
    attached
}

/// The answer `bytes` (a message named `output`) with the metadata on its `effect`s, or `None` when it
/// has none.
fn with_metadata(output: &str, bytes: &Bytes, effect: Effect) -> Option<Bytes> {
    let descriptor = descriptor_pool().get_message_by_name(output)?;
    let mut message = DynamicMessage::decode(descriptor, bytes.clone()).ok()?;
    let metadata_type = descriptor_pool().get_message_by_name("cloudstate.Metadata")?;
    let metadata =
        DynamicMessage::decode(metadata_type, attached().encode_to_vec().as_slice()).ok()?;
    let count = attach(&mut message, effect.message(), &Value::Message(metadata));
    (count > 0).then(|| Bytes::from(message.encode_to_vec()))
}

/// The metadata of the command in `bytes` (a message named `input`): `None` when it holds no command,
/// `Some(None)` when the command has no metadata.
fn command_metadata(input: &str, bytes: &Bytes) -> Option<Option<Metadata>> {
    let descriptor = descriptor_pool().get_message_by_name(input)?;
    let message = DynamicMessage::decode(descriptor, bytes.clone()).ok()?;
    find_command(&message).map(|command| {
        command
            .get_field_by_name("metadata")
            .filter(|_| command.has_field_by_name("metadata"))
            .and_then(|value| value.as_message().map(|m| m.encode_to_vec()))
            .and_then(|encoded| Metadata::decode(encoded.as_slice()).ok())
    })
}

fn find_command(message: &DynamicMessage) -> Option<DynamicMessage> {
    let name = message.descriptor().full_name().to_owned();
    if name == "cloudstate.Command" || name == "cloudstate.action.ActionCommand" {
        return Some(message.clone());
    }
    message.fields().find_map(|(_, value)| match value {
        Value::Message(inner) => find_command(inner),
        _ => None,
    })
}

/// The entries of a metadata, in a canonical order: a proxy may reorder them.
fn sorted(metadata: &Metadata) -> Vec<MetadataEntry> {
    let mut entries = metadata.entries.clone();
    entries.sort_by(|a, b| a.key.cmp(&b.key));
    entries
}

/// The case body: the TCK attaches metadata to the model's `effect`, and the target's command must carry
/// exactly those entries.
async fn metadata_reaches_the_target(cx: ProxyCx, route: &Route, effect: Effect) -> Verdict {
    let id = cx.fresh_id(route.prefix);
    let target = cx.fresh_id(route.prefix);
    let output = message_names(route.path).map_or("", |(_, output)| output);
    cx.intercept()
        .rewrite_next_from_user_function(route.path, move |bytes| {
            with_metadata(output, bytes, effect)
        });
    (route.call)(cx.clone(), id, target, effect).await?;

    // Only the target's command is checked here; the source's own stream is another case's business.
    cx.expect_call(route.path).await?.waive();
    let mut call = cx.expect_call(route.path).await?;
    let input = message_names(route.path).map_or("", |(input, _)| input);
    loop {
        let CallEvent::FromProxy(bytes) = call.next_event().await? else {
            return Err(CaseFailure::fail(format!(
                "the call the proxy opened for the {} ended before it carried a command",
                effect.name()
            )));
        };
        let Some(metadata) = command_metadata(input, &bytes) else {
            continue;
        };
        let expected = attached();
        return match metadata {
            Some(actual) if sorted(&actual) == sorted(&expected) => Ok(()),
            actual => Err(CaseFailure::mismatch(
                format!(
                    "the command the proxy sent to the {}'s target does not carry the {}'s metadata",
                    effect.name(),
                    effect.name()
                ),
                expected.pretty(),
                actual.map_or_else(|| "(no metadata)".to_owned(), |m| m.pretty()),
            )),
        };
    }
}

/// Runs a client call and requires it to succeed.
async fn succeeds<T: std::fmt::Debug>(
    cx: &ProxyCx,
    what: &str,
    call: impl std::future::Future<Output = Result<tonic::Response<T>, tonic::Status>>,
) -> Verdict {
    match cx.client(what, call).await? {
        Ok(_) => Ok(()),
        Err(status) => Err(CaseFailure::fail(format!(
            "{what}: the client got gRPC status {:?} ({}), but the call should succeed",
            status.code(),
            status.message()
        ))),
    }
}

const ACTION: Route = Route {
    path: "/cloudstate.action.ActionProtocol/handleUnary",
    prefix: "act-meta",
    call: |cx, _id, target, effect| {
        Box::pin(async move {
            use action::process_step::Step;
            let steps = match effect {
                Effect::Forward => vec![Step::Forward(action::Forward { id: target })],
                Effect::SideEffect => vec![
                    Step::Reply(action::Reply::default()),
                    Step::Effect(action::SideEffect {
                        id: target,
                        synchronous: true,
                    }),
                ],
            };
            let request = action::Request {
                groups: vec![action::ProcessGroup {
                    steps: steps
                        .into_iter()
                        .map(|step| action::ProcessStep { step: Some(step) })
                        .collect(),
                }],
            };
            let mut client = ActionTckModelClient::new(cx.channel());
            succeeds(
                &cx,
                "ActionTckModel.ProcessUnary",
                client.process_unary(request),
            )
            .await
        })
    },
};

const VALUE_ENTITY: Route = Route {
    path: "/cloudstate.valueentity.ValueEntity/handle",
    prefix: "ve-meta",
    call: |cx, id, target, effect| {
        Box::pin(async move {
            use valueentity::request_action::Action;
            let action = match effect {
                Effect::Forward => Action::Forward(valueentity::Forward { id: target }),
                Effect::SideEffect => Action::Effect(valueentity::Effect {
                    id: target,
                    synchronous: true,
                }),
            };
            let request = valueentity::Request {
                id,
                actions: vec![valueentity::RequestAction {
                    action: Some(action),
                }],
            };
            let mut client = ValueEntityTckModelClient::new(cx.channel());
            succeeds(&cx, "ValueEntityTckModel.Process", client.process(request)).await
        })
    },
};

const EVENT_SOURCED: Route = Route {
    path: "/cloudstate.eventsourced.EventSourced/handle",
    prefix: "es-meta",
    call: |cx, id, target, effect| {
        Box::pin(async move {
            use eventsourced::request_action::Action;
            let action = match effect {
                Effect::Forward => Action::Forward(eventsourced::Forward { id: target }),
                Effect::SideEffect => Action::Effect(eventsourced::Effect {
                    id: target,
                    synchronous: true,
                }),
            };
            let request = eventsourced::Request {
                id,
                actions: vec![eventsourced::RequestAction {
                    action: Some(action),
                }],
            };
            let mut client = EventSourcedTckModelClient::new(cx.channel());
            succeeds(&cx, "EventSourcedTckModel.Process", client.process(request)).await
        })
    },
};

const CRDT: Route = Route {
    path: "/cloudstate.crdt.Crdt/handle",
    prefix: "GCounter-meta",
    call: |cx, id, target, effect| {
        Box::pin(async move {
            use crdt::request_action::Action;
            let action = match effect {
                Effect::Forward => Action::Forward(crdt::Forward { id: target }),
                Effect::SideEffect => Action::Effect(crdt::Effect {
                    id: target,
                    synchronous: true,
                }),
            };
            let request = crdt::Request {
                id,
                actions: vec![crdt::RequestAction {
                    action: Some(action),
                }],
            };
            let mut client = CrdtTckModelClient::new(cx.channel());
            succeeds(&cx, "CrdtTckModel.Process", client.process(request)).await
        })
    },
};

/// New: an action's forward carries metadata, which must reach `ActionTwo.Call`'s command.
pub(crate) async fn action_forward(cx: ProxyCx) -> Verdict {
    metadata_reaches_the_target(cx, &ACTION, Effect::Forward).await
}

/// New: an action's side effect carries metadata, which must reach `ActionTwo.Call`'s command.
pub(crate) async fn action_side_effect(cx: ProxyCx) -> Verdict {
    metadata_reaches_the_target(cx, &ACTION, Effect::SideEffect).await
}

/// New: a value entity's forward carries metadata, which must reach the `ValueEntityTwo` command.
pub(crate) async fn value_entity_forward(cx: ProxyCx) -> Verdict {
    metadata_reaches_the_target(cx, &VALUE_ENTITY, Effect::Forward).await
}

/// New: a value entity's side effect carries metadata, which must reach the `ValueEntityTwo` command.
pub(crate) async fn value_entity_side_effect(cx: ProxyCx) -> Verdict {
    metadata_reaches_the_target(cx, &VALUE_ENTITY, Effect::SideEffect).await
}

/// New: an event-sourced entity's forward carries metadata, which must reach the `EventSourcedTwo`
/// command.
pub(crate) async fn event_sourced_forward(cx: ProxyCx) -> Verdict {
    metadata_reaches_the_target(cx, &EVENT_SOURCED, Effect::Forward).await
}

/// New: an event-sourced entity's side effect carries metadata, which must reach the
/// `EventSourcedTwo` command.
pub(crate) async fn event_sourced_side_effect(cx: ProxyCx) -> Verdict {
    metadata_reaches_the_target(cx, &EVENT_SOURCED, Effect::SideEffect).await
}

/// New: a CRDT's forward carries metadata, which must reach the `CrdtTwo` command.
pub(crate) async fn crdt_forward(cx: ProxyCx) -> Verdict {
    metadata_reaches_the_target(cx, &CRDT, Effect::Forward).await
}

/// New: a CRDT's side effect carries metadata, which must reach the `CrdtTwo` command.
pub(crate) async fn crdt_side_effect(cx: ProxyCx) -> Verdict {
    metadata_reaches_the_target(cx, &CRDT, Effect::SideEffect).await
}

#[cfg(test)]
mod tests {
    use cloudstate_protocol::cloudstate::valueentity::{
        ValueEntityReply, ValueEntityStreamOut, value_entity_stream_out,
    };
    use cloudstate_protocol::cloudstate::{ClientAction, Forward, client_action};

    use super::*;

    #[test]
    fn metadata_goes_on_the_forward_of_a_reply() {
        let reply = ValueEntityStreamOut {
            message: Some(value_entity_stream_out::Message::Reply(ValueEntityReply {
                command_id: 1,
                client_action: Some(ClientAction {
                    action: Some(client_action::Action::Forward(Forward::default())),
                }),
                ..ValueEntityReply::default()
            })),
        };
        let output = "cloudstate.valueentity.ValueEntityStreamOut";
        let bytes = Bytes::from(reply.encode_to_vec());
        assert_eq!(with_metadata(output, &bytes, Effect::SideEffect), None);
        let changed = with_metadata(output, &bytes, Effect::Forward).unwrap_or_default();
        let changed = ValueEntityStreamOut::decode(changed).unwrap_or_default();
        let Some(value_entity_stream_out::Message::Reply(reply)) = changed.message else {
            panic!("not a reply");
        };
        let Some(client_action::Action::Forward(forward)) =
            reply.client_action.and_then(|a| a.action)
        else {
            panic!("not a forward");
        };
        assert_eq!(forward.metadata, Some(attached()));
    }
}
