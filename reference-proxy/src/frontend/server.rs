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
use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use hyper_util::server::conn::auto;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{Semaphore, watch};
use tokio::time::Instant;
use tonic::body::Body;
use tonic::codegen::Service as _;
use tonic_reflection::pb::v1alpha::server_reflection_server::ServerReflectionServer;

use super::connections::{Activity, CLOSE_GRACE, ConnectionLimits, Roster, Throttled, tracked};
use super::reflection::{self, Reflection};
use super::routes::Routes;
use super::{grpc, health, http as transcoding};
use crate::dispatch::Router;

/// How long in-flight calls may run on after shutdown was asked for.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(10);
/// How long to wait before accepting again after `accept` failed (for example, out of descriptors).
const ACCEPT_BACKOFF: Duration = Duration::from_millis(100);
/// How many connections over the limit may be in the middle of being let in or refused at once; more
/// are dropped unanswered.
const REFUSING: usize = 64;
/// How long a connection over the limit waits for the idle connection it made close to go.
const ROOM_WAIT: Duration = Duration::from_secs(1);
/// How often a connection with something in flight looks again whether it has become idle.
const IDLE_CHECK: Duration = Duration::from_secs(1);

/// Serves the frontend on `listener` until `shutdown` completes.
///
/// Every call goes through `router`; routes, HTTP rules and reflection come from `router.spec()`. An HTTP
/// rule that cannot be served is reported on stderr and left out. Connections are served within
/// `limits` (see `connections`). When `shutdown` completes the proxy stops accepting, asks open
/// connections to finish (HTTP/2 `GOAWAY`), and returns once they have, or after a grace period of 10 s.
/// Accept errors are logged (at most once every ten seconds) and retried; the function does not fail
/// after it has started.
pub async fn serve(
    listener: TcpListener,
    router: Arc<Router>,
    limits: ConnectionLimits,
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
        limits,
    });
    let mut builder = auto::Builder::new(TokioExecutor::new());
    builder
        .http1()
        .timer(TokioTimer::new())
        .header_read_timeout(limits.header_read_timeout);
    builder
        .http2()
        .timer(TokioTimer::new())
        .keep_alive_interval(Some(KEEP_ALIVE_INTERVAL))
        .keep_alive_timeout(KEEP_ALIVE_TIMEOUT);
    let builder = Arc::new(builder);
    let permits = Arc::new(Semaphore::new(limits.max_connections));
    let roster = Arc::new(Roster::default());
    let refusing = Arc::new(Semaphore::new(REFUSING));
    let (closing, closed) = watch::channel(false);
    let mut accept_errors = Throttled::new();
    let mut refusals = Throttled::new();
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        let accepted = tokio::select! {
            accepted = listener.accept() => accepted,
            () = &mut shutdown => break,
        };
        let stream = match accepted {
            Ok((stream, _)) => stream,
            Err(error) => {
                if let Some(left_out) = accept_errors.log_now() {
                    tracing::error!(left_out, "accepting a connection failed: {error}");
                }
                tokio::time::sleep(ACCEPT_BACKOFF).await;
                continue;
            }
        };
        // Small gRPC messages should not wait for Nagle's algorithm; failing to set it is harmless.
        let _ = stream.set_nodelay(true);
        let connection = Connection {
            frontend: frontend.clone(),
            builder: builder.clone(),
            closing: closed.clone(),
            roster: roster.clone(),
        };
        let Ok(permit) = permits.clone().try_acquire_owned() else {
            let Ok(over) = refusing.clone().try_acquire_owned() else {
                continue;
            };
            let made_room = roster.evict_idlest();
            if let Some(left_out) = refusals.log_now() {
                tracing::warn!(
                    limit = limits.max_connections,
                    left_out,
                    "a connection over the limit (MAX_CONNECTIONS): {}",
                    if made_room {
                        "closed the one idle longest to make room"
                    } else {
                        "refused it, every connection has a request in flight"
                    }
                );
            }
            let permits = permits.clone();
            tokio::spawn(async move {
                let room = if made_room {
                    let acquired = tokio::time::timeout(ROOM_WAIT, permits.acquire_owned()).await;
                    acquired.ok().and_then(Result::ok)
                } else {
                    None
                };
                match room {
                    Some(permit) => {
                        drop(over);
                        connection.serve(stream).await;
                        drop(permit);
                    }
                    None => {
                        refuse(&connection.builder, stream, limits.header_read_timeout).await;
                        drop(over);
                    }
                }
            });
            continue;
        };
        tokio::spawn(async move {
            connection.serve(stream).await;
            drop(permit);
        });
    }
    drop(listener);
    let _ = closing.send(true);
    let every = u32::try_from(limits.max_connections).unwrap_or(u32::MAX);
    let _ = tokio::time::timeout(SHUTDOWN_GRACE, permits.acquire_many(every)).await;
    Ok(())
}

