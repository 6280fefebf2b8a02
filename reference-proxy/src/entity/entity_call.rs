//! A client's call to an entity, read into what every entity type needs: the entity it names, the
//! command's name and payload, and the metadata the command carries.

use std::sync::Arc;

use cloudstate_protocol::cloudstate::Metadata;
use cloudstate_protocol::names::PROTOBUF_TYPE_URL_PREFIX;
use futures::StreamExt as _;
use prost_types::Any;
use tonic::Status;

use super::activation::EntityKey;
use crate::dispatch::Call;
use crate::user_spec::ServiceSpec;

/// A call to one entity, with its single request message read.
#[derive(Debug)]
pub(crate) struct EntityCall {
    /// The service called.
    pub(crate) service: Arc<ServiceSpec>,
    /// The entity the request names.
    pub(crate) key: EntityKey,
    /// The simple method name (the command name).
    pub(crate) name: String,
    /// The request, wrapped with its input type's full name.
    pub(crate) payload: Any,
    /// Whether the method streams its output.
    pub(crate) streamed: bool,
    /// The client's request headers (or a delivered event's attributes), for the command's `metadata`.
    pub(crate) metadata: Option<Metadata>,
}

/// Which methods an entity type serves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Streaming {
    /// Unary methods only (value and event-sourced entities).
    Unary,
    /// Unary methods and methods that stream their output (CRDTs).
    Output,
}

impl EntityCall {
    /// Reads `call`: refuses a method the entity type does not serve with `UNIMPLEMENTED`, and a call
    /// without a request message with `INVALID_ARGUMENT`.
    pub(crate) async fn read(call: Call, serves: Streaming) -> Result<EntityCall, Status> {
        let Call {
            service,
            method,
            mut requests,
            metadata,
        } = call;
        let streamed = method.descriptor.is_server_streaming();
        if method.descriptor.is_client_streaming() || (streamed && serves == Streaming::Unary) {
            return Err(Status::unimplemented(format!(
                "{}/{} is a streamed method, which {:?} entities do not serve",
                service.name,
                method.name(),
                service.entity_type
            )));
        }
        let request = match requests.next().await {
            Some(request) => request?,
            None => return Err(Status::invalid_argument("the call has no request message")),
        };
        let key = EntityKey::new(service.name.clone(), method.entity_id(&request)?);
        let payload = Any {
            type_url: format!("{PROTOBUF_TYPE_URL_PREFIX}{}", method.input().full_name()),
            value: request.to_vec(),
        };
        Ok(EntityCall {
            name: method.name().to_owned(),
            service,
            key,
            payload,
            streamed,
            metadata,
        })
    }
}
