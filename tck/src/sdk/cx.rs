//! What an SDK-mode case gets: a channel to the user function, what it discovered, a trace and a deadline.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use cloudstate_protocol::cloudstate::action::action_protocol_client::ActionProtocolClient;
use cloudstate_protocol::cloudstate::action::{ActionCommand, ActionResponse};
use cloudstate_protocol::cloudstate::crdt::crdt_client::CrdtClient;
use cloudstate_protocol::cloudstate::crdt::{CrdtStreamIn, CrdtStreamOut};
use cloudstate_protocol::cloudstate::entity_discovery_client::EntityDiscoveryClient;
use cloudstate_protocol::cloudstate::eventsourced::event_sourced_client::EventSourcedClient;
use cloudstate_protocol::cloudstate::eventsourced::{EventSourcedStreamIn, EventSourcedStreamOut};
use cloudstate_protocol::cloudstate::valueentity::value_entity_client::ValueEntityClient;
use cloudstate_protocol::cloudstate::valueentity::{ValueEntityStreamIn, ValueEntityStreamOut};
use cloudstate_protocol::cloudstate::{Entity, EntitySpec, ProxyInfo, UserFunctionError};
use tokio::time::Instant;
use tokio_stream::wrappers::UnboundedReceiverStream;
use tonic::codegen::http::uri::PathAndQuery;
use tonic::transport::Channel;
use tonic::{Response, Status, Streaming};
use tonic_prost::ProstCodec;

use super::stream::{Answers, CloseWait, ProtocolStream, trace_text};
use crate::case::{CaseFailure, CaseSettings};
use crate::session::{SentStatus, TargetChannel, not_sent_by_target};
use crate::wire::{Direction, Trace, WireMessage as _};

/// An action call: `ActionCommand`s in, `ActionResponse`s out.
pub(crate) type ActionStream = ProtocolStream<ActionCommand, ActionResponse>;
/// An event-sourced entity stream.
pub(crate) type EventSourcedStream = ProtocolStream<EventSourcedStreamIn, EventSourcedStreamOut>;
/// A value entity stream.
pub(crate) type ValueEntityStream = ProtocolStream<ValueEntityStreamIn, ValueEntityStreamOut>;
/// A CRDT entity stream.
pub(crate) type CrdtStream = ProtocolStream<CrdtStreamIn, CrdtStreamOut>;

/// The context of one SDK-mode case.
#[derive(Debug, Clone)]
pub(crate) struct SdkCx {
    channel: TargetChannel,
    spec: Option<Arc<EntitySpec>>,
    trace: Trace,
    deadline: Instant,
    calls: Arc<AtomicU64>,
    entities: Arc<AtomicU64>,
    close_wait: CloseWait,
    settings: CaseSettings,
}

impl SdkCx {
    /// A context for one case. `entities` numbers entity IDs across the whole run, so each case works on
    /// entities no other case touched.
    pub(crate) fn new(
        channel: Channel,
        spec: Option<Arc<EntitySpec>>,
        trace: Trace,
        deadline: Instant,
        entities: Arc<AtomicU64>,
    ) -> Self {
        SdkCx {
            channel: TargetChannel::new(channel),
            spec,
            trace,
            deadline,
            calls: Arc::new(AtomicU64::new(0)),
            entities,
            close_wait: CloseWait::default(),
            settings: CaseSettings::default(),
        }
    }

    /// This context, waiting as `close_wait` says for a call to end once nothing else is expected on it.
    pub(crate) fn with_close_wait(self, close_wait: CloseWait) -> Self {
        SdkCx { close_wait, ..self }
    }

    /// The trace of this case.
    pub(crate) fn trace(&self) -> &Trace {
        &self.trace
    }

    /// The case deadline.
    pub(crate) fn deadline(&self) -> Instant {
        self.deadline
    }

    /// This context, with the run's seed and number of property scenarios.
    pub(crate) fn with_settings(self, settings: CaseSettings) -> Self {
        SdkCx { settings, ..self }
    }

    /// The run's settings: its seed and how many scenarios a property runs.
    pub(crate) fn settings(&self) -> CaseSettings {
        self.settings
    }

    /// The entity spec the target announced at the start of the run.
    pub(crate) fn spec(&self) -> Result<&EntitySpec, CaseFailure> {
        self.spec.as_deref().ok_or_else(|| {
            CaseFailure::fail("the target did not answer `discover`, so it announced no entities")
        })
    }

    /// The discovered entity that serves `service`.
    pub(crate) fn entity(&self, service: &str) -> Result<&Entity, CaseFailure> {
        let spec = self.spec()?;
        spec.entities
            .iter()
            .find(|entity| entity.service_name == service)
            .ok_or_else(|| {
                CaseFailure::fail(format!(
                    "the target did not announce an entity for `{service}` in discovery"
                ))
            })
    }

