//! Serving the built-in model: the tonic router, the listener loop, and the driver of protocol streams.

use std::collections::VecDeque;
use std::future::Future;
use std::pin::Pin;

use cloudstate_protocol::cloudstate::action::action_protocol_server::ActionProtocolServer;
use cloudstate_protocol::cloudstate::crdt::crdt_server::CrdtServer;
use cloudstate_protocol::cloudstate::entity_discovery_server::EntityDiscoveryServer;
use cloudstate_protocol::cloudstate::eventsourced::event_sourced_server::EventSourcedServer;
use cloudstate_protocol::cloudstate::valueentity::value_entity_server::ValueEntityServer;
use futures::{Stream, StreamExt};
use tokio::net::TcpListener;
use tokio_stream::wrappers::TcpListenerStream;
use tonic::transport::Server;
use tonic::transport::server::Router;
use tonic::{Status, Streaming};
use tower_layer::layer_fn;

use super::action::ModelAction;
use super::crdt::ModelCrdt;
use super::discovery::ModelDiscovery;
use super::event_sourced::ModelEventSourced;
use super::eventing::ModelEventSourcing;
use super::eventing_subscriber::ModelActions;
use super::fault::Fault;
use super::habits::{Headers, LateHeaders};
use super::value_entity::ModelValueEntity;

/// Options of the built-in model service.
///
/// `ModelOptions::default()` is the conforming model; [`ModelOptions::with_fault`] serves it with one
/// deliberate fault, for showing that cases can fail.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ModelOptions {
    /// The deliberate deviation the model is served with; `None` for the conforming model.
    pub fault: Option<Fault>,
    /// Print each error the proxy reports through `reportError` on standard error. On for
    /// `serve-model`; off where the TCK runs the model in-process and its cases read the reports.
    pub log_reported_errors: bool,
    /// When response headers go out (see [`Headers`]).
    pub headers: Headers,
}

impl ModelOptions {
    /// The options of a model served with `fault`.
    pub fn with_fault(fault: Fault) -> Self {
        Self {
            fault: Some(fault),
            ..Self::default()
        }
    }

    /// These options, with the response headers sent as `headers` says.
    pub fn with_headers(self, headers: Headers) -> Self {
        Self { headers, ..self }
    }

    /// These options, printing the errors the proxy reports.
    pub fn logging_reported_errors(self) -> Self {
        Self {
            log_reported_errors: true,
            ..self
        }
    }
}

/// The largest protocol message the model accepts: gRPC's default limit, 4 MiB.
const MESSAGE_LIMIT: usize = 4 * 1024 * 1024;
/// The largest protocol message the model accepts under [`Fault::SmallMessageLimit`].
const SMALL_MESSAGE_LIMIT: usize = 1024 * 1024;

/// Adds the model's services to a tonic server: `cloudstate.EntityDiscovery`,
/// `cloudstate.action.ActionProtocol` (the action model and the eventing subscriber),
/// `cloudstate.valueentity.ValueEntity`, `cloudstate.eventsourced.EventSourced` (the event-sourced model
/// and the eventing model's emitting entities) and `cloudstate.crdt.Crdt`.
fn model_router<L>(server: &mut Server<L>, options: &ModelOptions) -> Router<L>
where
    L: Clone,
{
    let fault = options.fault;
    let limit = if fault == Some(Fault::SmallMessageLimit) {
        SMALL_MESSAGE_LIMIT
    } else {
        MESSAGE_LIMIT
    };
    server
        .add_service(EntityDiscoveryServer::new(ModelDiscovery::new(
            fault,
            options.log_reported_errors,
        )))
        .add_service(
            ActionProtocolServer::new(ModelActions::new(ModelAction::new(fault)))
                .max_decoding_message_size(limit),
        )
        .add_service(
            ValueEntityServer::new(ModelValueEntity { fault }).max_decoding_message_size(limit),
        )
        .add_service(
            EventSourcedServer::new(ModelEventSourcing::new(ModelEventSourced { fault }))
                .max_decoding_message_size(limit),
        )
        .add_service(CrdtServer::new(ModelCrdt { fault }).max_decoding_message_size(limit))
}

