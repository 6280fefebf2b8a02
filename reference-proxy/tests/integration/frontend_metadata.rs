//! Metadata through the frontend: a client's request headers reach the call's metadata without the
//! transport's own headers, `-bin` ones as bytes, and the metadata a handler's reply offers comes back
//! as response headers, without the entries the transport reserves.

use std::sync::{Arc, Mutex};

use cloudstate_protocol::cloudstate::tck::model::action::action_tck_model_client::ActionTckModelClient;
use cloudstate_protocol::cloudstate::tck::model::action::{Request, Response};
use cloudstate_protocol::cloudstate::{Metadata, MetadataEntry, metadata_entry};
use prost::Message as _;
use reference_proxy::dispatch::{Call, Dispatch, MessageStream, ReplyMetadata};
use tokio::time::timeout;
use tonic::Status;
use tonic::metadata::MetadataValue;

use crate::frontend_support::{Proxy, WAIT, tck_spec};

/// Records the metadata of every call and answers with an empty `Response`, offering `reply` as the
/// reply's metadata.
#[derive(Debug, Default)]
struct Recorder {
    calls: Mutex<Vec<Option<Metadata>>>,
    reply: Option<Metadata>,
}

#[tonic::async_trait]
impl Dispatch for Recorder {
    async fn dispatch(&self, call: Call) -> Result<MessageStream, Status> {
        self.calls
            .lock()
            .expect("not poisoned")
            .push(call.metadata.clone());
        if let Some(reply) = &self.reply {
            ReplyMetadata::offer(reply.clone());
        }
        let reply = bytes::Bytes::from(Response::default().encode_to_vec());
        Ok(Box::pin(futures::stream::once(async move { Ok(reply) })))
    }
}

fn entry(key: &str, value: metadata_entry::Value) -> MetadataEntry {
    MetadataEntry {
        key: key.to_owned(),
        value: Some(value),
    }
}

#[tokio::test]
async fn request_headers_become_metadata_without_the_transports_own() {
    let recorder = Arc::new(Recorder::default());
    let proxy = Proxy::start(tck_spec(), recorder.clone()).await;
    let mut client = ActionTckModelClient::new(proxy.channel().await);
    let mut request = tonic::Request::new(Request::default());
    request
        .metadata_mut()
        .insert("x-caller", MetadataValue::from_static("tests"));
    request
        .metadata_mut()
        .insert_bin("x-trace-bin", MetadataValue::from_bytes(&[0, 255]));
    timeout(WAIT, client.process_unary(request))
        .await
        .expect("answered in time")
        .expect("answered");
    let calls = recorder.calls.lock().expect("not poisoned").clone();
    let expected = Metadata {
        entries: vec![
            entry(
                "x-caller",
                metadata_entry::Value::StringValue("tests".into()),
            ),
            entry(
                "x-trace-bin",
                metadata_entry::Value::BytesValue(vec![0, 255]),
            ),
        ],
    };
    assert_eq!(calls, vec![Some(expected)]);

    // Without headers of its own a call has no metadata at all.
    timeout(WAIT, client.process_unary(Request::default()))
        .await
        .expect("answered in time")
        .expect("answered");
    assert_eq!(recorder.calls.lock().expect("not poisoned")[1], None);
    proxy.stop().await;
}

#[tokio::test]
async fn reply_metadata_becomes_response_headers() {
    let reply = Metadata {
        entries: vec![
            entry("x-answer", metadata_entry::Value::StringValue("42".into())),
            entry(
                "x-answer-bin",
                metadata_entry::Value::BytesValue(vec![1, 2, 255]),
            ),
            entry(
                "grpc-status",
                metadata_entry::Value::StringValue("13".into()),
            ),
        ],
    };
    let recorder = Arc::new(Recorder {
        calls: Mutex::default(),
        reply: Some(reply),
    });
    let proxy = Proxy::start(tck_spec(), recorder).await;
    let mut client = ActionTckModelClient::new(proxy.channel().await);
    let response = timeout(WAIT, client.process_unary(Request::default()))
        .await
        .expect("answered in time")
        .expect("a reserved entry does not break the call");
    let headers = response.metadata();
    assert_eq!(
        headers.get("x-answer").map(|value| value.to_str().ok()),
        Some(Some("42"))
    );
    let bytes = headers
        .get_bin("x-answer-bin")
        .and_then(|value| value.to_bytes().ok());
    assert_eq!(bytes.as_deref(), Some(&[1, 2, 255][..]));
    proxy.stop().await;
}
