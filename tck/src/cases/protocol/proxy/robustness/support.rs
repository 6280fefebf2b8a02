//! What the robustness cases share: the model requests they send, the client calls, and the reading of
//! entity streams, checked field by field (command ids, entity ids, stored state) rather than message by
//! message, since the TCK itself changes some of the messages on them.

use bytes::Bytes;
use cloudstate_protocol::cloudstate::UserFunctionError;
use cloudstate_protocol::cloudstate::eventsourced::{
    EventSourcedStreamIn, EventSourcedStreamOut, event_sourced_stream_in, event_sourced_stream_out,
};
use cloudstate_protocol::cloudstate::tck::model::event_sourced_tck_model_client::EventSourcedTckModelClient;
use cloudstate_protocol::cloudstate::tck::model::valueentity::value_entity_tck_model_client::ValueEntityTckModelClient;
use cloudstate_protocol::cloudstate::tck::model::{self as es, valueentity as ve};
use cloudstate_protocol::cloudstate::valueentity::{
    ValueEntityStreamIn, ValueEntityStreamOut, value_entity_stream_in, value_entity_stream_out,
};
use prost::Message as _;
use tonic::{Code, Status};

use crate::case::{CaseFailure, Verdict};
use crate::proxy::{CallProbe, ProxyCx};

/// The protocol method of value entities.
pub(super) const VALUE_ENTITY_HANDLE: &str = "/cloudstate.valueentity.ValueEntity/handle";
/// The protocol method of event-sourced entities.
pub(super) const EVENT_SOURCED_HANDLE: &str = "/cloudstate.eventsourced.EventSourced/handle";
/// The discovery method by which a proxy reports errors to the user function.
pub(super) const REPORT_ERROR: &str = "/cloudstate.EntityDiscovery/reportError";

/// A value-entity model request: set the state to `update`, if given, and answer with the state.
pub(super) fn ve_request(id: &str, update: Option<&str>) -> ve::Request {
    let actions = update.map(|value| ve::RequestAction {
        action: Some(ve::request_action::Action::Update(ve::Update {
            value: value.to_owned(),
        })),
    });
    ve::Request {
        id: id.to_owned(),
        actions: actions.into_iter().collect(),
    }
}

/// An event-sourced model request: emit `emit`, if given, and answer with the state.
pub(super) fn es_request(id: &str, emit: Option<&str>) -> es::Request {
    let actions = emit.map(|value| es::RequestAction {
        action: Some(es::request_action::Action::Emit(es::Emit {
            value: value.to_owned(),
        })),
    });
    es::Request {
        id: id.to_owned(),
        actions: actions.into_iter().collect(),
    }
}

/// Calls `ValueEntityTckModel.Process` through the proxy: the state in the reply, or the status.
pub(super) async fn ve_process(
    cx: &ProxyCx,
    request: &ve::Request,
    note: &str,
) -> Result<Result<String, Status>, CaseFailure> {
    let what = format!("ValueEntityTckModel.Process {request:?}{note}");
    let mut client = ValueEntityTckModelClient::new(cx.channel());
    let outcome = cx.client(&what, client.process(request.clone())).await?;
    Ok(outcome.map(|response| response.message))
}

/// Calls `EventSourcedTckModel.Process` through the proxy: the state in the reply, or the status.
pub(super) async fn es_process(
    cx: &ProxyCx,
    request: &es::Request,
    note: &str,
) -> Result<Result<String, Status>, CaseFailure> {
    let what = format!("EventSourcedTckModel.Process {request:?}{note}");
    let mut client = EventSourcedTckModelClient::new(cx.channel());
    let outcome = cx.client(&what, client.process(request.clone())).await?;
    Ok(outcome.map(|response| response.message))
}

/// Checks that a client call got the state `state`.
pub(super) fn expect_state(outcome: Result<String, Status>, state: &str, what: &str) -> Verdict {
    match outcome {
        Ok(got) if got == state => Ok(()),
        other => Err(CaseFailure::mismatch(
            format!("{what} did not get the entity's state"),
            format!("Response {{ message: {state:?} }}"),
            describe(&other),
        )),
    }
}

/// Checks that a client call failed with `code` (and, if given, exactly `message`).
pub(super) fn expect_status(
    outcome: Result<String, Status>,
    code: Code,
    message: Option<&str>,
    what: &str,
) -> Verdict {
    match &outcome {
        Err(status)
            if status.code() == code && message.is_none_or(|text| status.message() == text) =>
        {
            Ok(())
        }
        _ => Err(CaseFailure::mismatch(
            format!("{what} did not end with the status it must"),
            match message {
                Some(text) => format!("gRPC status {code:?}: {text:?}"),
                None => format!("gRPC status {code:?}"),
            },
            describe(&outcome),
        )),
    }
}

fn describe(outcome: &Result<String, Status>) -> String {
    match outcome {
        Ok(state) => format!("Response {{ message: {state:?} }}"),
        Err(status) => format!("gRPC status {:?}: {:?}", status.code(), status.message()),
    }
}

