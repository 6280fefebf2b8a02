//! Test support for actions: a fake user function that serves `ActionProtocol` with the TCK action model's
//! rules and reports what it receives, a stub router for forwards and side effects, and a ready handler.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use cloudstate_protocol::cloudstate::action::action_protocol_server::{
    ActionProtocol, ActionProtocolServer,
};
use cloudstate_protocol::cloudstate::action::{ActionCommand, ActionResponse, action_response};
use cloudstate_protocol::cloudstate::tck::model::action::{
    OtherRequest, ProcessStep, Request, Response, process_step,
};
use cloudstate_protocol::cloudstate::{Entity, EntitySpec, Failure, Forward, Reply, SideEffect};
use cloudstate_protocol::names::{self, model};
use futures::stream::BoxStream;
use futures::{Stream, StreamExt as _};
use prost::Message as _;
use prost_types::Any;
use reference_proxy::dispatch::{Call, Dispatch, MessageStream};
use reference_proxy::effects::Effects;
use reference_proxy::entity::action::ActionHandler;
use reference_proxy::entity::{EntityContext, NoEvents};
use reference_proxy::store::sqlite::SqliteStore;
use reference_proxy::user_function::UserFunction;
use reference_proxy::user_spec::UserSpec;
use tokio::sync::mpsc;
use tonic::transport::server::TcpIncoming;
use tonic::transport::{Endpoint, Server};
use tonic::{Code, Request as GrpcRequest, Response as GrpcResponse, Status, Streaming};

/// How long any single wait in these tests may take.
pub(crate) const WAIT: Duration = Duration::from_secs(10);

