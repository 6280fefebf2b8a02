//! Request headers on the calls FRONT-016 names beyond a value entity's: an event-sourced entity's and a
//! CRDT's command, the header command of a client-streaming action call, and a header the client sends
//! twice, which becomes two entries.

use cloudstate_protocol::cloudstate::Metadata;
use cloudstate_protocol::cloudstate::action::ActionCommand;
use cloudstate_protocol::cloudstate::crdt::{CrdtStreamIn, crdt_stream_in};
use cloudstate_protocol::cloudstate::eventsourced::{
    EventSourcedStreamIn, event_sourced_stream_in,
};
use cloudstate_protocol::cloudstate::tck::model::action::Request as ActionRequest;
use cloudstate_protocol::cloudstate::tck::model::action::action_tck_model_client::ActionTckModelClient;
use cloudstate_protocol::cloudstate::tck::model::crdt::crdt_tck_model_client::CrdtTckModelClient;
use cloudstate_protocol::cloudstate::tck::model::event_sourced_tck_model_client::EventSourcedTckModelClient;
use cloudstate_protocol::cloudstate::tck::model::valueentity::value_entity_tck_model_client::ValueEntityTckModelClient;
use cloudstate_protocol::cloudstate::valueentity::{ValueEntityStreamIn, value_entity_stream_in};
use tokio::sync::mpsc;
use tokio_stream::wrappers::UnboundedReceiverStream;
use tonic::metadata::MetadataValue;

use super::request_metadata::{expect_headers, headers_sent, with_headers};
use super::support::{VALUE_ENTITY_HANDLE, holds, keys, reply_request, text_entry};
use crate::case::{CaseFailure, Verdict};
use crate::proxy::{CallProbe, ProxyCx};
use crate::wire::WireMessage;

/// The header the repeated-header case sends twice, and its two values.
const REPEATED_KEY: &str = "x-tck-hop";
const REPEATED: [&str; 2] = ["first hop", "second hop"];

/// Requires the client's call to have succeeded.
fn succeeded<T: std::fmt::Debug>(what: &str, outcome: Result<T, tonic::Status>) -> Verdict {
    outcome.map(drop).map_err(|status| {
        CaseFailure::fail(format!(
            "{what}: the client got gRPC status {:?} ({}), but the call should succeed",
            status.code(),
            status.message()
        ))
    })
}

/// The metadata of the first command on an entity stream, after its init; `command` reads a message's
/// command metadata, `None` when the message is no command.
async fn first_command_metadata<I: WireMessage>(
    probe: &mut CallProbe,
    command: fn(I) -> Option<Option<Metadata>>,
) -> Result<Option<Metadata>, CaseFailure> {
    let _init: I = probe.recv_from_proxy().await?;
    let next: I = probe.recv_from_proxy().await?;
    let shown = next.compact();
    command(next).ok_or_else(|| {
        CaseFailure::fail(format!(
            "the entity's stream did not carry the client's command after its init but {shown}"
        ))
    })
}

/// New (FRONT-016, FRONT-017): `EventSourcedTckModel.Process` with a text header and a `-bin` header; the
/// `Command` on the entity's new stream must carry both, the binary one as bytes.
pub(super) async fn request_headers_reach_event_sourced_metadata(cx: ProxyCx) -> Verdict {
    let id = cx.fresh_id("es-headers");
    let request = cloudstate_protocol::cloudstate::tck::model::Request {
        id: id.clone(),
        ..Default::default()
    };
    let what = format!(
        "EventSourcedTckModel.Process {{id: {id}}} {}",
        headers_sent()
    );
    let mut client = EventSourcedTckModelClient::new(cx.channel());
    succeeded(
        &what,
        cx.client(&what, client.process(with_headers(request)))
            .await?,
    )?;
    let mut stream = cx
        .expect_call("/cloudstate.eventsourced.EventSourced/handle")
        .await?;
    let metadata = first_command_metadata(&mut stream, |sent: EventSourcedStreamIn| {
        match sent.message {
            Some(event_sourced_stream_in::Message::Command(command)) => Some(command.metadata),
            _ => None,
        }
    })
    .await?;
    expect_headers(
        metadata.as_ref(),
        "the Command on the entity's EventSourced.handle stream",
    )
}