    /// A fresh entity ID, `<prefix>-<n>`, unique within the run.
    pub(crate) fn fresh_id(&self, prefix: &str) -> String {
        format!(
            "{prefix}-{}",
            self.entities.fetch_add(1, Ordering::Relaxed) + 1
        )
    }

    fn label(&self, call: &str) -> String {
        format!("{call}#{}", self.calls.fetch_add(1, Ordering::Relaxed) + 1)
    }

    /// Calls `EntityDiscovery.discover`.
    pub(crate) async fn discover(&self, info: ProxyInfo) -> Result<EntitySpec, CaseFailure> {
        let label = self.label("EntityDiscovery.discover");
        self.trace.record(&label, Direction::Sent, info.compact());
        let mut client = EntityDiscoveryClient::new(self.channel.clone());
        let sent = SentStatus::new();
        let spec = self
            .answer(&label, &sent, client.discover(sent.attach(info)))
            .await?;
        self.trace
            .record(&label, Direction::Received, spec.compact());
        Ok(spec)
    }

    /// Calls `EntityDiscovery.reportError` with `message`; `Ok` when the target answers it with status OK.
    pub(crate) async fn report_error(&self, message: &str) -> Result<(), CaseFailure> {
        let label = self.label("EntityDiscovery.reportError");
        let error = UserFunctionError {
            message: message.to_owned(),
        };
        self.trace.record(&label, Direction::Sent, error.compact());
        let mut client = EntityDiscoveryClient::new(self.channel.clone());
        let sent = SentStatus::new();
        self.answer(&label, &sent, client.report_error(sent.attach(error)))
            .await?;
        self.trace
            .record(&label, Direction::Received, "google.protobuf.Empty {}");
        Ok(())
    }

    /// The answer to the unary call `label` before the case deadline; an error status the target sent is
    /// recorded in the trace and becomes the case's failure, one it did not send (see [`SentStatus`]) an
    /// error.
    async fn answer<T>(
        &self,
        label: &str,
        sent: &SentStatus,
        call: impl Future<Output = Result<Response<T>, Status>>,
    ) -> Result<T, CaseFailure> {
        match tokio::time::timeout_at(self.deadline, call).await {
            Err(_) => Err(CaseFailure::fail(format!(
                "{label}: no answer before the case deadline"
            ))),
            Ok(Err(status)) if !sent.came_from_target(&status) => {
                let mut failure = not_sent_by_target(&status);
                failure.message = format!("{label}: {}", failure.message);
                self.trace.record(label, Direction::Event, &failure.message);
                Err(failure)
            }
            Ok(Err(status)) => {
                let message = format!(
                    "{label}: failed with gRPC status {:?}: {}",
                    status.code(),
                    status.message()
                );
                self.trace.record(label, Direction::Event, &message);
                Err(CaseFailure::fail(message))
            }
            Ok(Ok(response)) => Ok(response.into_inner()),
        }
    }

    /// Opens `EventSourced.handle`.
    pub(crate) fn event_sourced(&self) -> EventSourcedStream {
        let mut client =
            EventSourcedClient::new(self.channel.clone()).max_decoding_message_size(RECEIVE_LIMIT);
        let label = self.label("EventSourced.handle");
        let sent = SentStatus::new();
        ProtocolStream::streaming(
            label,
            self.trace.clone(),
            self.deadline,
            (sent.clone(), Answers::Many),
            move |requests| async move { client.handle(sent.attach(requests)).await },
        )
        .with_close_wait(self.close_wait.clone())
    }

    /// Opens `ValueEntity.handle`.
    pub(crate) fn value_entity(&self) -> ValueEntityStream {
        let mut client =
            ValueEntityClient::new(self.channel.clone()).max_decoding_message_size(RECEIVE_LIMIT);
        let label = self.label("ValueEntity.handle");
        let sent = SentStatus::new();
        ProtocolStream::streaming(
            label,
            self.trace.clone(),
            self.deadline,
            (sent.clone(), Answers::Many),
            move |requests| async move { client.handle(sent.attach(requests)).await },
        )
        .with_close_wait(self.close_wait.clone())
    }

    /// Opens `Crdt.handle`.
    pub(crate) fn crdt(&self) -> CrdtStream {
        let mut client =
            CrdtClient::new(self.channel.clone()).max_decoding_message_size(RECEIVE_LIMIT);
        let label = self.label("Crdt.handle");
        let sent = SentStatus::new();
        ProtocolStream::streaming(
            label,
            self.trace.clone(),
            self.deadline,
            (sent.clone(), Answers::Many),
            move |requests| async move { client.handle(sent.attach(requests)).await },
        )
        .with_close_wait(self.close_wait.clone())
    }

