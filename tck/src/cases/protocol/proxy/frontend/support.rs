//! What the frontend cases share: the protocol paths they watch, the model requests they send, client
//! calls whose response headers they read, and the reading of one whole action call.

use std::time::Duration;

use bytes::Bytes;
use cloudstate_protocol::cloudstate::action::{ActionCommand, ActionResponse};
use cloudstate_protocol::cloudstate::tck::model::action::{
    ProcessGroup, ProcessStep, Reply, Request, process_step::Step,
};
use cloudstate_protocol::cloudstate::{Metadata, MetadataEntry, metadata_entry};
use prost::Message as _;
use tonic::metadata::MetadataMap;
use tonic::{Response, Status};

use crate::case::CaseFailure;
use crate::proxy::{CallEvent, CallProbe, ProxyCx};
use crate::wire::Direction;

/// The protocol method of unary action calls.
pub(super) const HANDLE_UNARY: &str = "/cloudstate.action.ActionProtocol/handleUnary";
/// The protocol method of value entities.
pub(crate) const VALUE_ENTITY_HANDLE: &str = "/cloudstate.valueentity.ValueEntity/handle";

/// How long the proxy must stay away from the user function after a call it must refuse itself.
pub(crate) const NO_CALL_WITHIN: Duration = Duration::from_millis(300);

/// The trace stream of client calls whose headers the case reads.
const CLIENT: &str = "client";

/// An action model request with one step: reply with `Response{message}`.
pub(super) fn reply_request(message: &str) -> Request {
    Request {
        groups: vec![ProcessGroup {
            steps: vec![ProcessStep {
                step: Some(Step::Reply(Reply {
                    message: message.to_owned(),
                })),
            }],
        }],
    }
}

/// A metadata entry with a text value.
pub(super) fn text_entry(key: &str, value: &str) -> MetadataEntry {
    MetadataEntry {
        key: key.to_owned(),
        value: Some(metadata_entry::Value::StringValue(value.to_owned())),
    }
}

/// A metadata entry with a binary value.
pub(super) fn bytes_entry(key: &str, value: &[u8]) -> MetadataEntry {
    MetadataEntry {
        key: key.to_owned(),
        value: Some(metadata_entry::Value::BytesValue(value.to_vec())),
    }
}

/// Runs a client call to the proxy until the case deadline, keeping the response headers; the request
/// is traced as `what`, the response as `render` says.
pub(super) async fn call_keeping_headers<T>(
    cx: &ProxyCx,
    what: &str,
    call: impl Future<Output = Result<Response<T>, Status>>,
    render: impl FnOnce(&T) -> String,
) -> Result<Result<(MetadataMap, T), Status>, CaseFailure> {
    cx.trace()
        .record(CLIENT, Direction::Sent, format!("client -> proxy {what}"));
    let outcome = tokio::time::timeout_at(cx.deadline(), call)
        .await
        .map_err(|_| {
            CaseFailure::fail(format!(
                "the proxy did not answer `{what}` before the case deadline"
            ))
        })?;
    let text = match &outcome {
        Ok(response) => format!(
            "proxy -> client headers {:?}, {}",
            response.metadata(),
            render(response.get_ref())
        ),
        Err(status) => format!(
            "proxy -> client gRPC status {:?}: {}",
            status.code(),
            status.message()
        ),
    };
    cx.trace().record(CLIENT, Direction::Received, text);
    Ok(outcome.map(|response| {
        let (headers, message, _) = response.into_parts();
        (headers, message)
    }))
}

/// Sends one request message as raw bytes to `path` on the proxy, for paths no generated client has.
pub(super) async fn raw_unary(
    cx: &ProxyCx,
    path: &str,
    message: Bytes,
) -> Result<Result<Bytes, Status>, CaseFailure> {
    let path = path
        .parse::<tonic::codegen::http::uri::PathAndQuery>()
        .map_err(|error| CaseFailure::error(format!("bad gRPC path {path}: {error}")))?;
    let mut grpc = tonic::client::Grpc::new(cx.channel());
    grpc.ready()
        .await
        .map_err(|error| CaseFailure::error(format!("the proxy is not reachable: {error}")))?;
    let call = grpc.unary(
        tonic::Request::new(message),
        path.clone(),
        cloudstate_protocol::RawCodec,
    );
    call_keeping_headers(cx, path.as_str(), call, |reply| {
        format!("{} bytes", reply.len())
    })
    .await
    .map(|outcome| outcome.map(|(_, message)| message))
}

/// One whole unary action call, as the interceptor saw it.
#[derive(Debug, Default)]
pub(super) struct UnaryActionCall {
    /// The commands the proxy sent.
    pub(super) commands: Vec<ActionCommand>,
    /// The responses the user function sent.
    pub(super) responses: Vec<ActionResponse>,
    /// How the call ended: `None` for status OK, or what went wrong.
    pub(super) end: Option<String>,
}

/// Reads a unary action call to its end, in whatever order its two directions interleave.
pub(super) async fn read_unary_action_call(
    mut probe: CallProbe,
) -> Result<UnaryActionCall, CaseFailure> {
    let mut call = UnaryActionCall::default();
    loop {
        match probe.next_event().await? {
            CallEvent::FromProxy(bytes) => call.commands.push(decode(&bytes, "ActionCommand")?),
            CallEvent::FromUserFunction(bytes) => {
                call.responses.push(decode(&bytes, "ActionResponse")?);
            }
            CallEvent::ProxyHalfClosed => {}
            CallEvent::Ended(status) => {
                call.end = status;
                return Ok(call);
            }
            CallEvent::ProxyCancelled => {
                call.end = Some("cancelled by the proxy".to_owned());
                return Ok(call);
            }
        }
    }
}

fn decode<M: prost::Message + Default>(bytes: &Bytes, name: &str) -> Result<M, CaseFailure> {
    M::decode(bytes.clone()).map_err(|error| {
        CaseFailure::fail(format!("a message on the call is not a {name}: {error}"))
    })
}

/// Whether `metadata` holds `entry` (in any position).
pub(super) fn holds(metadata: Option<&Metadata>, entry: &MetadataEntry) -> bool {
    metadata.is_some_and(|metadata| metadata.entries.contains(entry))
}

/// The keys of `metadata`, for failure reports.
pub(super) fn keys(metadata: Option<&Metadata>) -> String {
    match metadata {
        None => "(no metadata)".to_owned(),
        Some(metadata) => format!("{:?}", metadata.entries),
    }
}

/// The encoded bytes of a model request.
pub(super) fn encoded(request: &Request) -> Bytes {
    Bytes::from(request.encode_to_vec())
}
