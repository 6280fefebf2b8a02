//! Case 183 of the original TCK: one `ServerReflectionInfo` stream to the proxy with four requests.
//!
//! 1. `list_services ""` and 2. `list_services "nonsense.blabla."`: the announced services and
//!    `grpc.reflection.v1alpha.ServerReflection`, each once, in any order.
//! 3. `file_containing_symbol` for the first announced service (by name): a file that declares it.
//! 4. `file_containing_symbol "nonsense.blabla.Void"`: `NOT_FOUND`, as an `ErrorResponse` on the stream or
//!    as the status that ends it, or a `FileDescriptorResponse` without files (what the Akka proxy
//!    answers and the original TCK required); anything but a file.
//!
//! Every response must echo its request and the request's host. No call reaches the user function.

use std::collections::BTreeSet;

use prost::Message as _;
use prost_types::FileDescriptorProto;
use tokio::sync::mpsc;
use tokio_stream::wrappers::UnboundedReceiverStream;
use tonic::{Code, Status, Streaming};
use tonic_reflection::pb::v1alpha::server_reflection_client::ServerReflectionClient;
use tonic_reflection::pb::v1alpha::server_reflection_request::MessageRequest;
use tonic_reflection::pb::v1alpha::server_reflection_response::MessageResponse;
use tonic_reflection::pb::v1alpha::{ServerReflectionRequest, ServerReflectionResponse};

use crate::case::{CaseFailure, Verdict};
use crate::proxy::ProxyCx;
use crate::wire::Direction;

/// The reflection service, which lists itself.
const REFLECTION: &str = "grpc.reflection.v1alpha.ServerReflection";
/// The host the requests name, which responses must echo.
const HOST: &str = "cloudstate-tck";
/// A symbol no file declares.
const UNKNOWN_SYMBOL: &str = "nonsense.blabla.Void";
/// `google.rpc.Code.NOT_FOUND`.
const NOT_FOUND: i32 = 5;
/// The label of this stream in the trace.
const LABEL: &str = "client ServerReflectionInfo";

pub(super) async fn server_reflection(cx: ProxyCx) -> Verdict {
    let Some(spec) = &cx.startup().entity_spec else {
        return Err(CaseFailure::fail(
            "no discovery answer was recorded at start-up, so the services the proxy should list are unknown",
        ));
    };
    let announced: BTreeSet<String> = spec
        .entities
        .iter()
        .map(|entity| entity.service_name.clone())
        .collect();
    let Some(first) = announced.first().cloned() else {
        return Err(CaseFailure::error("the user function announced no service"));
    };
    let mut expected = announced;
    expected.insert(REFLECTION.to_owned());

    let (requests, stream) = mpsc::unbounded_channel::<ServerReflectionRequest>();
    let mut stream = Some(stream);
    let mut responses: Option<Streaming<ServerReflectionResponse>> = None;
    let mut ask = async |message: MessageRequest| -> Result<Result<ServerReflectionResponse, Status>, CaseFailure> {
        let request = ServerReflectionRequest { host: HOST.to_owned(), message_request: Some(message) };
        cx.trace().record(LABEL, Direction::Sent, format!("client -> proxy {request:?}"));
        requests
            .send(request.clone())
            .map_err(|_| CaseFailure::fail("the proxy ended the reflection stream before the TCK sent its next request"))?;
        if let Some(stream) = stream.take() {
            let mut client = ServerReflectionClient::new(cx.channel());
            let call = client.server_reflection_info(UnboundedReceiverStream::new(stream));
            match cx.client("ServerReflectionInfo", call).await? {
                Ok(opened) => responses = Some(opened),
                Err(status) => return Ok(Err(status)),
            }
        }
        let Some(open) = responses.as_mut() else {
            return Err(CaseFailure::fail("the reflection stream is over"));
        };
        let next = tokio::time::timeout_at(cx.deadline(), open.message()).await.map_err(|_| {
            CaseFailure::fail(format!("the proxy did not answer the reflection request {request:?} before the case deadline"))
        })?;
        let response = match next {
            Ok(Some(response)) => response,
            Ok(None) => {
                cx.trace().record(LABEL, Direction::Received, "proxy -> client end of stream, status OK");
                return Err(CaseFailure::mismatch(
                    "the proxy ended the reflection stream instead of answering a request",
                    format!("a response to {request:?}"),
                    "(end of stream, status OK)".to_owned(),
                ));
            }
            Err(status) => {
                let text = format!("proxy -> client gRPC status {:?}: {}", status.code(), status.message());
                cx.trace().record(LABEL, Direction::Received, text);
                return Ok(Err(status));
            }
        };
        cx.trace().record(LABEL, Direction::Received, format!("proxy -> client {}", render(&response)));
        check_echo(&request, &response)?;
        Ok(Ok(response))
    };

    for argument in ["", "nonsense.blabla."] {
        let answer = ask(MessageRequest::ListServices(argument.to_owned())).await?;
        check_services(argument, &expected, answer)?;
    }
    let answer = ask(MessageRequest::FileContainingSymbol(first.clone())).await?;
    check_declaring_file(&first, answer)?;
    let answer = ask(MessageRequest::FileContainingSymbol(
        UNKNOWN_SYMBOL.to_owned(),
    ))
    .await?;
    check_not_found(answer)
}