    /// Calls `ActionProtocol.handleUnary` with one command; the answer comes from the returned stream.
    pub(crate) fn action_unary(&self, command: ActionCommand) -> ActionStream {
        let channel = self.channel.clone();
        let label = self.label("ActionProtocol.handleUnary");
        self.trace
            .record(&label, Direction::Sent, trace_text(&command));
        let sent = SentStatus::new();
        ProtocolStream::streaming(
            label,
            self.trace.clone(),
            self.deadline,
            (sent.clone(), Answers::One),
            move |_| async move {
                let request = sent.attach(command);
                unary_as_stream(channel, request).await
            },
        )
        .with_close_wait(self.close_wait.clone())
        .without_input()
    }

    /// Opens `ActionProtocol.handleStreamedIn`: send commands, half-close, then expect the one answer.
    pub(crate) fn action_streamed_in(&self) -> ActionStream {
        let channel = self.channel.clone();
        let label = self.label("ActionProtocol.handleStreamedIn");
        let sent = SentStatus::new();
        ProtocolStream::streaming(
            label,
            self.trace.clone(),
            self.deadline,
            (sent.clone(), Answers::One),
            move |requests| async move {
                let request = sent.attach(requests);
                streamed_in_as_stream(channel, request).await
            },
        )
        .with_close_wait(self.close_wait.clone())
    }

    /// Calls `ActionProtocol.handleStreamedOut` with one command; answers come from the returned stream.
    pub(crate) fn action_streamed_out(&self, command: ActionCommand) -> ActionStream {
        let mut client = ActionProtocolClient::new(self.channel.clone())
            .max_decoding_message_size(RECEIVE_LIMIT);
        let label = self.label("ActionProtocol.handleStreamedOut");
        self.trace
            .record(&label, Direction::Sent, trace_text(&command));
        let sent = SentStatus::new();
        ProtocolStream::streaming(
            label,
            self.trace.clone(),
            self.deadline,
            (sent.clone(), Answers::Many),
            move |_| async move { client.handle_streamed_out(sent.attach(command)).await },
        )
        .with_close_wait(self.close_wait.clone())
        .without_input()
    }

    /// Opens `ActionProtocol.handleStreamed` (duplex).
    pub(crate) fn action_streamed(&self) -> ActionStream {
        let mut client = ActionProtocolClient::new(self.channel.clone())
            .max_decoding_message_size(RECEIVE_LIMIT);
        let label = self.label("ActionProtocol.handleStreamed");
        let sent = SentStatus::new();
        ProtocolStream::streaming(
            label,
            self.trace.clone(),
            self.deadline,
            (sent.clone(), Answers::Many),
            move |requests| async move { client.handle_streamed(sent.attach(requests)).await },
        )
        .with_close_wait(self.close_wait.clone())
    }
}

/// The largest message the TCK accepts from the target on a protocol call: well above gRPC's default of
/// 4 MiB, as a reply may carry a request of nearly 4 MiB twice (as its answer and as its state).
const RECEIVE_LIMIT: usize = 64 * 1024 * 1024;

/// `ActionProtocol.handleUnary`.
const HANDLE_UNARY: &str = "/cloudstate.action.ActionProtocol/handleUnary";
/// `ActionProtocol.handleStreamedIn`.
const HANDLE_STREAMED_IN: &str = "/cloudstate.action.ActionProtocol/handleStreamedIn";

/// A client on `channel` once it is ready to call.
async fn ready(channel: TargetChannel) -> Result<tonic::client::Grpc<TargetChannel>, Status> {
    let mut grpc = tonic::client::Grpc::new(channel).max_decoding_message_size(RECEIVE_LIMIT);
    grpc.ready()
        .await
        .map_err(|error| Status::unavailable(format!("the channel is not ready: {error}")))?;
    Ok(grpc)
}

/// Calls `handleUnary` as if it answered a stream, so that every message the target sends is seen:
/// tonic's own unary client would drain further messages unseen, waiting for ever for trailers that
/// never come after them.
async fn unary_as_stream(
    channel: TargetChannel,
    request: tonic::Request<ActionCommand>,
) -> Result<Response<Streaming<ActionResponse>>, Status> {
    let path = PathAndQuery::from_static(HANDLE_UNARY);
    ready(channel)
        .await?
        .server_streaming(request, path, ProstCodec::default())
        .await
}

/// Calls `handleStreamedIn` as if it answered a stream (see [`unary_as_stream`]).
async fn streamed_in_as_stream(
    channel: TargetChannel,
    request: tonic::Request<UnboundedReceiverStream<ActionCommand>>,
) -> Result<Response<Streaming<ActionResponse>>, Status> {
    let path = PathAndQuery::from_static(HANDLE_STREAMED_IN);
    ready(channel)
        .await?
        .streaming(request, path, ProstCodec::default())
        .await
}
