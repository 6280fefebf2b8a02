//! Checks for the proxy-mode eventing cases: the emitting entities' event-sourced streams, and the unary
//! `ActionProtocol` calls that deliver events to the subscriber, compared with their metadata set aside
//! and the CloudEvent attributes checked on their own.

use cloudstate_protocol::cloudstate::action::{ActionCommand, ActionResponse};
use cloudstate_protocol::cloudstate::eventsourced::EventSourcedStreamIn;
use cloudstate_protocol::cloudstate::{Metadata, MetadataEntry, metadata_entry};
use prost::Message as _;

use crate::case::{CaseFailure, Verdict};
use crate::messages::action::{without_metadata_command, without_metadata_response};
use crate::messages::eventing::{
    CE_ID, CE_SOURCE, CE_SPECVERSION, CE_SUBJECT, CE_TYPE, init, metadata_string,
};
use crate::proxy::{CallEvent, CallProbe, ProxyCx};
use crate::wire::WireMessage;

/// The protocol method of event-sourced entities.
pub(super) const EVENT_SOURCED_HANDLE: &str = "/cloudstate.eventsourced.EventSourced/handle";
/// The protocol method of unary action calls.
pub(super) const HANDLE_UNARY: &str = "/cloudstate.action.ActionProtocol/handleUnary";

/// The message the cases ask the subscriber to answer with.
pub(super) const SOME_MESSAGE: &str = "some message";

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

/// Checks the CloudEvent attributes of a delivery and returns its `ce-id`.
pub(super) fn check_cloud_event(
    command: &ActionCommand,
    expected: &CloudEvent<'_>,
) -> Result<String, CaseFailure> {
    let metadata = command.metadata.as_ref();
    let wanted = [
        (CE_SPECVERSION, Some("1.0")),
        (CE_SOURCE, Some(expected.source)),
        (CE_TYPE, Some(expected.event_type)),
        (CE_SUBJECT, Some(expected.subject)),
        (CE_ID, None),
    ];
    let mut wrong = Vec::new();
    for (key, value) in wanted {
        match (metadata_string(metadata, key), value) {
            (Some(actual), Some(value)) if actual == value => {}
            (Some(actual), None) if !actual.is_empty() => {}
            (actual, _) => wrong.push(format!("{key}: {actual:?}")),
        }
    }
    if wrong.is_empty() {
        return Ok(metadata_string(metadata, CE_ID)
            .unwrap_or_default()
            .to_owned());
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
    mismatch(
        &format!("{HANDLE_UNARY}: the command the proxy sent"),
        &expected,
        &without_metadata_command(sent.clone()),
    )?;
    let got = without_metadata_response(next_answer(&mut call).await?);
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
