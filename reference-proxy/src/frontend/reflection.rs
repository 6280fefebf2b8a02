//! gRPC server reflection, `grpc.reflection.v1alpha.ServerReflection`, over the user's descriptors.
//!
//! Answers (spec/frontend.md, FRONT-011 to FRONT-015):
//! - `list_services` (whatever its argument): `grpc.reflection.v1alpha.ServerReflection` first, then the
//!   discovered user services sorted by name (only those the user function announced as entities, not
//!   every service in its descriptor set).
//! - `file_by_filename`, `file_containing_symbol` (a service, method, message, enum or extension) and
//!   `file_containing_extension`: the file, then its transitive dependencies, each encoded with its
//!   custom options (such as `google.api.http`). Anything unknown gets an `ErrorResponse` with
//!   `NOT_FOUND`, as standard gRPC reflection servers answer, and the stream goes on. (The Akka proxy
//!   answered an empty `FileDescriptorResponse`; the spec explains why we differ.)
//! - `all_extension_numbers_of_type`: the numbers of the known extensions of that type (none when the
//!   type is unknown).
//! - A request without a message gets an `ErrorResponse` with `INVALID_ARGUMENT`.
//!
//! Every response echoes the request's host as `valid_host` and the request as `original_request`.

use std::collections::HashSet;

use futures::StreamExt;
use futures::stream::BoxStream;
use prost_reflect::{DescriptorPool, FileDescriptor};
use tonic::{Code, Request, Response, Status, Streaming};
use tonic_reflection::pb::v1alpha::server_reflection_request::MessageRequest;
use tonic_reflection::pb::v1alpha::server_reflection_response::MessageResponse;
use tonic_reflection::pb::v1alpha::server_reflection_server::{
    ServerReflection, ServerReflectionServer,
};
use tonic_reflection::pb::v1alpha::{
    ErrorResponse, ExtensionNumberResponse, FILE_DESCRIPTOR_SET, FileDescriptorResponse,
    ListServiceResponse, ServerReflectionRequest, ServerReflectionResponse, ServiceResponse,
};

use crate::deviation;
use crate::user_spec::UserSpec;

/// Full name of the reflection service.
pub(super) const SERVICE: &str = "grpc.reflection.v1alpha.ServerReflection";

/// The reflection service over one user spec.
#[derive(Debug)]
pub(super) struct Reflection {
    /// The user's descriptors, then the reflection service's own.
    pools: Vec<DescriptorPool>,
    /// What `list_services` answers.
    services: Vec<String>,
}

impl Reflection {
    /// Reflection over the services and descriptors of `spec`.
    pub(super) fn new(spec: &UserSpec) -> Reflection {
        let mut pools = vec![spec.pool.clone()];
        // The reflection proto ships inside tonic-reflection; should it ever fail to decode, reflection
        // still works for the user's files.
        if let Ok(own) = DescriptorPool::decode(FILE_DESCRIPTOR_SET) {
            pools.push(own);
        }
        let user_services = spec.services.keys().cloned().collect();
        let services = std::iter::once(SERVICE.to_owned())
            .chain(deviation::frontend::reflected_user_services(user_services))
            .collect();
        Reflection { pools, services }
    }

    /// The tonic service to serve.
    pub(super) fn into_server(self) -> ServerReflectionServer<Reflection> {
        ServerReflectionServer::new(self)
    }

    fn answer(&self, request: ServerReflectionRequest) -> ServerReflectionResponse {
        let response = match &request.message_request {
            None => MessageResponse::ErrorResponse(ErrorResponse {
                error_code: Code::InvalidArgument as i32,
                error_message: "the request names no reflection query".to_owned(),
            }),
            Some(MessageRequest::ListServices(_)) => {
                MessageResponse::ListServicesResponse(ListServiceResponse {
                    service: self
                        .services
                        .iter()
                        .map(|name| ServiceResponse { name: name.clone() })
                        .collect(),
                })
            }
            Some(MessageRequest::FileByFilename(name)) => {
                self.files(|pool| pool.get_file_by_name(name))
            }
            Some(MessageRequest::FileContainingSymbol(symbol)) => {
                self.files(|pool| symbol_file(pool, symbol))
            }
            Some(MessageRequest::FileContainingExtension(extension)) => self.files(|pool| {
                pool.all_extensions()
                    .find(|e| {
                        e.containing_message().full_name() == extension.containing_type
                            && i64::from(e.number()) == i64::from(extension.extension_number)
                    })
                    .map(|e| e.parent_file())
            }),
            Some(MessageRequest::AllExtensionNumbersOfType(name)) => {
                let mut numbers: Vec<i32> = self
                    .pools
                    .iter()
                    .flat_map(|pool| pool.all_extensions())
                    .filter(|e| e.containing_message().full_name() == name)
                    .filter_map(|e| i32::try_from(e.number()).ok())
                    .collect();
                numbers.sort_unstable();
                numbers.dedup();
                MessageResponse::AllExtensionNumbersResponse(ExtensionNumberResponse {
                    base_type_name: name.clone(),
                    extension_number: numbers,
                })
            }
        };
        ServerReflectionResponse {
            valid_host: request.host.clone(),
            original_request: Some(request),
            message_response: Some(response),
        }
    }

