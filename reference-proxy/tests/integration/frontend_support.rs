//! Test support for the frontend: serves it on 127.0.0.1:0 in front of a router, with a gRPC channel
//! and a minimal HTTP/1.1 client (one request per connection, `connection: close`).

// Each test crate that includes this module uses a different part of it.
#![allow(dead_code, unreachable_pub)]

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use cloudstate_protocol::cloudstate::{Entity, EntitySpec};
use cloudstate_protocol::names::model::{
    ACTION_TCK_MODEL, VALUE_ENTITY_TCK_MODEL, VALUE_ENTITY_TWO,
};
use cloudstate_protocol::names::{ACTION_PROTOCOL, VALUE_ENTITY};
use reference_proxy::dispatch::{Dispatch, Router};
use reference_proxy::frontend::ConnectionLimits;
use reference_proxy::user_spec::{EntityType, UserSpec};
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::oneshot;
use tokio::task::JoinHandle;
use tokio::time::timeout;
use tonic::transport::Channel;

/// The longest any step of a test may take.
pub const WAIT: Duration = Duration::from_secs(10);

/// The TCK's value-entity model (`ValueEntityTckModel`, `ValueEntityTwo`) and action model
/// (`ActionTckModel`), announced as the user function would.
pub fn tck_spec() -> UserSpec {
    let entity = |entity_type: &str, service_name: &str| Entity {
        entity_type: entity_type.to_owned(),
        service_name: service_name.to_owned(),
        persistence_id: service_name.to_owned(),
        passivation_strategy: None,
    };
    let entity_spec = EntitySpec {
        proto: cloudstate_protocol::FILE_DESCRIPTOR_SET.to_vec(),
        entities: vec![
            entity(VALUE_ENTITY, VALUE_ENTITY_TCK_MODEL),
            entity(VALUE_ENTITY, VALUE_ENTITY_TWO),
            entity(ACTION_PROTOCOL, ACTION_TCK_MODEL),
        ],
        service_info: None,
    };
    UserSpec::new(entity_spec).expect("the TCK spec is valid")
}

/// A served frontend.
pub struct Proxy {
    pub address: SocketAddr,
    stop: Option<oneshot::Sender<()>>,
    server: JoinHandle<std::io::Result<()>>,
}

/// An HTTP response: status, content type and body.
pub type HttpResponse = (u16, String, String);

impl Proxy {
    /// Serves `spec` with `handler` for every entity type; returns once `/ready` answers.
    pub async fn start(spec: UserSpec, handler: Arc<dyn Dispatch>) -> Proxy {
        Proxy::start_with(spec, handler, ConnectionLimits::default()).await
    }

    /// [`Proxy::start`], serving connections within `limits`.
    pub async fn start_with(
        spec: UserSpec,
        handler: Arc<dyn Dispatch>,
        limits: ConnectionLimits,
    ) -> Proxy {
        let types = [
            EntityType::Action,
            EntityType::ValueEntity,
            EntityType::EventSourced,
            EntityType::Crdt,
        ];
        let handlers = types
            .into_iter()
            .map(|t| (t, handler.clone()))
            .collect::<HashMap<_, _>>();
        let router = Arc::new(Router::new(Arc::new(spec), handlers));
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let address = listener.local_addr().expect("address");
        let (stop, stopped) = oneshot::channel::<()>();
        let server = tokio::spawn(reference_proxy::frontend::serve(
            listener,
            router,
            limits,
            async move {
                let _ = stopped.await;
            },
        ));
        let proxy = Proxy {
            address,
            stop: Some(stop),
            server,
        };
        let (status, _, body) = proxy.http("GET", "/ready", None, "").await;
        assert_eq!((status, body.as_str()), (200, "ready\n"));
        proxy
    }

    /// A gRPC channel to the proxy (HTTP/2 with prior knowledge).
    pub async fn channel(&self) -> Channel {
        let endpoint = Channel::from_shared(format!("http://{}", self.address)).expect("endpoint");
        timeout(WAIT, endpoint.connect())
            .await
            .expect("connected in time")
            .expect("connected")
    }

    /// One HTTP/1.1 request on a fresh connection. The body is returned as sent (chunked bodies keep
    /// their chunk framing).
    pub async fn http(
        &self,
        method: &str,
        path: &str,
        content_type: Option<&str>,
        body: &str,
    ) -> HttpResponse {
        let exchange = async {
            let mut stream = TcpStream::connect(self.address).await.expect("connect");
            let content_type = content_type
                .map(|c| format!("content-type: {c}\r\n"))
                .unwrap_or_default();
            let request = format!(
                "{method} {path} HTTP/1.1\r\nhost: test\r\n{content_type}content-length: {}\r\nconnection: close\r\n\r\n{body}",
                body.len()
            );
            stream.write_all(request.as_bytes()).await.expect("send");
            let mut response = String::new();
            stream.read_to_string(&mut response).await.expect("receive");
            response
        };
        let response = timeout(WAIT, exchange).await.expect("answered in time");
        let (head, body) = response.split_once("\r\n\r\n").expect("a head and a body");
        let status = head
            .split(' ')
            .nth(1)
            .and_then(|s| s.parse().ok())
            .expect("a status code");
        let content_type = head
            .lines()
            .find_map(|line| {
                line.to_ascii_lowercase()
                    .strip_prefix("content-type: ")
                    .map(str::to_owned)
            })
            .unwrap_or_default();
        (status, content_type, body.to_owned())
    }

    /// A JSON `POST`.
    pub async fn post(&self, path: &str, body: &str) -> HttpResponse {
        self.http("POST", path, Some("application/json"), body)
            .await
    }

    /// Asks the frontend to shut down and waits until `serve` has returned.
    pub async fn stop(mut self) {
        let _ = self.stop.take().expect("not stopped yet").send(());
        let served = timeout(WAIT, self.server)
            .await
            .expect("serve returned in time");
        served
            .expect("serve did not panic")
            .expect("serve succeeded");
    }
}