/// New (FRONT-016, FRONT-017): `CrdtTckModel.Process` of a GCounter with a text header and a `-bin`
/// header; the `Command` on the entity's new stream must carry both, the binary one as bytes.
pub(super) async fn request_headers_reach_crdt_metadata(cx: ProxyCx) -> Verdict {
    let id = cx.fresh_id("GCounter-headers");
    let request = cloudstate_protocol::cloudstate::tck::model::crdt::Request {
        id: id.clone(),
        ..Default::default()
    };
    let what = format!("CrdtTckModel.Process {{id: {id}}} {}", headers_sent());
    let mut client = CrdtTckModelClient::new(cx.channel());
    succeeded(
        &what,
        cx.client(&what, client.process(with_headers(request)))
            .await?,
    )?;
    let mut stream = cx.expect_call("/cloudstate.crdt.Crdt/handle").await?;
    let metadata = first_command_metadata(&mut stream, |sent: CrdtStreamIn| match sent.message {
        Some(crdt_stream_in::Message::Command(command)) => Some(command.metadata),
        _ => None,
    })
    .await?;
    expect_headers(
        metadata.as_ref(),
        "the Command on the entity's Crdt.handle stream",
    )
}

/// New (FRONT-016, FRONT-017): `ActionTckModel.ProcessStreamedIn` with a text header and a `-bin` header,
/// one request, then complete; the header command that opens the proxy's `handleStreamedIn` call must
/// carry both.
pub(super) async fn request_headers_reach_the_first_streamed_command(cx: ProxyCx) -> Verdict {
    let what = format!(
        "ActionTckModel.ProcessStreamedIn [reply headers], complete, {}",
        headers_sent()
    );
    let (requests, stream) = mpsc::unbounded_channel::<ActionRequest>();
    requests
        .send(reply_request("headers"))
        .map_err(|_| CaseFailure::error("the client's request stream closed before its request"))?;
    drop(requests);
    let mut client = ActionTckModelClient::new(cx.channel());
    let call = client.process_streamed_in(with_headers(UnboundedReceiverStream::new(stream)));
    succeeded(&what, cx.client(&what, call).await?)?;
    let mut call = cx
        .expect_call("/cloudstate.action.ActionProtocol/handleStreamedIn")
        .await?;
    let header: ActionCommand = call.recv_from_proxy().await?;
    let _command: ActionCommand = call.recv_from_proxy().await?;
    expect_headers(
        header.metadata.as_ref(),
        "the header ActionCommand of the proxy's handleStreamedIn call",
    )
}

/// New (FRONT-016): `ValueEntityTckModel.Process` with the header `x-tck-hop` sent twice, with two values;
/// the entity's `Command` must carry one entry per value.
pub(super) async fn repeated_request_header_gives_one_entry_per_value(cx: ProxyCx) -> Verdict {
    let id = cx.fresh_id("ve-repeated-header");
    let request = cloudstate_protocol::cloudstate::tck::model::valueentity::Request {
        id: id.clone(),
        actions: Vec::new(),
    };
    let what = format!(
        "ValueEntityTckModel.Process {{id: {id}}} with the header {REPEATED_KEY} sent twice: {REPEATED:?}"
    );
    let mut call = tonic::Request::new(request);
    for value in REPEATED {
        call.metadata_mut()
            .append(REPEATED_KEY, MetadataValue::from_static(value));
    }
    let mut client = ValueEntityTckModelClient::new(cx.channel());
    succeeded(&what, cx.client(&what, client.process(call)).await?)?;
    let mut stream = cx.expect_call(VALUE_ENTITY_HANDLE).await?;
    let metadata = first_command_metadata(&mut stream, |sent: ValueEntityStreamIn| {
        match sent.message {
            Some(value_entity_stream_in::Message::Command(command)) => Some(command.metadata),
            _ => None,
        }
    })
    .await?;
    for value in REPEATED {
        let entry = text_entry(REPEATED_KEY, value);
        if !holds(metadata.as_ref(), &entry) {
            return Err(CaseFailure::mismatch(
                format!(
                    "the Command on the entity's ValueEntity.handle stream does not carry every value of \
                     the header {REPEATED_KEY}, which the client sent twice (FRONT-016: one entry per \
                     header value)"
                ),
                format!("entries {:?} and {:?}", REPEATED[0], REPEATED[1]),
                keys(metadata.as_ref()),
            ));
        }
    }
    Ok(())
}
