//! The public port: one accept loop serving HTTP/1.1 and HTTP/2 (h2c with prior knowledge, as gRPC
//! clients connect) on the same port, and the routing of each request:
//!
//! 1. `content-type: application/grpc*` (not gRPC-Web) → the reflection service for its path, otherwise
//!    a user service ([`super::grpc`]);
//! 2. `application/grpc-web*` → 415, gRPC-Web is not served;
//! 3. `GET /ready`, `GET /alive` → [`super::health`];
//! 4. anything else → HTTP/JSON transcoding ([`super::http`]).

use std::convert::Infallible;
use std::future::Future;
use std::io;
use std::sync::Arc;
use std::time::Duration;

use http::{HeaderMap, Request, Response, StatusCode, header};
use hyper::body::Incoming;
use hyper::service::service_fn;
use hyper_util::rt::{TokioExecutor, TokioIo};
use hyper_util::server::conn::auto;
use hyper_util::server::graceful::GracefulShutdown;
use tokio::net::TcpListener;
use tonic::body::Body;
use tonic::codegen::Service as _;
use tonic_reflection::pb::v1alpha::server_reflection_server::ServerReflectionServer;

use super::reflection::{self, Reflection};
use super::routes::Routes;
use super::{grpc, health, http as transcoding};
use crate::dispatch::Router;

/// How long in-flight calls may run on after shutdown was asked for.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(10);
/// How long to wait before accepting again after `accept` failed (for example, out of descriptors).
const ACCEPT_BACKOFF: Duration = Duration::from_millis(100);

/// Serves the frontend on `listener` until `shutdown` completes.
///
/// Every call goes through `router`; routes, HTTP rules and reflection come from `router.spec()`. An HTTP
/// rule that cannot be served is reported on stderr and left out. When `shutdown` completes the proxy
/// stops accepting, asks open connections to finish (HTTP/2 `GOAWAY`), and returns once they have, or
/// after a grace period of 10 s. Accept errors are logged and retried; the function does not fail after
/// it has started.
pub async fn serve(
    listener: TcpListener,
    router: Arc<Router>,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> io::Result<()> {
    let (routes, warnings) = Routes::new(router.spec());
    for warning in warnings {
        tracing::warn!("{warning}");
    }
    let reflection = Reflection::new(router.spec()).into_server();
    let frontend = Arc::new(Frontend {
        router,
        routes,
        reflection,
    });
    let builder = auto::Builder::new(TokioExecutor::new());
    let graceful = GracefulShutdown::new();
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        let accepted = tokio::select! {
            accepted = listener.accept() => accepted,
            () = &mut shutdown => break,
        };
        let stream = match accepted {
            Ok((stream, _)) => stream,
            Err(error) => {
                tracing::error!("accepting a connection failed: {error}");
                tokio::time::sleep(ACCEPT_BACKOFF).await;
                continue;
            }
        };
        // Small gRPC messages should not wait for Nagle's algorithm; failing to set it is harmless.
        let _ = stream.set_nodelay(true);
        let frontend = frontend.clone();
        let service = service_fn(move |request| {
            let frontend = frontend.clone();
            async move { Ok::<_, Infallible>(frontend.route(request).await) }
        });
        let connection = graceful.watch(
            builder
                .serve_connection(TokioIo::new(stream), service)
                .into_owned(),
        );
        tokio::spawn(async move {
            // A connection error concerns that client only (reset, malformed HTTP); there is nobody to tell.
            let _ = connection.await;
        });
    }
    drop(listener);
    let _ = tokio::time::timeout(SHUTDOWN_GRACE, graceful.shutdown()).await;
    Ok(())
}

/// What every connection shares.
struct Frontend {
    router: Arc<Router>,
    routes: Routes,
    reflection: ServerReflectionServer<Reflection>,
}

impl Frontend {
    async fn route(&self, request: Request<Incoming>) -> Response<Body> {
        let content_type = content_type(request.headers());
        if content_type.starts_with("application/grpc-web") {
            return transcoding::text(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "gRPC-Web is not served by this proxy".to_owned(),
            );
        }
        if content_type.starts_with("application/grpc") {
            let path = request.uri().path();
            if path
                .strip_prefix('/')
                .and_then(|p| p.strip_prefix(reflection::SERVICE))
                .is_some_and(|p| p.starts_with('/'))
            {
                let mut reflection = self.reflection.clone();
                return match reflection.call(request).await {
                    Ok(response) => response,
                    Err(never) => match never {},
                };
            }
            return grpc::handle(self.router.clone(), request).await;
        }
        if health::is_probe(request.method(), request.uri().path()) {
            return health::answer(request.uri().path());
        }
        transcoding::handle(self.router.clone(), &self.routes, request).await
    }
}

fn content_type(headers: &HeaderMap) -> String {
    let value = headers
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .unwrap_or("");
    value.trim().to_ascii_lowercase()
}