/// Expects a new `ValueEntity.handle` stream for entity `id`, whose init carries `stored` as the state
/// (`None`: nothing stored).
pub(super) async fn expect_ve_stream(
    cx: &ProxyCx,
    id: &str,
    stored: Option<&str>,
) -> Result<CallProbe, CaseFailure> {
    let mut probe = cx.expect_call(VALUE_ENTITY_HANDLE).await?;
    let first: ValueEntityStreamIn = probe.recv_from_proxy().await?;
    let Some(value_entity_stream_in::Message::Init(init)) = first.message else {
        return Err(CaseFailure::fail(format!(
            "the entity's new stream did not start with an init but with {first:?}"
        )));
    };
    let value = init
        .state
        .and_then(|state| state.value)
        .and_then(|any| ve::Persisted::decode(any.value.as_slice()).ok())
        .map(|persisted| persisted.value);
    if init.entity_id != id || value.as_deref() != stored {
        return Err(CaseFailure::mismatch(
            "the init of the entity's new stream does not carry the entity's stored state",
            format!("entity {id}, stored state {stored:?}"),
            format!("entity {}, stored state {value:?}", init.entity_id),
        ));
    }
    Ok(probe)
}

/// Expects the proxy to send command `command_id` on a value-entity stream.
pub(super) async fn expect_ve_command(probe: &mut CallProbe, command_id: i64) -> Verdict {
    let message: ValueEntityStreamIn = probe.recv_from_proxy().await?;
    match message.message {
        Some(value_entity_stream_in::Message::Command(command)) if command.id == command_id => {
            Ok(())
        }
        other => Err(CaseFailure::mismatch(
            "the proxy did not send the client's command with the next command id",
            format!("command {command_id}"),
            format!("{other:?}"),
        )),
    }
}

/// Expects the user function's next message on a value-entity stream, as the TCK may have changed it.
pub(super) async fn expect_ve_answer(probe: &mut CallProbe) -> Verdict {
    let _: ValueEntityStreamOut = probe.recv_from_user_function().await?;
    Ok(())
}

/// Expects a new `EventSourced.handle` stream for entity `id`, opened with an init and the replay of
/// exactly `events` (their `Persisted` values, in order).
pub(super) async fn expect_es_stream(
    cx: &ProxyCx,
    id: &str,
    events: &[&str],
) -> Result<CallProbe, CaseFailure> {
    let mut probe = cx.expect_call(EVENT_SOURCED_HANDLE).await?;
    let first: EventSourcedStreamIn = probe.recv_from_proxy().await?;
    match first.message {
        Some(event_sourced_stream_in::Message::Init(init))
            if init.entity_id == id && init.snapshot.is_none() => {}
        other => {
            return Err(CaseFailure::mismatch(
                "the entity's new stream did not start with its init",
                format!("an init for entity {id} without a snapshot"),
                format!("{other:?}"),
            ));
        }
    }
    for (index, expected) in events.iter().enumerate() {
        let message: EventSourcedStreamIn = probe.recv_from_proxy().await?;
        let replayed = match &message.message {
            Some(event_sourced_stream_in::Message::Event(event)) => event
                .payload
                .as_ref()
                .and_then(|any| es::Persisted::decode(any.value.as_slice()).ok())
                .map(|persisted| persisted.value),
            _ => None,
        };
        if replayed.as_deref() != Some(expected) {
            return Err(CaseFailure::mismatch(
                format!(
                    "the proxy did not replay stored event {} after the init",
                    index + 1
                ),
                format!("the event Persisted {{ value: {expected:?} }}"),
                format!("{message:?}"),
            ));
        }
    }
    Ok(probe)
}

/// Expects the proxy to send command `command_id` on an event-sourced stream.
pub(super) async fn expect_es_command(probe: &mut CallProbe, command_id: i64) -> Verdict {
    let message: EventSourcedStreamIn = probe.recv_from_proxy().await?;
    match message.message {
        Some(event_sourced_stream_in::Message::Command(command)) if command.id == command_id => {
            Ok(())
        }
        other => Err(CaseFailure::mismatch(
            "the proxy did not send the client's command with the next command id",
            format!("command {command_id}"),
            format!("{other:?}"),
        )),
    }
}

/// Expects the user function's next message on an event-sourced stream, as the TCK may have changed it.
pub(super) async fn expect_es_answer(probe: &mut CallProbe) -> Verdict {
    let _: EventSourcedStreamOut = probe.recv_from_user_function().await?;
    Ok(())
}

/// A value-entity reply changed by `change`; `None` for messages that are not replies.
pub(super) fn changed_ve_reply(
    message: &Bytes,
    change: impl FnOnce(value_entity_stream_out::Message) -> ValueEntityStreamOut,
) -> Option<Bytes> {
    let out = ValueEntityStreamOut::decode(message.clone()).ok()?;
    let reply @ value_entity_stream_out::Message::Reply(_) = out.message? else {
        return None;
    };
    Some(Bytes::from(change(reply).encode_to_vec()))
}

/// An event-sourced reply changed by `change`; `None` for messages that are not replies.
pub(super) fn changed_es_reply(
    message: &Bytes,
    change: impl FnOnce(event_sourced_stream_out::Message) -> EventSourcedStreamOut,
) -> Option<Bytes> {
    let out = EventSourcedStreamOut::decode(message.clone()).ok()?;
    let reply @ event_sourced_stream_out::Message::Reply(_) = out.message? else {
        return None;
    };
    Some(Bytes::from(change(reply).encode_to_vec()))
}

/// Expects the proxy's next call to the user function to be `reportError` with a message.
pub(super) async fn expect_report(cx: &ProxyCx) -> Verdict {
    let mut report = cx.expect_call(REPORT_ERROR).await?;
    let error: UserFunctionError = report.recv_from_proxy().await?;
    if error.message.trim().is_empty() {
        return Err(CaseFailure::fail(
            "the proxy called reportError with an empty message",
        ));
    }
    Ok(())
}
