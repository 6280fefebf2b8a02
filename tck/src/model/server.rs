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

/// Adds the model's services to a tonic server: `cloudstate.EntityDiscovery`,
/// `cloudstate.action.ActionProtocol` (the action model and the eventing subscriber),
/// `cloudstate.valueentity.ValueEntity`, `cloudstate.eventsourced.EventSourced` (the event-sourced model
/// and the eventing model's emitting entities) and `cloudstate.crdt.Crdt`.
fn model_router<L>(server: &mut Server<L>, options: &ModelOptions) -> Router<L>
where
    L: Clone,
{
    let fault = options.fault;
    server
        .add_service(EntityDiscoveryServer::new(ModelDiscovery::new(
            fault,
            options.log_reported_errors,
        )))
        .add_service(ActionProtocolServer::new(ModelActions::new(ModelAction {
            fault,
        })))
        .add_service(ValueEntityServer::new(ModelValueEntity { fault }))
        .add_service(EventSourcedServer::new(ModelEventSourcing::new(
            ModelEventSourced { fault },
        )))
        .add_service(CrdtServer::new(ModelCrdt { fault }))
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
}

struct Driver<S: Session> {
    inbound: Streaming<S::In>,
    session: S,
    pending: VecDeque<Result<S::Out, Status>>,
    ended: bool,
    /// Under the fault `never-closes-streams`: the end of the input does not end the output.
    holds_open: bool,
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