/// A response for the trace, with files shown by name rather than as bytes.
fn render(response: &ServerReflectionResponse) -> String {
    format!(
        "{{ valid_host: {:?}, original_request: {:?}, {} }}",
        response.valid_host,
        response.original_request,
        render_answer(response.message_response.as_ref())
    )
}

/// The answer of a response, with files shown by name.
fn render_answer(answer: Option<&MessageResponse>) -> String {
    match answer {
        Some(MessageResponse::ListServicesResponse(list)) => {
            let names: Vec<&str> = list
                .service
                .iter()
                .map(|service| service.name.as_str())
                .collect();
            format!("ListServicesResponse [{}]", names.join(", "))
        }
        Some(MessageResponse::FileDescriptorResponse(files)) => {
            let names: Vec<String> = files
                .file_descriptor_proto
                .iter()
                .map(
                    |bytes| match FileDescriptorProto::decode(bytes.as_slice()) {
                        Ok(file) => file.name().to_owned(),
                        Err(_) => format!("(undecodable, {} bytes)", bytes.len()),
                    },
                )
                .collect();
            format!("FileDescriptorResponse [{}]", names.join(", "))
        }
        Some(other) => format!("{other:?}"),
        None => "(no answer)".to_owned(),
    }
}

/// FRONT-015: the response names the request it answers and its host.
fn check_echo(request: &ServerReflectionRequest, response: &ServerReflectionResponse) -> Verdict {
    if response.original_request.as_ref() == Some(request) && response.valid_host == request.host {
        return Ok(());
    }
    Err(CaseFailure::mismatch(
        "a reflection response must carry its request as original_request and the request's host as valid_host",
        format!(
            "valid_host: {:?}, original_request: {request:?}",
            request.host
        ),
        format!(
            "valid_host: {:?}, original_request: {:?}",
            response.valid_host, response.original_request
        ),
    ))
}

fn check_services(
    argument: &str,
    expected: &BTreeSet<String>,
    answer: Result<ServerReflectionResponse, Status>,
) -> Verdict {
    let what = format!("list_services {argument:?}");
    let listed: Vec<String> = match message(&what, answer)? {
        MessageResponse::ListServicesResponse(list) => list
            .service
            .into_iter()
            .map(|service| service.name)
            .collect(),
        other => return Err(wrong_kind(&what, "a ListServiceResponse", &other)),
    };
    let distinct: BTreeSet<String> = listed.iter().cloned().collect();
    if distinct == *expected && distinct.len() == listed.len() {
        return Ok(());
    }
    let mut sorted = listed;
    sorted.sort();
    Err(CaseFailure::mismatch(
        format!(
            "{what}: the proxy must list every announced service and {REFLECTION}, each once, and nothing else (any order)"
        ),
        expected.iter().cloned().collect::<Vec<_>>().join("\n"),
        sorted.join("\n"),
    ))
}

fn check_declaring_file(
    service: &str,
    answer: Result<ServerReflectionResponse, Status>,
) -> Verdict {
    let what = format!("file_containing_symbol {service:?}");
    let files = match message(&what, answer)? {
        MessageResponse::FileDescriptorResponse(files) => files.file_descriptor_proto,
        other => return Err(wrong_kind(&what, "a FileDescriptorResponse", &other)),
    };
    let mut names = Vec::new();
    for bytes in &files {
        let file = FileDescriptorProto::decode(bytes.as_slice()).map_err(|error| {
            CaseFailure::fail(format!(
                "{what}: a returned file is not a FileDescriptorProto: {error}"
            ))
        })?;
        let package = file.package();
        let declares = file.service.iter().any(|declared| {
            let name = declared.name();
            if package.is_empty() {
                name == service
            } else {
                format!("{package}.{name}") == service
            }
        });
        if declares {
            return Ok(());
        }
        names.push(file.name().to_owned());
    }
    Err(CaseFailure::mismatch(
        format!("{what}: the response must contain the file that declares the service"),
        format!("a file declaring {service}"),
        if names.is_empty() {
            "(no file)".to_owned()
        } else {
            format!("files: {}", names.join(", "))
        },
    ))
}

/// FRONT-024: `NOT_FOUND`, in an `ErrorResponse` or as the status ending the stream, or no file.
fn check_not_found(answer: Result<ServerReflectionResponse, Status>) -> Verdict {
    let what = format!("file_containing_symbol {UNKNOWN_SYMBOL:?}");
    let expected = "an ErrorResponse with error_code 5 (NOT_FOUND), the stream ended with status \
                    NOT_FOUND, or a FileDescriptorResponse with no file"
        .to_owned();
    let actual = match answer {
        Err(status) if status.code() == Code::NotFound => return Ok(()),
        Err(status) => format!(
            "the stream ended with gRPC status {:?}: {}",
            status.code(),
            status.message()
        ),
        Ok(response) => match response.message_response {
            Some(MessageResponse::ErrorResponse(error)) if error.error_code == NOT_FOUND => {
                return Ok(());
            }
            Some(MessageResponse::FileDescriptorResponse(files))
                if files.file_descriptor_proto.is_empty() =>
            {
                return Ok(());
            }
            other => render_answer(other.as_ref()),
        },
    };
    Err(CaseFailure::mismatch(
        format!("{what}: an unknown symbol must be answered with NOT_FOUND or with no file"),
        expected,
        actual,
    ))
}