/// What the fake user function saw, per protocol call (`rpc` is the protocol method's name).
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Seen {
    /// A command arrived.
    Command(&'static str, ActionCommand),
    /// The proxy half-closed its command stream.
    HalfClosed(&'static str),
    /// The proxy's command stream ended with an error (the call was cancelled).
    Cancelled(&'static str),
}

/// The fake user function.
#[derive(Debug, Clone)]
pub(crate) struct Fake {
    seen: mpsc::UnboundedSender<Seen>,
}

/// The response of a group of steps, by the TCK action model's rules.
fn fold(response: &mut ActionResponse, steps: &[ProcessStep]) {
    for step in steps.iter().filter_map(|step| step.step.as_ref()) {
        match step {
            process_step::Step::Reply(reply) => {
                let payload = any(
                    "Response",
                    Response {
                        message: reply.message.clone(),
                    },
                );
                response.response = Some(action_response::Response::Reply(Reply {
                    payload: Some(payload),
                    metadata: None,
                }));
            }
            process_step::Step::Forward(forward) => {
                response.response = Some(action_response::Response::Forward(Forward {
                    service_name: model::ACTION_TWO.to_owned(),
                    command_name: "Call".to_owned(),
                    payload: Some(any(
                        "OtherRequest",
                        OtherRequest {
                            id: forward.id.clone(),
                        },
                    )),
                    metadata: None,
                }));
            }
            process_step::Step::Fail(fail) => {
                let failure = Failure {
                    command_id: 0,
                    description: fail.message.clone(),
                    restart: false,
                };
                response.response = Some(action_response::Response::Failure(failure));
            }
            process_step::Step::Effect(effect) => response.side_effects.push(SideEffect {
                service_name: model::ACTION_TWO.to_owned(),
                command_name: "Call".to_owned(),
                payload: Some(any(
                    "OtherRequest",
                    OtherRequest {
                        id: effect.id.clone(),
                    },
                )),
                synchronous: effect.synchronous,
                metadata: None,
            }),
        }
    }
}

/// Packs a message of the action model as `type.googleapis.com/cloudstate.tck.model.action.<name>`.
pub(crate) fn any<M: prost::Message>(name: &str, message: M) -> Any {
    Any {
        type_url: format!("type.googleapis.com/cloudstate.tck.model.action.{name}"),
        value: message.encode_to_vec(),
    }
}

fn request_of(command: &ActionCommand) -> Request {
    command
        .payload
        .as_ref()
        .and_then(|payload| Request::decode(payload.value.as_slice()).ok())
        .unwrap_or_default()
}

impl Fake {
    /// Reads a command stream, reporting each command and how the stream ends.
    fn read(
        &self,
        rpc: &'static str,
        commands: Streaming<ActionCommand>,
    ) -> impl Stream<Item = ActionCommand> + Send + 'static {
        let seen = self.seen.clone();
        futures::stream::unfold(Some(commands), move |commands| {
            let seen = seen.clone();
            async move {
                let mut commands = commands?;
                match commands.next().await {
                    Some(Ok(command)) => {
                        let _ = seen.send(Seen::Command(rpc, command.clone()));
                        Some((command, Some(commands)))
                    }
                    Some(Err(_)) => {
                        let _ = seen.send(Seen::Cancelled(rpc));
                        None
                    }
                    None => {
                        let _ = seen.send(Seen::HalfClosed(rpc));
                        None
                    }
                }
            }
        })
    }
}

type Responses = BoxStream<'static, Result<ActionResponse, Status>>;

#[tonic::async_trait]
impl ActionProtocol for Fake {
    async fn handle_unary(
        &self,
        request: GrpcRequest<ActionCommand>,
    ) -> Result<GrpcResponse<ActionResponse>, Status> {
        let command = request.into_inner();
        let _ = self
            .seen
            .send(Seen::Command("handleUnary", command.clone()));
        let mut response = ActionResponse::default();
        for group in request_of(&command).groups {
            fold(&mut response, &group.steps);
        }
        Ok(GrpcResponse::new(response))
    }

    async fn handle_streamed_in(
        &self,
        request: GrpcRequest<Streaming<ActionCommand>>,
    ) -> Result<GrpcResponse<ActionResponse>, Status> {
        let mut commands = Box::pin(self.read("handleStreamedIn", request.into_inner()));
        let mut response = ActionResponse::default();
        while let Some(command) = commands.next().await {
            for group in request_of(&command).groups {
                fold(&mut response, &group.steps);
            }
        }
        Ok(GrpcResponse::new(response))
    }

    type handleStreamedOutStream = Responses;

    async fn handle_streamed_out(
        &self,
        request: GrpcRequest<ActionCommand>,
    ) -> Result<GrpcResponse<Responses>, Status> {
        let command = request.into_inner();
        let _ = self
            .seen
            .send(Seen::Command("handleStreamedOut", command.clone()));
        let responses = request_of(&command).groups.into_iter().map(|group| {
            let mut response = ActionResponse::default();
            fold(&mut response, &group.steps);
            Ok(response)
        });
        Ok(GrpcResponse::new(
            futures::stream::iter(responses.collect::<Vec<_>>()).boxed(),
        ))
    }

    type handleStreamedStream = Responses;

    async fn handle_streamed(
        &self,
        request: GrpcRequest<Streaming<ActionCommand>>,
    ) -> Result<GrpcResponse<Responses>, Status> {
        let responses = self
            .read("handleStreamed", request.into_inner())
            .flat_map(|command| {
                let responses: Vec<_> = request_of(&command)
                    .groups
                    .into_iter()
                    .map(|group| {
                        let mut response = ActionResponse::default();
                        fold(&mut response, &group.steps);
                        Ok(response)
                    })
                    .collect();
                futures::stream::iter(responses)
            });
        Ok(GrpcResponse::new(responses.boxed()))
    }
}

/// A router that records each call (service, method, first request) and answers with `reply`.
#[derive(Debug)]
pub(crate) struct StubRouter {
    routed: mpsc::UnboundedSender<(String, String, Bytes)>,
    reply: Bytes,
}

#[tonic::async_trait]
impl Dispatch for StubRouter {
    async fn dispatch(&self, mut call: Call) -> Result<MessageStream, Status> {
        let request = call.requests.next().await.transpose()?.unwrap_or_default();
        let _ = self.routed.send((
            call.service.name.clone(),
            call.method.name().to_owned(),
            request,
        ));
        let reply = self.reply.clone();
        Ok(futures::stream::once(async move { Ok(reply) }).boxed())
    }
}

/// A handler connected to a running fake user function, and what to observe.
pub(crate) struct Setup {
    /// The handler under test.
    pub(crate) handler: ActionHandler,
    /// The checked spec (the action model and the eventing subscriber).
    pub(crate) spec: Arc<UserSpec>,
    /// What the fake user function saw.
    pub(crate) seen: mpsc::UnboundedReceiver<Seen>,
    /// What went through the stub router.
    pub(crate) routed: mpsc::UnboundedReceiver<(String, String, Bytes)>,
    /// What the stub router answers.
    pub(crate) router_reply: Bytes,
    _router: Arc<dyn Dispatch>,
    _dir: tempfile::TempDir,
}

fn action_entity(service: &str) -> Entity {
    Entity {
        entity_type: names::ACTION_PROTOCOL.to_owned(),
        service_name: service.to_owned(),
        persistence_id: String::new(),
        passivation_strategy: None,
    }
}

/// Starts a fake user function on 127.0.0.1:0 and builds a handler for it.
pub(crate) async fn setup() -> Setup {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let address: SocketAddr = listener.local_addr().expect("address");
    let (seen_tx, seen) = mpsc::unbounded_channel();
    let server = Server::builder().add_service(ActionProtocolServer::new(Fake { seen: seen_tx }));
    tokio::spawn(server.serve_with_incoming(TcpIncoming::from(listener)));
    let channel = Endpoint::from_shared(format!("http://{address}"))
        .expect("endpoint")
        .connect_lazy();
    let user_function = UserFunction { channel };

    let entity_spec = EntitySpec {
        proto: cloudstate_protocol::FILE_DESCRIPTOR_SET.to_vec(),
        entities: vec![
            action_entity(model::ACTION_TCK_MODEL),
            action_entity(model::ACTION_TWO),
            action_entity(model::EVENT_LOG_SUBSCRIBER_MODEL),
        ],
        service_info: None,
    };
    let spec = Arc::new(UserSpec::new(entity_spec).expect("spec"));
    let effects = Arc::new(Effects::new(spec.clone(), user_function.clone()));
    let (routed_tx, routed) = mpsc::unbounded_channel();
    let router_reply = Bytes::from(
        Response {
            message: "from the router".to_owned(),
        }
        .encode_to_vec(),
    );
    let router: Arc<dyn Dispatch> = Arc::new(StubRouter {
        routed: routed_tx,
        reply: router_reply.clone(),
    });
    effects.set_router(Arc::downgrade(&router));
    let dir = tempfile::tempdir().expect("temp dir");
    let store = Arc::new(SqliteStore::open(&dir.path().join("store.db")).expect("store"));
    let cx = EntityContext {
        user_function,
        spec: spec.clone(),
        store,
        effects,
        events: Arc::new(NoEvents),
        relay_timeout: reference_proxy::entity::DEFAULT_RELAY_TIMEOUT,
        limits: reference_proxy::limits::EntityLimits::default(),
        health: reference_proxy::health::Health::default(),
    };
    Setup {
        handler: ActionHandler::new(cx),
        spec,
        seen,
        routed,
        router_reply,
        _router: router,
        _dir: dir,
    }
}

impl Setup {
    /// A call of `method` of the action model with the given requests.
    pub(crate) fn call(&self, service: &str, method: &str, requests: MessageStream) -> Call {
        let (service, method) = self.spec.route(service, method).expect("route");
        Call {
            service,
            method,
            requests,
            metadata: None,
        }
    }

    /// Dispatches a call and collects its whole output, or the status the call failed with.
    pub(crate) async fn run(&self, call: Call) -> Result<Vec<Result<Bytes, Status>>, Status> {
        let mut output = tokio::time::timeout(WAIT, self.handler.dispatch(call))
            .await
            .expect("dispatched in time")?;
        let mut items = Vec::new();
        while let Some(item) = next(&mut output).await {
            items.push(item);
        }
        Ok(items)
    }

    /// Dispatches a call that must succeed and gives its output messages.
    pub(crate) async fn replies(&self, call: Call) -> Vec<Bytes> {
        let items = self.run(call).await.expect("the call failed");
        items
            .into_iter()
            .map(|item| item.expect("an output failed"))
            .collect()
    }

    /// Dispatches a call that must fail and gives its status.
    pub(crate) async fn failure(&self, call: Call) -> (Code, String) {
        let status = self.run(call).await.expect_err("the call succeeded");
        (status.code(), status.message().to_owned())
    }

    /// The next thing the fake user function saw.
    pub(crate) async fn next_seen(&mut self) -> Seen {
        tokio::time::timeout(WAIT, self.seen.recv())
            .await
            .expect("the fake saw nothing")
            .expect("fake gone")
    }

    /// The next call through the stub router.
    pub(crate) async fn next_routed(&mut self) -> (String, String, Bytes) {
        tokio::time::timeout(WAIT, self.routed.recv())
            .await
            .expect("nothing was routed")
            .expect("router gone")
    }
}

/// The next output message, waiting at most [`WAIT`].
pub(crate) async fn next(output: &mut MessageStream) -> Option<Result<Bytes, Status>> {
    tokio::time::timeout(WAIT, output.next())
        .await
        .expect("no output in time")
}
