//! What the SDK-mode metadata cases send and expect, for actions and value entities alike: the metadata
//! the TCK puts on commands (one text entry, one `-bin` entry whose bytes are not UTF-8), the entries it
//! asks the metadata model to attach, and a comparison that takes metadata entries in any order (the
//! order of a `Metadata`'s entries carries no meaning).

use cloudstate_protocol::cloudstate::action::ActionResponse;
use cloudstate_protocol::cloudstate::action::action_response::Response as Outcome;
use cloudstate_protocol::cloudstate::tck::model::metadata::{
    MetadataEntry as ModelEntry, MetadataRequest, MetadataResponse, metadata_entry as model_entry,
};
use cloudstate_protocol::cloudstate::{
    ClientAction, Metadata, MetadataEntry, SideEffect, client_action, metadata_entry,
};
use prost::Message as _;
use prost_types::Any;

use crate::case::{CaseFailure, Verdict};
use crate::sdk::ProtocolStream;
use crate::wire::WireMessage;

/// Full name of the model's `MetadataRequest`.
pub(crate) const METADATA_REQUEST: &str = "cloudstate.tck.model.metadata.MetadataRequest";
/// Full name of the model's `MetadataResponse`.
pub(crate) const METADATA_RESPONSE: &str = "cloudstate.tck.model.metadata.MetadataResponse";
/// The metadata model's method.
pub(crate) const PROCESS: &str = "Process";
/// The metadata action's server-streamed method.
pub(crate) const PROCESS_STREAMED_OUT: &str = "ProcessStreamedOut";

/// The metadata the TCK sends with a command: a text entry and a binary one.
pub(crate) fn command_metadata() -> Metadata {
    Metadata {
        entries: vec![
            text("x-tck-command", "sent with the command"),
            MetadataEntry {
                key: "x-tck-command-bin".to_owned(),
                value: Some(metadata_entry::Value::BytesValue(vec![0, 1, 0xfe, 0xff])),
            },
        ],
    }
}

/// Entries the metadata model is asked to attach: a text entry and a binary one, both named after `what`
/// ("reply", "forward", "effect").
pub(crate) fn to_attach(what: &str) -> Vec<ModelEntry> {
    vec![
        ModelEntry {
            key: format!("x-tck-{what}"),
            value: Some(model_entry::Value::Text(format!("attached to the {what}"))),
        },
        ModelEntry {
            key: format!("x-tck-{what}-bin"),
            value: Some(model_entry::Value::Binary(vec![0xff, 0, what.len() as u8])),
        },
    ]
}

fn text(key: &str, value: &str) -> MetadataEntry {
    MetadataEntry {
        key: key.to_owned(),
        value: Some(metadata_entry::Value::StringValue(value.to_owned())),
    }
}

/// The model's entries as the protocol metadata they must arrive as.
pub(crate) fn as_metadata(entries: &[ModelEntry]) -> Metadata {
    Metadata {
        entries: entries
            .iter()
            .map(|entry| MetadataEntry {
                key: entry.key.clone(),
                value: entry.value.as_ref().map(|value| match value {
                    model_entry::Value::Text(text) => {
                        metadata_entry::Value::StringValue(text.clone())
                    }
                    model_entry::Value::Binary(bytes) => {
                        metadata_entry::Value::BytesValue(bytes.clone())
                    }
                }),
            })
            .collect(),
    }
}

/// Protocol metadata as the model's entries.
pub(crate) fn as_entries(metadata: &Metadata) -> Vec<ModelEntry> {
    metadata
        .entries
        .iter()
        .map(|entry| ModelEntry {
            key: entry.key.clone(),
            value: entry.value.as_ref().map(|value| match value {
                metadata_entry::Value::StringValue(text) => model_entry::Value::Text(text.clone()),
                metadata_entry::Value::BytesValue(bytes) => {
                    model_entry::Value::Binary(bytes.clone())
                }
            }),
        })
        .collect()
}

/// `request` packed as a command payload.
pub(crate) fn packed(request: &MetadataRequest) -> Any {
    Any {
        type_url: format!("type.googleapis.com/{METADATA_REQUEST}"),
        value: request.encode_to_vec(),
    }
}

/// `MetadataResponse{seen}` packed as a reply payload.
pub(crate) fn seen(entries: Vec<ModelEntry>) -> Any {
    Any {
        type_url: format!("type.googleapis.com/{METADATA_RESPONSE}"),
        value: MetadataResponse { seen: entries }.encode_to_vec(),
    }
}

fn sort_metadata(metadata: &mut Option<Metadata>) {
    if let Some(metadata) = metadata {
        metadata.entries.sort_by(|a, b| {
            (a.key.as_str(), a.encode_to_vec()).cmp(&(b.key.as_str(), b.encode_to_vec()))
        });
    }
}

/// A `MetadataResponse` payload with its `seen` entries sorted; any other payload as it is.
fn sort_seen(payload: &mut Option<Any>) {
    let Some(any) = payload else {
        return;
    };
    if any.type_url != format!("type.googleapis.com/{METADATA_RESPONSE}") {
        return;
    }
    if let Ok(mut response) = MetadataResponse::decode(any.value.as_slice()) {
        response.seen.sort_by(|a, b| {
            (a.key.as_str(), a.encode_to_vec()).cmp(&(b.key.as_str(), b.encode_to_vec()))
        });
        any.value = response.encode_to_vec();
    }
}

fn sort_effects(effects: &mut [SideEffect]) {
    for effect in effects {
        sort_metadata(&mut effect.metadata);
    }
}

/// An action response with every metadata's entries in one order.
pub(crate) fn sorted_action(response: &mut ActionResponse) {
    match response.response.as_mut() {
        Some(Outcome::Reply(reply)) => {
            sort_metadata(&mut reply.metadata);
            sort_seen(&mut reply.payload);
        }
        Some(Outcome::Forward(forward)) => sort_metadata(&mut forward.metadata),
        Some(Outcome::Failure(_)) | None => {}
    }
    sort_effects(&mut response.side_effects);
}

/// An entity's client action and side effects with every metadata's entries in one order.
pub(crate) fn sorted_entity(action: Option<&mut ClientAction>, effects: &mut [SideEffect]) {
    match action.and_then(|action| action.action.as_mut()) {
        Some(client_action::Action::Reply(reply)) => {
            sort_metadata(&mut reply.metadata);
            sort_seen(&mut reply.payload);
        }
        Some(client_action::Action::Forward(forward)) => sort_metadata(&mut forward.metadata),
        Some(client_action::Action::Failure(_)) | None => {}
    }
    sort_effects(effects);
}

/// Receives the next message and checks that it equals `expected` once `sorted` has put the entries of
/// every metadata (and of a `MetadataResponse`'s `seen`) in one order.
pub(crate) async fn expect_in_any_order<I: WireMessage, O: WireMessage>(
    stream: &mut ProtocolStream<I, O>,
    expected: O,
    sorted: fn(&mut O),
) -> Verdict {
    let actual = stream.recv().await?;
    let (mut got, mut want) = (actual.clone(), expected.clone());
    sorted(&mut got);
    sorted(&mut want);
    if got == want {
        return Ok(());
    }
    Err(CaseFailure::mismatch(
        format!(
            "{}: the message received differs from the one expected (metadata entries may come in any order)",
            stream.label()
        ),
        expected.pretty(),
        actual.pretty(),
    ))
}
