//! The fake user function: its configuration, what it records, its discovery service, and serving it on
//! loopback, on the test's runtime or on one of its own that can crash.

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::AtomicUsize;

use cloudstate_protocol::cloudstate::action::action_protocol_server::ActionProtocolServer;
use cloudstate_protocol::cloudstate::crdt::crdt_server::CrdtServer;
use cloudstate_protocol::cloudstate::entity_discovery_server::{
    EntityDiscovery, EntityDiscoveryServer,
};
use cloudstate_protocol::cloudstate::eventsourced::event_sourced_server::EventSourcedServer;
use cloudstate_protocol::cloudstate::eventsourced::{EventSourcedStreamIn, EventSourcedStreamOut};
use cloudstate_protocol::cloudstate::valueentity::value_entity_server::ValueEntityServer;
use cloudstate_protocol::cloudstate::valueentity::{ValueEntityStreamIn, ValueEntityStreamOut};
use cloudstate_protocol::cloudstate::{EntitySpec, ProxyInfo, UserFunctionError};
use prost_types::Any;
use tokio::runtime::Runtime;
use tokio::sync::{mpsc, watch};
use tonic::transport::server::{Router, TcpIncoming};
use tonic::transport::{Endpoint, Server};
use tonic::{Request, Response, Status};

use super::action_model::ActionSeen;
use super::crdt_streams::ScriptedCrdtStream;
use super::entity_models::Log;
use crate::user_function::UserFunction;

/// A fake user function. Clones share what they record.
#[derive(Debug, Clone)]
pub struct FakeUserFunction {
    /// What `discover` answers; `UNIMPLEMENTED` when `None`.
    pub entity_spec: Option<EntitySpec>,
    /// An event-sourced entity snapshots when its sequence number passes a multiple of this.
    pub snapshot_every: i64,
    /// Every message of every event-sourced stream.
    pub event_sourced: Log<EventSourcedStreamIn, EventSourcedStreamOut>,
    /// Every message of every value-entity stream.
    pub value_entity: Log<ValueEntityStreamIn, ValueEntityStreamOut>,
    /// Every message of `reportError`, in order.
    pub errors: watch::Sender<Vec<String>>,
    /// Open: entity answers go out; closed: they wait, as from a stopped user function.
    pub gate: watch::Sender<bool>,
    pub(super) crdt_streams: mpsc::UnboundedSender<ScriptedCrdtStream>,
    pub(super) actions: mpsc::UnboundedSender<ActionSeen>,
    pub(super) stream_numbers: Arc<(AtomicUsize, AtomicUsize)>,
}

/// What the fake hands to the test as it happens.
#[derive(Debug)]
pub struct Observed {
    /// Each CRDT stream the proxy opens, for the test to drive.
    pub crdt_streams: mpsc::UnboundedReceiver<ScriptedCrdtStream>,
    /// What the action protocol calls received.
    pub actions: mpsc::UnboundedReceiver<ActionSeen>,
}

impl FakeUserFunction {
    /// A fake that announces nothing, snapshots every third event and answers at once.
    pub fn new() -> (FakeUserFunction, Observed) {
        let (crdt_streams, crdt_received) = mpsc::unbounded_channel();
        let (actions, actions_received) = mpsc::unbounded_channel();
        let fake = FakeUserFunction {
            entity_spec: None,
            snapshot_every: 3,
            event_sourced: watch::Sender::new(Vec::new()),
            value_entity: watch::Sender::new(Vec::new()),
            errors: watch::Sender::new(Vec::new()),
            gate: watch::Sender::new(true),
            crdt_streams,
            actions,
            stream_numbers: Arc::default(),
        };
        let observed = Observed {
            crdt_streams: crdt_received,
            actions: actions_received,
        };
        (fake, observed)
    }

    /// This fake, announcing `entity_spec` in `discover`.
    pub fn announcing(mut self, entity_spec: EntitySpec) -> FakeUserFunction {
        self.entity_spec = Some(entity_spec);
        self
    }

    fn services(&self) -> Router {
        Server::builder()
            .add_service(EntityDiscoveryServer::new(self.clone()))
            .add_service(EventSourcedServer::new(self.clone()))
            .add_service(ValueEntityServer::new(self.clone()))
            .add_service(CrdtServer::new(self.clone()))
            .add_service(ActionProtocolServer::new(self.clone()))
    }

    /// Serves the fake on 127.0.0.1 (any free port) on the current runtime; returns its address.
    pub async fn serve(&self) -> std::io::Result<SocketAddr> {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        let address = listener.local_addr()?;
        tokio::spawn(
            self.services()
                .serve_with_incoming(TcpIncoming::from(listener)),
        );
        Ok(address)
    }

    /// Serves the fake on `address` (port 0 for any free port) on a runtime of its own, so that
    /// [`OnItsOwnRuntime::crash`] drops every connection at once, as a crashed process would.
    pub fn serve_on_its_own_runtime(
        &self,
        address: SocketAddr,
    ) -> std::io::Result<OnItsOwnRuntime> {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()?;
        let listener = std::net::TcpListener::bind(address)?;
        listener.set_nonblocking(true)?;
        let address = listener.local_addr()?;
        let services = self.services();
        let _entered = runtime.enter();
        let listener = tokio::net::TcpListener::from_std(listener)?;
        runtime.spawn(services.serve_with_incoming(TcpIncoming::from(listener)));
        drop(_entered);
        Ok(OnItsOwnRuntime { address, runtime })
    }
}

/// A fake served on a runtime of its own.
#[derive(Debug)]
pub struct OnItsOwnRuntime {
    /// Where it listens.
    pub address: SocketAddr,
    runtime: Runtime,
}

impl OnItsOwnRuntime {
    /// Stops at once: every task ends and every connection is dropped.
    pub fn crash(self) {
        self.runtime.shutdown_background();
    }
}

/// The proxy's side of a user function at `address`, connecting on first use.
pub fn connect(address: SocketAddr) -> Result<UserFunction, tonic::transport::Error> {
    let channel = Endpoint::from_shared(format!("http://{address}"))?.connect_lazy();
    Ok(UserFunction { channel })
}

/// Packs a message as the proxy and the TCK do: `type.googleapis.com/<full_name>`.
pub fn any<M: prost::Message>(full_name: &str, message: &M) -> Any {
    Any {
        type_url: format!("type.googleapis.com/{full_name}"),
        value: message.encode_to_vec(),
    }
}

#[tonic::async_trait]
impl EntityDiscovery for FakeUserFunction {
    async fn discover(&self, _: Request<ProxyInfo>) -> Result<Response<EntitySpec>, Status> {
        match &self.entity_spec {
            Some(entity_spec) => Ok(Response::new(entity_spec.clone())),
            None => Err(Status::unimplemented("this fake announces nothing")),
        }
    }

    async fn report_error(
        &self,
        request: Request<UserFunctionError>,
    ) -> Result<Response<()>, Status> {
        let message = request.into_inner().message;
        self.errors.send_modify(|errors| errors.push(message));
        Ok(Response::new(()))
    }
}