/// HTTP/2 pings to a client with nothing to say, to find connections whose other end is gone.
const KEEP_ALIVE_INTERVAL: Duration = Duration::from_secs(30);
/// How long a ping may go unanswered before the connection is closed.
const KEEP_ALIVE_TIMEOUT: Duration = Duration::from_secs(20);

/// One client connection and what it needs to be served.
struct Connection {
    frontend: Arc<Frontend>,
    builder: Arc<auto::Builder<TokioExecutor>>,
    closing: watch::Receiver<bool>,
    roster: Arc<Roster>,
}

impl Connection {
    /// Serves the connection until it ends, closing it when it stays idle too long or the proxy stops.
    async fn serve(mut self, stream: TcpStream) {
        let activity = Activity::new();
        let member = self.roster.join(activity.clone());
        let frontend = self.frontend.clone();
        let requests = activity.clone();
        let service = service_fn(move |request| {
            let frontend = frontend.clone();
            let in_flight = requests.begin();
            async move {
                let response = frontend.route(request).await;
                Ok::<_, Infallible>(tracked(response, in_flight))
            }
        });
        let connection = self.builder.serve_connection(TokioIo::new(stream), service);
        let mut connection = std::pin::pin!(connection);
        let limits = self.frontend.limits;
        let mut dropped_at: Option<Instant> = None;
        loop {
            let idle_at = activity
                .closes_at(&limits)
                .unwrap_or_else(|| Instant::now() + IDLE_CHECK);
            tokio::select! {
                // A connection error concerns that client only (reset, malformed HTTP): nobody to tell.
                _ = connection.as_mut() => return,
                () = tokio::time::sleep_until(idle_at), if dropped_at.is_none() => {
                    if activity.closes_at(&limits).is_some_and(|at| at <= Instant::now()) {
                        connection.as_mut().graceful_shutdown();
                        dropped_at = Some(Instant::now() + CLOSE_GRACE);
                    }
                }
                changed = self.closing.changed(), if dropped_at.is_none() => {
                    if changed.is_err() || *self.closing.borrow() {
                        connection.as_mut().graceful_shutdown();
                        dropped_at = Some(Instant::now() + SHUTDOWN_GRACE);
                    }
                }
                // Made to close for a new connection: at once if it is still idle.
                () = member.evicted.notified(), if dropped_at.is_none() => {
                    if activity.idle().is_some() {
                        return;
                    }
                    connection.as_mut().graceful_shutdown();
                    dropped_at = Some(Instant::now() + CLOSE_GRACE);
                }
                () = sleep_until_some(dropped_at) => return,
            }
        }
    }
}

/// Sleeps until `at`, or for ever when there is no `at`.
async fn sleep_until_some(at: Option<Instant>) {
    match at {
        Some(at) => tokio::time::sleep_until(at).await,
        None => std::future::pending().await,
    }
}

/// Answers every request of a connection over the limit with 503 (gRPC: `UNAVAILABLE`), for at most
/// `within`, and closes it.
async fn refuse(builder: &auto::Builder<TokioExecutor>, stream: TcpStream, within: Duration) {
    let service = service_fn(|request: Request<Incoming>| async move {
        let message =
            "the proxy serves as many connections as it may (MAX_CONNECTIONS); retry later";
        let mut response = if content_type(request.headers()).starts_with("application/grpc") {
            tonic::Status::unavailable(message).into_http()
        } else {
            transcoding::text(StatusCode::SERVICE_UNAVAILABLE, message.to_owned())
        };
        response.headers_mut().insert(
            header::CONNECTION,
            header::HeaderValue::from_static("close"),
        );
        Ok::<_, Infallible>(response)
    });
    let connection = builder.serve_connection(TokioIo::new(stream), service);
    let _ = tokio::time::timeout(within, connection).await;
}

/// What every connection shares.
struct Frontend {
    router: Arc<Router>,
    routes: Routes,
    reflection: ServerReflectionServer<Reflection>,
    limits: ConnectionLimits,
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
            return grpc::handle(self.router.clone(), request, &self.limits).await;
        }
        if health::is_probe(request.method(), request.uri().path()) {
            return health::answer(request.uri().path(), self.router.health());
        }
        transcoding::handle(self.router.clone(), &self.routes, request, &self.limits).await
    }
}

fn content_type(headers: &HeaderMap) -> String {
    let value = headers
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .unwrap_or("");
    value.trim().to_ascii_lowercase()
}
