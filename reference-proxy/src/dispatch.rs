//! The one entry point for every call the proxy serves: from clients (gRPC, HTTP/JSON), from forwards,
//! from side effects and from eventing. The router picks the handler of the service's entity type.

mod reply_metadata;

use std::collections::HashMap;
use std::sync::Arc;

use bytes::Bytes;
use cloudstate_protocol::cloudstate::Metadata;
use futures::stream::BoxStream;
use tonic::{Code, Status};

use crate::health::Health;
use crate::user_spec::{EntityType, MethodSpec, ServiceSpec, UserSpec};

pub use reply_metadata::ReplyMetadata;

/// A stream of encoded protobuf messages, or the status that ended it.
pub type MessageStream = BoxStream<'static, Result<Bytes, Status>>;

/// One call: which method, and its encoded input messages (exactly one for unary and server-streaming
/// methods).
pub struct Call {
    /// The service called.
    pub service: Arc<ServiceSpec>,
    /// The method called.
    pub method: Arc<MethodSpec>,
    /// The encoded input messages.
    pub requests: MessageStream,
    /// Metadata for the user function: the client's request headers, or the CloudEvent attributes of a
    /// delivered event.
    pub metadata: Option<Metadata>,
}

impl std::fmt::Debug for Call {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Call({}/{})", self.service.name, self.method.name())
    }
}

impl Call {
    /// A call with one input message.
    pub fn single(service: Arc<ServiceSpec>, method: Arc<MethodSpec>, request: Bytes) -> Call {
        let requests = Box::pin(futures::stream::once(async move { Ok(request) }));
        Call {
            service,
            method,
            requests,
            metadata: None,
        }
    }
}

/// Serves calls. Implemented by the router and by each entity type's handler.
#[tonic::async_trait]
pub trait Dispatch: Send + Sync + 'static {
    /// Runs a call; returns its encoded output messages (exactly one for unary and client-streaming
    /// methods), or the status the caller gets.
    async fn dispatch(&self, call: Call) -> Result<MessageStream, Status>;
}

/// Routes each call to the handler of its service's entity type.
pub struct Router {
    spec: Arc<UserSpec>,
    handlers: HashMap<EntityType, Arc<dyn Dispatch>>,
    health: Health,
}

impl std::fmt::Debug for Router {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Router")
            .field("services", &self.spec.services.keys())
            .finish()
    }
}

impl Router {
    /// A router over the given handlers.
    pub fn new(spec: Arc<UserSpec>, handlers: HashMap<EntityType, Arc<dyn Dispatch>>) -> Router {
        Router {
            spec,
            handlers,
            health: Health::default(),
        }
    }

    /// The router, recording how the user function answers in `health`.
    pub fn with_health(self, health: Health) -> Router {
        Router { health, ..self }
    }

    /// Whether the user function answers the calls it is given.
    pub fn health(&self) -> &Health {
        &self.health
    }

    /// The spec it routes by.
    pub fn spec(&self) -> &Arc<UserSpec> {
        &self.spec
    }

    /// Dispatches a call by names: `service` is a full service name, `method` a simple method name.
    pub async fn call(
        &self,
        service: &str,
        method: &str,
        requests: MessageStream,
    ) -> Result<MessageStream, Status> {
        self.call_with_metadata(service, method, requests, None)
            .await
    }

    /// Dispatches a client's call by names, with the metadata its request headers carry.
    pub async fn call_with_metadata(
        &self,
        service: &str,
        method: &str,
        requests: MessageStream,
        metadata: Option<Metadata>,
    ) -> Result<MessageStream, Status> {
        let (service, method) = self.spec.route(service, method)?;
        self.dispatch(Call {
            service,
            method,
            requests,
            metadata,
        })
        .await
    }
}

#[tonic::async_trait]
impl Dispatch for Router {
    async fn dispatch(&self, call: Call) -> Result<MessageStream, Status> {
        let handler = self
            .handlers
            .get(&call.service.entity_type)
            .ok_or_else(|| {
                Status::unimplemented(format!(
                    "entity type of {} is not served by this proxy",
                    call.service.name
                ))
            })?;
        let unary = !call.method.descriptor.is_client_streaming()
            && !call.method.descriptor.is_server_streaming();
        if !unary {
            return handler.dispatch(call).await;
        }
        // A unary call waits for the user function: while it does, the health record knows.
        let waiting = self.health.waiting();
        let result = handler.dispatch(call).await;
        let answered = match &result {
            Ok(_) => true,
            Err(status) => !matches!(
                status.code(),
                Code::DeadlineExceeded | Code::Unavailable | Code::ResourceExhausted
            ),
        };
        if answered {
            waiting.answered();
        }
        result
    }
}
