//! A small fake user function for the durability tests: the event-sourced and value-entity TCK models
//! reduced to an appender and a register.
//!
//! - Event sourced (`EventSourcedTckModel`): every `emit` of a request is persisted as one event; the
//!   state is the concatenation of every event's value, and a snapshot is taken every fourth event.
//! - Value entity (`ValueEntityTckModel`): an `update` replaces the state.
//!
//! Either replies with the state as a `Response`. The fake runs on its own Tokio runtime, so that
//! [`UserFunction::crash`] closes every socket at once, as a crashed process would.

use std::net::SocketAddr;

use cloudstate_protocol::cloudstate::entity_discovery_server::{
    EntityDiscovery, EntityDiscoveryServer,
};
use cloudstate_protocol::cloudstate::eventsourced::event_sourced_server::{
    EventSourced, EventSourcedServer,
};
use cloudstate_protocol::cloudstate::eventsourced::{
    EventSourcedReply, EventSourcedStreamIn, EventSourcedStreamOut, event_sourced_stream_in,
    event_sourced_stream_out,
};
use cloudstate_protocol::cloudstate::tck::model::valueentity::{
    self as ve_model, request_action as ve_action,
};
use cloudstate_protocol::cloudstate::tck::model::{self as es_model, request_action as es_action};
use cloudstate_protocol::cloudstate::valueentity::value_entity_server::{
    ValueEntity, ValueEntityServer,
};
use cloudstate_protocol::cloudstate::valueentity::{
    ValueEntityAction, ValueEntityReply, ValueEntityStreamIn, ValueEntityStreamOut,
    ValueEntityUpdate, value_entity_action, value_entity_stream_in, value_entity_stream_out,
};
use cloudstate_protocol::cloudstate::{
    ClientAction, Entity, EntitySpec, ProxyInfo, Reply, ServiceInfo, UserFunctionError,
    client_action,
};
use cloudstate_protocol::names;
use futures::Stream;
use prost::Message as _;
use prost_types::Any;
use tokio::runtime::Runtime;
use tokio::sync::mpsc;
use tokio_stream::wrappers::{ReceiverStream, TcpListenerStream};
use tonic::{Request, Response, Status, Streaming};

/// Packs a message as the proxy and the TCK do.
fn any<M: prost::Message>(full_name: &str, message: &M) -> Any {
    Any {
        type_url: format!("type.googleapis.com/{full_name}"),
        value: message.encode_to_vec(),
    }
}

fn reply(response_type: &str, state: &str) -> Option<ClientAction> {
    let response = es_model::Response {
        message: state.to_owned(),
    };
    Some(ClientAction {
        action: Some(client_action::Action::Reply(Reply {
            payload: Some(any(response_type, &response)),
            metadata: None,
        })),
    })
}

fn persisted(any: Option<&Any>) -> String {
    any.and_then(|any| es_model::Persisted::decode(any.value.as_slice()).ok())
        .map(|persisted| persisted.value)
        .unwrap_or_default()
}

type Boxed<T> = std::pin::Pin<Box<dyn Stream<Item = Result<T, Status>> + Send + 'static>>;

/// Answers each message of `input` with `model`, in order, until either side goes away.
fn serve<I, O>(
    mut input: Streaming<I>,
    mut model: impl FnMut(I) -> Option<O> + Send + 'static,
) -> Boxed<O>
where
    I: prost::Message + Default + Send + 'static,
    O: Send + 'static,
{
    let (out, replies) = mpsc::channel(16);
    tokio::spawn(async move {
        while let Ok(Some(message)) = input.message().await {
            if let Some(answer) = model(message)
                && out.send(Ok(answer)).await.is_err()
            {
                return;
            }
        }
    });
    Box::pin(ReceiverStream::new(replies))
}

/// The user function's services.
#[derive(Debug, Clone, Copy, Default)]
struct Fake;

#[tonic::async_trait]
impl EventSourced for Fake {
    type handleStream = Boxed<EventSourcedStreamOut>;

    async fn handle(
        &self,
        request: Request<Streaming<EventSourcedStreamIn>>,
    ) -> Result<Response<Self::handleStream>, Status> {
        let (mut state, mut sequence) = (String::new(), 0_i64);
        let model = move |message: EventSourcedStreamIn| {
            let command = match message.message? {
                event_sourced_stream_in::Message::Init(init) => {
                    if let Some(snapshot) = init.snapshot {
                        state = persisted(snapshot.snapshot.as_ref());
                        sequence = snapshot.snapshot_sequence;
                    }
                    return None;
                }
                event_sourced_stream_in::Message::Event(event) => {
                    state.push_str(&persisted(event.payload.as_ref()));
                    sequence = event.sequence;
                    return None;
                }
                event_sourced_stream_in::Message::Command(command) => command,
            };
            let payload = command.payload.unwrap_or_default();
            let request = es_model::Request::decode(payload.value.as_slice()).ok()?;
            let mut events = Vec::new();
            for action in request.actions.into_iter().filter_map(|a| a.action) {
                if let es_action::Action::Emit(emit) = action {
                    state.push_str(&emit.value);
                    sequence += 1;
                    let event = es_model::Persisted { value: emit.value };
                    events.push(any("cloudstate.tck.model.Persisted", &event));
                }
            }
            let snapshot = (!events.is_empty() && sequence % 4 == 0).then(|| {
                let snapshot = es_model::Persisted {
                    value: state.clone(),
                };
                any("cloudstate.tck.model.Persisted", &snapshot)
            });
            let reply = EventSourcedReply {
                command_id: command.id,
                client_action: reply("cloudstate.tck.model.Response", &state),
                side_effects: Vec::new(),
                events,
                snapshot,
            };
            Some(EventSourcedStreamOut {
                message: Some(event_sourced_stream_out::Message::Reply(reply)),
            })
        };
        Ok(Response::new(serve(request.into_inner(), model)))
    }
}