/// The message of a response to a request that must succeed.
fn message(
    what: &str,
    answer: Result<ServerReflectionResponse, Status>,
) -> Result<MessageResponse, CaseFailure> {
    match answer {
        Ok(ServerReflectionResponse {
            message_response: Some(message),
            ..
        }) => Ok(message),
        Ok(_) => Err(CaseFailure::fail(format!(
            "{what}: the reflection response carries no answer"
        ))),
        Err(status) => Err(CaseFailure::fail(format!(
            "{what}: the proxy ended the reflection stream with gRPC status {:?}: {}",
            status.code(),
            status.message()
        ))),
    }
}

fn wrong_kind(what: &str, wanted: &str, got: &MessageResponse) -> CaseFailure {
    CaseFailure::mismatch(
        format!("{what}: the proxy answered with another kind of response"),
        wanted.to_owned(),
        render_answer(Some(got)),
    )
}

#[cfg(test)]
mod tests {
    use tonic_reflection::pb::v1alpha::{
        ErrorResponse, FileDescriptorResponse, ListServiceResponse, ServiceResponse,
    };

    use super::*;

    fn answer(message: MessageResponse) -> Result<ServerReflectionResponse, Status> {
        Ok(ServerReflectionResponse {
            valid_host: HOST.to_owned(),
            original_request: None,
            message_response: Some(message),
        })
    }

    #[test]
    fn not_found_and_no_file_are_accepted_and_a_file_is_not() {
        let error = |code| {
            answer(MessageResponse::ErrorResponse(ErrorResponse {
                error_code: code,
                error_message: "symbol not found".to_owned(),
            }))
        };
        assert!(check_not_found(error(NOT_FOUND)).is_ok());
        assert!(check_not_found(Err(Status::not_found("no such symbol"))).is_ok());
        assert!(check_not_found(error(Code::Internal as i32)).is_err());
        assert!(check_not_found(Err(Status::unknown("no"))).is_err());
        let empty = answer(MessageResponse::FileDescriptorResponse(
            FileDescriptorResponse::default(),
        ));
        assert!(check_not_found(empty).is_ok(), "the Akka proxy's answer");
        let claimed = answer(MessageResponse::FileDescriptorResponse(
            FileDescriptorResponse {
                file_descriptor_proto: vec![FileDescriptorProto::default().encode_to_vec()],
            },
        ));
        assert!(
            check_not_found(claimed).is_err(),
            "a file for an unknown symbol"
        );
    }

    #[test]
    fn services_are_compared_as_a_set_without_duplicates() {
        let expected: BTreeSet<String> = [REFLECTION, "a.B"].map(str::to_owned).into();
        let list = |names: &[&str]| {
            answer(MessageResponse::ListServicesResponse(ListServiceResponse {
                service: names
                    .iter()
                    .map(|name| ServiceResponse {
                        name: (*name).to_owned(),
                    })
                    .collect(),
            }))
        };
        assert!(check_services("", &expected, list(&["a.B", REFLECTION])).is_ok());
        assert!(check_services("", &expected, list(&[REFLECTION, "a.B", "a.B"])).is_err());
        assert!(check_services("", &expected, list(&["a.B"])).is_err());
        assert!(check_services("", &expected, list(&[REFLECTION, "a.B", "c.D"])).is_err());
    }

    #[test]
    fn the_declaring_file_is_found_by_package_and_name() {
        let file = FileDescriptorProto {
            name: Some("a/b.proto".to_owned()),
            package: Some("a".to_owned()),
            service: vec![prost_types::ServiceDescriptorProto {
                name: Some("B".to_owned()),
                ..Default::default()
            }],
            ..Default::default()
        };
        let files = answer(MessageResponse::FileDescriptorResponse(
            FileDescriptorResponse {
                file_descriptor_proto: vec![file.encode_to_vec()],
            },
        ));
        assert!(check_declaring_file("a.B", files.clone()).is_ok());
        assert!(check_declaring_file("a.C", files).is_err());
    }

    #[test]
    fn responses_must_echo_request_and_host() {
        let request = ServerReflectionRequest {
            host: HOST.to_owned(),
            message_request: Some(MessageRequest::ListServices(String::new())),
        };
        let mut response = ServerReflectionResponse {
            valid_host: HOST.to_owned(),
            original_request: Some(request.clone()),
            message_response: None,
        };
        assert!(check_echo(&request, &response).is_ok());
        response.valid_host = String::new();
        assert!(check_echo(&request, &response).is_err());
    }
}