/// Serves the model on `listener` (plain HTTP/2 gRPC) until `shutdown` resolves.
///
/// Accepted connections get `TCP_NODELAY`, so small protocol messages are not held back. The future returns
/// once the server has stopped; an error means the transport failed.
pub async fn serve_model(
    listener: TcpListener,
    options: ModelOptions,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<(), tonic::transport::Error> {
    let incoming = TcpListenerStream::new(listener).map(|accepted| {
        accepted.and_then(|stream| {
            stream.set_nodelay(true)?;
            Ok(stream)
        })
    });
    match options.headers {
        Headers::Eager => {
            model_router(&mut Server::builder(), &options)
                .serve_with_incoming_shutdown(incoming, shutdown)
                .await
        }
        Headers::Late => {
            let mut server = Server::builder().layer(layer_fn(LateHeaders::new));
            model_router(&mut server, &options)
                .serve_with_incoming_shutdown(incoming, shutdown)
                .await
        }
    }
}

/// A boxed stream of responses, as the generated server traits want it.
pub(crate) type ResponseStream<T> = Pin<Box<dyn Stream<Item = Result<T, Status>> + Send + 'static>>;

/// What a [`Session`] does with one incoming message.
#[derive(Debug)]
pub(crate) struct Reaction<T> {
    /// Messages (or a final error status) to send, in order.
    pub(crate) out: Vec<Result<T, Status>>,
    /// Whether the response stream ends after `out` (status OK unless `out` ends with an error).
    pub(crate) end: bool,
}

impl<T> Reaction<T> {
    /// Send these messages and go on.
    pub(crate) fn send(out: Vec<T>) -> Self {
        Self {
            out: out.into_iter().map(Ok).collect(),
            end: false,
        }
    }

    /// Send this one message and end the stream.
    pub(crate) fn send_and_end(message: T) -> Self {
        Self {
            out: vec![Ok(message)],
            end: true,
        }
    }

    /// End the stream with status OK, sending nothing more.
    pub(crate) fn end() -> Self {
        Self {
            out: Vec::new(),
            end: true,
        }
    }

    /// End the stream with an error status.
    pub(crate) fn fail(status: Status) -> Self {
        Self {
            out: vec![Err(status)],
            end: true,
        }
    }
}

/// The state machine behind one bidirectional protocol stream.
pub(crate) trait Session: Send + 'static {
    /// Incoming message type.
    type In: Send + 'static;
    /// Outgoing message type.
    type Out: Send + 'static;
    /// Handles one incoming message.
    fn on_message(&mut self, message: Self::In) -> Reaction<Self::Out>;

    /// Handles messages that arrived together (only under the faults that read input in batches, see
    /// [`Fault::reads_batches`]): by default one after the other, as [`on_message`](Self::on_message)
    /// would, stopping where a reaction ends the stream.
    fn on_batch(&mut self, batch: Vec<Self::In>) -> Reaction<Self::Out>
    where
        Self: Sized,
    {
        each_message(self, batch)
    }
}

/// Handles `batch` one message after the other, stopping where a reaction ends the stream.
pub(crate) fn each_message<S: Session>(session: &mut S, batch: Vec<S::In>) -> Reaction<S::Out> {
    let mut all = Reaction::send(Vec::new());
    for message in batch {
        let reaction = session.on_message(message);
        all.out.extend(reaction.out);
        if reaction.end {
            all.end = true;
            break;
        }
    }
    all
}

struct Driver<S: Session> {
    inbound: Streaming<S::In>,
    session: S,
    pending: VecDeque<Result<S::Out, Status>>,
    ended: bool,
    /// Under the fault `never-closes-streams`: the end of the input does not end the output.
    holds_open: bool,
    /// Under the faults that read input in batches: the fault.
    batches: Option<Fault>,
}

/// How long a driver reading batches waits for the next message of a batch.
const BATCH_WINDOW: std::time::Duration = std::time::Duration::from_millis(30);
/// The most messages in one batch.
const BATCH_MAX: usize = 64;

impl<S: Session> Driver<S> {
    /// Reads the messages that arrive within [`BATCH_WINDOW`] of each other after `first`, and handles
    /// them as one batch. Under [`Fault::HalfCloseDropsInFlight`], input that ends within the window
    /// drops the batch's answers and ends the stream.
    async fn batch(&mut self, fault: Fault, first: S::In) {
        let mut batch = vec![first];
        let mut input_ended = false;
        while batch.len() < BATCH_MAX {
            match tokio::time::timeout(BATCH_WINDOW, self.inbound.message()).await {
                Ok(Ok(Some(message))) => batch.push(message),
                Ok(Ok(None)) => {
                    input_ended = true;
                    break;
                }
                Ok(Err(status)) => {
                    self.pending.push_back(Err(status));
                    self.ended = true;
                    return;
                }
                Err(_) => break,
            }
        }
        let reaction = self.session.on_batch(batch);
        if input_ended && fault == Fault::HalfCloseDropsInFlight {
            self.ended = true;
            return;
        }
        self.pending.extend(reaction.out);
        self.ended = reaction.end || input_ended;
    }
}

/// Runs `session` over `inbound` lazily, as the response stream is polled.
///
/// The handler returns at once, so response headers go out before the first request message arrives.
/// Messages are read one at a time; each reaction is sent in full before the next message is read. The
/// stream ends cleanly when the client half-closes, when the session ends it, or with the transport's
/// status when reading fails. Nothing is spawned: dropping the response stream drops the session.
pub(crate) fn drive<S: Session>(
    inbound: Streaming<S::In>,
    session: S,
    fault: Option<Fault>,
) -> ResponseStream<S::Out> {
    let driver = Driver {
        inbound,
        session,
        pending: VecDeque::new(),
        ended: false,
        holds_open: fault == Some(Fault::NeverClosesStreams),
        batches: fault.filter(|fault| fault.reads_batches()),
    };
    futures::stream::unfold(driver, |mut driver| async move {
        loop {
            if let Some(item) = driver.pending.pop_front() {
                return Some((item, driver));
            }
            if driver.ended {
                return None;
            }
            match driver.inbound.message().await {
                Ok(Some(message)) if let Some(fault) = driver.batches => {
                    driver.batch(fault, message).await;
                }
                Ok(Some(message)) => {
                    let reaction = driver.session.on_message(message);
                    driver.pending.extend(reaction.out);
                    driver.ended = reaction.end;
                }
                Ok(None) if driver.holds_open => std::future::pending::<()>().await,
                Ok(None) => driver.ended = true,
                Err(status) => {
                    driver.pending.push_back(Err(status));
                    driver.ended = true;
                }
            }
        }
    })
    .boxed()
}