#[tonic::async_trait]
impl ValueEntity for Fake {
    type handleStream = Boxed<ValueEntityStreamOut>;

    async fn handle(
        &self,
        request: Request<Streaming<ValueEntityStreamIn>>,
    ) -> Result<Response<Self::handleStream>, Status> {
        let mut state = String::new();
        let model = move |message: ValueEntityStreamIn| {
            let command = match message.message? {
                value_entity_stream_in::Message::Init(init) => {
                    state = persisted(init.state.and_then(|s| s.value).as_ref());
                    return None;
                }
                value_entity_stream_in::Message::Command(command) => command,
            };
            let payload = command.payload.unwrap_or_default();
            let request = ve_model::Request::decode(payload.value.as_slice()).ok()?;
            let mut state_action = None;
            for action in request.actions.into_iter().filter_map(|a| a.action) {
                if let ve_action::Action::Update(update) = action {
                    let value = ve_model::Persisted {
                        value: update.value.clone(),
                    };
                    let value = any("cloudstate.tck.model.valueentity.Persisted", &value);
                    state = update.value;
                    state_action = Some(ValueEntityAction {
                        action: Some(value_entity_action::Action::Update(ValueEntityUpdate {
                            value: Some(value),
                        })),
                    });
                }
            }
            let reply = ValueEntityReply {
                command_id: command.id,
                client_action: reply("cloudstate.tck.model.valueentity.Response", &state),
                side_effects: Vec::new(),
                state_action,
            };
            Some(ValueEntityStreamOut {
                message: Some(value_entity_stream_out::Message::Reply(reply)),
            })
        };
        Ok(Response::new(serve(request.into_inner(), model)))
    }
}

#[tonic::async_trait]
impl EntityDiscovery for Fake {
    async fn discover(&self, _: Request<ProxyInfo>) -> Result<Response<EntitySpec>, Status> {
        let entity = |entity_type: &str, service_name: &str| Entity {
            entity_type: entity_type.to_owned(),
            service_name: service_name.to_owned(),
            persistence_id: service_name.to_owned(),
            passivation_strategy: None,
        };
        Ok(Response::new(EntitySpec {
            proto: cloudstate_protocol::FILE_DESCRIPTOR_SET.to_vec(),
            entities: vec![
                entity(names::EVENT_SOURCED, names::model::EVENT_SOURCED_TCK_MODEL),
                entity(names::VALUE_ENTITY, names::model::VALUE_ENTITY_TCK_MODEL),
            ],
            service_info: Some(ServiceInfo {
                protocol_major_version: names::PROTOCOL_MAJOR_VERSION,
                protocol_minor_version: names::PROTOCOL_MINOR_VERSION,
                ..Default::default()
            }),
        }))
    }

    async fn report_error(
        &self,
        request: Request<UserFunctionError>,
    ) -> Result<Response<()>, Status> {
        eprintln!("the proxy reported: {}", request.into_inner().message);
        Ok(Response::new(()))
    }
}

/// The fake user function, served on its own runtime.
#[derive(Debug)]
pub(crate) struct UserFunction {
    /// Where it listens.
    pub(crate) address: SocketAddr,
    runtime: Runtime,
}

impl UserFunction {
    /// Serves the fake on `address` (port 0 for any free port).
    pub(crate) fn start(address: SocketAddr) -> UserFunction {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .expect("a runtime for the user function");
        let listener = std::net::TcpListener::bind(address).expect("bind the user function");
        listener.set_nonblocking(true).expect("non-blocking");
        let address = listener.local_addr().expect("address");
        runtime.spawn(async move {
            let listener = tokio::net::TcpListener::from_std(listener).expect("a Tokio listener");
            tonic::transport::Server::builder()
                .add_service(EntityDiscoveryServer::new(Fake))
                .add_service(EventSourcedServer::new(Fake))
                .add_service(ValueEntityServer::new(Fake))
                .serve_with_incoming(TcpListenerStream::new(listener))
                .await
        });
        UserFunction { address, runtime }
    }

    /// Stops at once: every task ends and every connection is dropped.
    pub(crate) fn crash(self) {
        self.runtime.shutdown_background();
    }
}
