//! The baseline: a plain gRPC server with the TCK model's three unary methods that the bench calls
//! (`EventSourcedTckModel.Process`, `ValueEntityTckModel.Process`, `ActionTckModel.ProcessUnary`), each
//! answered at once from the request alone. One hop, no state, no user function: what the same client
//! gets from the same transport when nothing is in the way.

use std::net::SocketAddr;

use cloudstate_protocol::cloudstate::tck::model::action::action_tck_model_server::{
    ActionTckModel, ActionTckModelServer,
};
use cloudstate_protocol::cloudstate::tck::model::action::{
    Request as ActionRequest, Response as ActionResponse, process_step,
};
use cloudstate_protocol::cloudstate::tck::model::event_sourced_tck_model_server::{
    EventSourcedTckModel, EventSourcedTckModelServer,
};
use cloudstate_protocol::cloudstate::tck::model::valueentity::value_entity_tck_model_server::{
    ValueEntityTckModel, ValueEntityTckModelServer,
};
use cloudstate_protocol::cloudstate::tck::model::valueentity::{
    Request as ValueRequest, Response as ValueResponse,
};
use cloudstate_protocol::cloudstate::tck::model::{
    Request as EventSourcedRequest, Response as EventSourcedResponse,
};
use futures::StreamExt as _;
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio_stream::wrappers::TcpListenerStream;
use tonic::transport::Server;
use tonic::{Request, Response, Status, Streaming};

/// The echo server, serving on a loopback port until dropped.
#[derive(Debug)]
pub(crate) struct EchoServer {
    /// Where it listens.
    pub address: SocketAddr,
    _stop: oneshot::Sender<()>,
}

impl EchoServer {
    /// Starts the echo server on a free loopback port, with `TCP_NODELAY` like the model service.
    pub(crate) async fn start() -> std::io::Result<EchoServer> {
        let listener = TcpListener::bind("127.0.0.1:0").await?;
        let address = listener.local_addr()?;
        let incoming = TcpListenerStream::new(listener).map(|accepted| {
            accepted.and_then(|stream| {
                stream.set_nodelay(true)?;
                Ok(stream)
            })
        });
        let (stop, stopped) = oneshot::channel::<()>();
        let router = Server::builder()
            .add_service(EventSourcedTckModelServer::new(Echo))
            .add_service(ValueEntityTckModelServer::new(Echo))
            .add_service(ActionTckModelServer::new(Echo));
        tokio::spawn(router.serve_with_incoming_shutdown(incoming, async move {
            let _ = stopped.await;
        }));
        Ok(EchoServer {
            address,
            _stop: stop,
        })
    }
}

/// Answers each request with its entity ID (entities) or its first reply's message (actions).
#[derive(Debug, Clone, Copy)]
struct Echo;

#[tonic::async_trait]
impl EventSourcedTckModel for Echo {
    async fn process(
        &self,
        request: Request<EventSourcedRequest>,
    ) -> Result<Response<EventSourcedResponse>, Status> {
        let message = request.into_inner().id;
        Ok(Response::new(EventSourcedResponse { message }))
    }
}

#[tonic::async_trait]
impl ValueEntityTckModel for Echo {
    async fn process(
        &self,
        request: Request<ValueRequest>,
    ) -> Result<Response<ValueResponse>, Status> {
        let message = request.into_inner().id;
        Ok(Response::new(ValueResponse { message }))
    }
}

type NoStream = futures::stream::Empty<Result<ActionResponse, Status>>;

fn streamed() -> Status {
    Status::unimplemented("the echo server answers unary calls only")
}

#[tonic::async_trait]
impl ActionTckModel for Echo {
    async fn process_unary(
        &self,
        request: Request<ActionRequest>,
    ) -> Result<Response<ActionResponse>, Status> {
        let message = request
            .into_inner()
            .groups
            .into_iter()
            .flat_map(|group| group.steps)
            .find_map(|step| match step.step {
                Some(process_step::Step::Reply(reply)) => Some(reply.message),
                _ => None,
            })
            .unwrap_or_default();
        Ok(Response::new(ActionResponse { message }))
    }

    async fn process_streamed_in(
        &self,
        _request: Request<Streaming<ActionRequest>>,
    ) -> Result<Response<ActionResponse>, Status> {
        Err(streamed())
    }

    type ProcessStreamedOutStream = NoStream;

    async fn process_streamed_out(
        &self,
        _request: Request<ActionRequest>,
    ) -> Result<Response<NoStream>, Status> {
        Err(streamed())
    }

    type ProcessStreamedStream = NoStream;

    async fn process_streamed(
        &self,
        _request: Request<Streaming<ActionRequest>>,
    ) -> Result<Response<NoStream>, Status> {
        Err(streamed())
    }
}
