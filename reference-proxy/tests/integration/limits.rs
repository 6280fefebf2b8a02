//! Size limits of the frontend, with the statuses other gRPC servers give: a request message over 4 MiB
//! is `RESOURCE_EXHAUSTED` (unary and streamed), an entity ID over 1024 bytes is `INVALID_ARGUMENT`.

use std::sync::Arc;

use cloudstate_protocol::cloudstate::tck::model::action::action_tck_model_client::ActionTckModelClient;
use cloudstate_protocol::cloudstate::tck::model::action::{
    ProcessGroup, ProcessStep, Reply, Request as ActionRequest, process_step,
};
use cloudstate_protocol::cloudstate::tck::model::valueentity::value_entity_tck_model_client::ValueEntityTckModelClient;
use cloudstate_protocol::cloudstate::tck::model::valueentity::{
    Request, RequestAction, Response, Update, request_action,
};
use cloudstate_protocol::names::model::VALUE_ENTITY_TCK_MODEL;
use futures::StreamExt as _;
use prost::Message as _;
use reference_proxy::dispatch::{Call, Dispatch, MessageStream};
use reference_proxy::user_spec::MAX_ENTITY_ID;
use tokio::time::timeout;
use tonic::{Code, Status};

use crate::frontend_support::{Proxy, WAIT, tck_spec};

/// Answers every call with the entity ID of its first request, after reading every request.
#[derive(Debug)]
struct EntityIds;

#[tonic::async_trait]
impl Dispatch for EntityIds {
    async fn dispatch(&self, call: Call) -> Result<MessageStream, Status> {
        let mut requests = call.requests;
        let mut id = None;
        while let Some(request) = requests.next().await {
            let request = request?;
            if id.is_none() {
                id = Some(call.method.entity_id(&request)?);
            }
        }
        let reply = Response {
            message: id.unwrap_or_default(),
        };
        let reply = bytes::Bytes::from(reply.encode_to_vec());
        Ok(futures::stream::once(async move { Ok(reply) }).boxed())
    }
}

fn request(id: String, value_bytes: usize) -> Request {
    let update = Update {
        value: "x".repeat(value_bytes),
    };
    Request {
        id,
        actions: vec![RequestAction {
            action: Some(request_action::Action::Update(update)),
        }],
    }
}

async fn process(proxy: &Proxy, request: Request) -> Result<String, (Code, String)> {
    let mut client = ValueEntityTckModelClient::new(proxy.channel().await);
    let reply = timeout(WAIT, client.process(request))
        .await
        .expect("answered in time");
    reply
        .map(|reply| reply.into_inner().message)
        .map_err(|status| (status.code(), status.message().to_owned()))
}

const MIB: usize = 1024 * 1024;

#[tokio::test]
async fn a_request_message_over_4_mib_is_resource_exhausted() {
    let proxy = Proxy::start(tck_spec(), Arc::new(EntityIds)).await;
    assert_eq!(
        process(&proxy, request("big".into(), 3 * MIB)).await,
        Ok("big".to_owned())
    );
    let (code, message) = process(&proxy, request("big".into(), 4 * MIB))
        .await
        .expect_err("over the limit");
    assert_eq!(code, Code::ResourceExhausted, "{message}");
    assert!(message.contains("larger than 4194304 bytes"), "{message}");
    // The connection is still good.
    assert_eq!(
        process(&proxy, request("after".into(), 10)).await,
        Ok("after".to_owned())
    );
    proxy.stop().await;
}

#[tokio::test]
async fn a_streamed_request_message_over_4_mib_is_resource_exhausted() {
    let proxy = Proxy::start(tck_spec(), Arc::new(EntityIds)).await;
    let step = |size: usize| ProcessStep {
        step: Some(process_step::Step::Reply(Reply {
            message: "y".repeat(size),
        })),
    };
    let message = |size: usize| ActionRequest {
        groups: vec![ProcessGroup {
            steps: vec![step(size)],
        }],
    };
    let mut client = ActionTckModelClient::new(proxy.channel().await);
    let requests = futures::stream::iter([message(10), message(4 * MIB)]);
    let status = timeout(WAIT, client.process_streamed_in(requests))
        .await
        .expect("answered in time")
        .expect_err("over the limit");
    assert_eq!(status.code(), Code::ResourceExhausted, "{status:?}");
    proxy.stop().await;
}

#[tokio::test]
async fn an_entity_id_over_1024_bytes_is_invalid_argument() {
    assert_eq!(MAX_ENTITY_ID, 1024);
    let proxy = Proxy::start(tck_spec(), Arc::new(EntityIds)).await;
    let longest = "k".repeat(MAX_ENTITY_ID);
    assert_eq!(
        process(&proxy, request(longest.clone(), 1)).await,
        Ok(longest)
    );
    let (code, message) = process(&proxy, request("k".repeat(MAX_ENTITY_ID + 1), 1))
        .await
        .expect_err("too long");
    assert_eq!(code, Code::InvalidArgument, "{message}");
    assert!(message.contains("1025 bytes"), "{message}");
    proxy.stop().await;
}

#[test]
fn the_entity_id_limit_applies_to_the_joined_key() {
    let spec = tck_spec();
    let (_, method) = spec
        .route(VALUE_ENTITY_TCK_MODEL, "Process")
        .expect("routed");
    let encoded = |id: String| request(id, 0).encode_to_vec();
    assert!(method.entity_id(&encoded("k".repeat(1024))).is_ok());
    let status = method
        .entity_id(&encoded("é".repeat(600)))
        .expect_err("1200 bytes");
    assert_eq!(status.code(), Code::InvalidArgument);
}
