//! gRPC server reflection through the frontend: the service list the TCK expects, and unknown symbols
//! answered with `NOT_FOUND` on a stream that goes on.

use crate::frontend_support;

use std::sync::Arc;

use cloudstate_protocol::names::model::{
    ACTION_TCK_MODEL, VALUE_ENTITY_TCK_MODEL, VALUE_ENTITY_TWO,
};
use frontend_support::{Proxy, WAIT, tck_spec};
use futures::StreamExt as _;
use prost::Message as _;
use reference_proxy::dispatch::{Call, Dispatch, MessageStream};
use tokio::time::timeout;
use tonic::Status;
use tonic::transport::Channel;
use tonic_reflection::pb::v1alpha::ServerReflectionRequest;
use tonic_reflection::pb::v1alpha::server_reflection_client::ServerReflectionClient;
use tonic_reflection::pb::v1alpha::server_reflection_request::MessageRequest;
use tonic_reflection::pb::v1alpha::server_reflection_response::MessageResponse;

/// Reflection never calls the user function.
struct Unused;

#[tonic::async_trait]
impl Dispatch for Unused {
    async fn dispatch(&self, _: Call) -> Result<MessageStream, Status> {
        Err(Status::internal("reflection called the router"))
    }
}

async fn reflect(
    client: &mut ServerReflectionClient<Channel>,
    request: MessageRequest,
) -> MessageResponse {
    let request = ServerReflectionRequest {
        host: "proxy".to_owned(),
        message_request: Some(request),
    };
    let responses = timeout(
        WAIT,
        client.server_reflection_info(futures::stream::iter([request.clone()])),
    )
    .await;
    let mut responses = responses
        .expect("answered in time")
        .expect("a reflection stream")
        .into_inner();
    let response = timeout(WAIT, responses.next())
        .await
        .expect("answered in time");
    let response = response.expect("a response").expect("not an error");
    assert_eq!(
        (response.valid_host.as_str(), response.original_request),
        ("proxy", Some(request))
    );
    response.message_response.expect("a response message")
}

#[tokio::test]
async fn reflection_lists_the_discovered_services() {
    let proxy = Proxy::start(tck_spec(), Arc::new(Unused)).await;
    let mut client = ServerReflectionClient::new(proxy.channel().await);
    for argument in ["", "garbage"] {
        let MessageResponse::ListServicesResponse(list) = reflect(
            &mut client,
            MessageRequest::ListServices(argument.to_owned()),
        )
        .await
        else {
            panic!("not a service list");
        };
        let names: Vec<String> = list.service.into_iter().map(|s| s.name).collect();
        let expected = [
            "grpc.reflection.v1alpha.ServerReflection",
            ACTION_TCK_MODEL,
            VALUE_ENTITY_TCK_MODEL,
            VALUE_ENTITY_TWO,
        ];
        assert_eq!(names, expected);
    }
    let unknown = MessageRequest::FileContainingSymbol("no.such.Symbol".to_owned());
    let MessageResponse::ErrorResponse(error) = reflect(&mut client, unknown).await else {
        panic!("not an error response");
    };
    assert_eq!(error.error_code, tonic::Code::NotFound as i32);
    let known = MessageRequest::FileContainingSymbol(VALUE_ENTITY_TCK_MODEL.to_owned());
    let MessageResponse::FileDescriptorResponse(files) = reflect(&mut client, known).await else {
        panic!("not a file response");
    };
    let first = prost_types::FileDescriptorProto::decode(files.file_descriptor_proto[0].as_slice())
        .unwrap();
    assert_eq!(first.name(), "cloudstate/tck/model/valueentity.proto");

    // An unknown symbol does not end the stream: later requests on it are answered.
    let requests = ["no.such.Symbol", VALUE_ENTITY_TWO].map(|symbol| ServerReflectionRequest {
        host: String::new(),
        message_request: Some(MessageRequest::FileContainingSymbol(symbol.to_owned())),
    });
    let call = client.server_reflection_info(futures::stream::iter(requests));
    let responses = timeout(WAIT, call).await.unwrap().unwrap().into_inner();
    let counts: Vec<Option<usize>> = timeout(WAIT, responses.collect::<Vec<_>>())
        .await
        .unwrap()
        .into_iter()
        .map(|response| match response.unwrap().message_response {
            Some(MessageResponse::FileDescriptorResponse(files)) => {
                Some(files.file_descriptor_proto.len())
            }
            Some(MessageResponse::ErrorResponse(error)) => {
                assert_eq!(error.error_code, tonic::Code::NotFound as i32);
                None
            }
            other => panic!("not a file or error response: {other:?}"),
        })
        .collect();
    assert_eq!(counts.len(), 2);
    assert!(counts[0].is_none() && counts[1] > Some(0), "{counts:?}");
    drop(client);
    proxy.stop().await;
}