    /// The first file `find` finds in the pools, then its transitive dependencies; `NOT_FOUND` if none.
    fn files(&self, find: impl Fn(&DescriptorPool) -> Option<FileDescriptor>) -> MessageResponse {
        let Some(file) = self.pools.iter().find_map(find) else {
            return deviation::frontend::unknown_symbol_answer(MessageResponse::ErrorResponse(
                ErrorResponse {
                    error_code: Code::NotFound as i32,
                    error_message: "no file declares that name or symbol".to_owned(),
                },
            ));
        };
        let mut encoded = Vec::new();
        let mut seen = HashSet::new();
        let mut pending = vec![file];
        while let Some(file) = pending.pop() {
            if seen.insert(file.name().to_owned()) {
                encoded.push(file.encode_to_vec());
                pending.extend(file.dependencies());
            }
        }
        MessageResponse::FileDescriptorResponse(FileDescriptorResponse {
            file_descriptor_proto: encoded,
        })
    }
}

/// The file that declares a fully qualified symbol.
fn symbol_file(pool: &DescriptorPool, symbol: &str) -> Option<FileDescriptor> {
    let symbol = symbol.strip_prefix('.').unwrap_or(symbol);
    if let Some(service) = pool.get_service_by_name(symbol) {
        return Some(service.parent_file());
    }
    if let Some(message) = pool.get_message_by_name(symbol) {
        return Some(message.parent_file());
    }
    if let Some(enumeration) = pool.get_enum_by_name(symbol) {
        return Some(enumeration.parent_file());
    }
    if let Some(extension) = pool.get_extension_by_name(symbol) {
        return Some(extension.parent_file());
    }
    let (parent, name) = symbol.rsplit_once('.')?;
    if let Some(service) = pool.get_service_by_name(parent) {
        return service
            .methods()
            .find(|m| m.name() == name)
            .map(|_| service.parent_file());
    }
    let message = pool.get_message_by_name(parent)?;
    message
        .get_field_by_name(name)
        .map(|_| message.parent_file())
}

#[tonic::async_trait]
impl ServerReflection for Reflection {
    type ServerReflectionInfoStream = BoxStream<'static, Result<ServerReflectionResponse, Status>>;

    async fn server_reflection_info(
        &self,
        request: Request<Streaming<ServerReflectionRequest>>,
    ) -> Result<Response<Self::ServerReflectionInfoStream>, Status> {
        let reflection = Reflection {
            pools: self.pools.clone(),
            services: self.services.clone(),
        };
        let responses = request
            .into_inner()
            .map(move |request| request.map(|request| reflection.answer(request)));
        Ok(Response::new(Box::pin(responses)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reflection() -> Reflection {
        let pool = cloudstate_protocol::descriptor_pool().clone();
        Reflection {
            pools: vec![pool],
            services: vec![SERVICE.to_owned()],
        }
    }

    fn file_count(response: &ServerReflectionResponse) -> usize {
        match &response.message_response {
            Some(MessageResponse::FileDescriptorResponse(files)) => {
                files.file_descriptor_proto.len()
            }
            other => panic!("unexpected {other:?}"),
        }
    }

    fn is_not_found(response: &ServerReflectionResponse) -> bool {
        matches!(
            &response.message_response,
            Some(MessageResponse::ErrorResponse(error)) if error.error_code == Code::NotFound as i32
        )
    }

    fn ask(request: MessageRequest) -> ServerReflectionResponse {
        reflection().answer(ServerReflectionRequest {
            host: "h".to_owned(),
            message_request: Some(request),
        })
    }

    #[test]
    fn symbols_resolve_to_their_file_and_its_dependencies() {
        let symbol = |s: &str| MessageRequest::FileContainingSymbol(s.to_owned());
        let service = ask(symbol(
            "cloudstate.tck.model.valueentity.ValueEntityTckModel",
        ));
        assert_eq!(service.valid_host, "h");
        assert!(file_count(&service) > 1, "the file and its imports");
        assert!(
            file_count(&ask(symbol(
                "cloudstate.tck.model.valueentity.ValueEntityTckModel.Process"
            ))) > 0
        );
        assert!(file_count(&ask(symbol("cloudstate.tck.model.valueentity.Request.id"))) > 0);
        assert!(file_count(&ask(symbol("google.api.http"))) > 0);
        assert!(is_not_found(&ask(symbol("no.such.Symbol"))));
        assert!(is_not_found(&ask(MessageRequest::FileByFilename(
            "nope.proto".to_owned()
        ))));
        assert!(
            file_count(&ask(MessageRequest::FileByFilename(
                "cloudstate/entity.proto".to_owned()
            ))) > 0
        );
    }

    #[test]
    fn extension_numbers_are_listed() {
        let response = ask(MessageRequest::AllExtensionNumbersOfType(
            "google.protobuf.FieldOptions".to_owned(),
        ));
        match response.message_response {
            Some(MessageResponse::AllExtensionNumbersResponse(numbers)) => {
                assert!(numbers.extension_number.contains(&1080), "{numbers:?}");
            }
            other => panic!("unexpected {other:?}"),
        }
    }
}
