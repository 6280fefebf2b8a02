//! The interceptor: the TCK's user-function port in proxy mode. It serves discovery and the four
//! protocol services to the proxy under test, relays every call to the real user function (the built-in
//! model service, or an SDK), and records every message, half-close, end and cancellation in both
//! directions.

use std::convert::Infallible;
use std::str::FromStr as _;
use std::sync::Arc;
use std::task::{Context, Poll};

use bytes::Bytes;
use futures::StreamExt as _;
use futures::stream::BoxStream;
use tokio::net::TcpListener;
use tokio::sync::{mpsc, oneshot};
use tokio_stream::wrappers::{TcpListenerStream, UnboundedReceiverStream};
use tonic::codegen::http::uri::PathAndQuery;
use tonic::codegen::{Body, BoxFuture, StdError, http};
use tonic::server::{Grpc, NamedService, StreamingService};
use tonic::transport::Channel;
use tonic::{Status, Streaming};

use super::control::{Controls, Intervention};
use super::journal::Journal;
use super::traffic::{CallEvent, RecordedCall, Traffic, recorded_call};
use crate::messages::message_names;
use cloudstate_protocol::RawCodec;

/// What every relayed call shares.
#[derive(Debug)]
struct Shared {
    upstream: Channel,
    calls: mpsc::UnboundedSender<RecordedCall>,
    controls: Arc<Controls>,
    journal: Journal,
}

/// The interceptor, serving until dropped.
#[derive(Debug)]
pub(crate) struct Interceptor {
    /// Where the proxy must find its user function.
    pub address: std::net::SocketAddr,
    /// What the proxy sent and received.
    pub traffic: Traffic,
    _stop: oneshot::Sender<()>,
}

impl Interceptor {
    /// Serves on `listener`, relaying to `upstream`.
    pub(crate) fn start(listener: TcpListener, upstream: Channel) -> std::io::Result<Interceptor> {
        let address = listener.local_addr()?;
        let (traffic, calls) = Traffic::new();
        let controls = traffic.controls();
        let shared = Arc::new(Shared {
            upstream,
            calls,
            controls,
            journal: traffic.journal().clone(),
        });
        let (stop, stopped) = oneshot::channel::<()>();
        // Small protocol messages must not wait for delayed acknowledgements.
        let incoming = TcpListenerStream::new(listener).inspect(|connection| {
            if let Ok(connection) = connection {
                let _ = connection.set_nodelay(true);
            }
        });
        let server = tonic::transport::Server::builder()
            .add_service(Intercept::<0>(shared.clone()))
            .add_service(Intercept::<1>(shared.clone()))
            .add_service(Intercept::<2>(shared.clone()))
            .add_service(Intercept::<3>(shared.clone()))
            .add_service(Intercept::<4>(shared))
            .serve_with_incoming_shutdown(incoming, async move {
                let _ = stopped.await;
            });
        tokio::spawn(server);
        Ok(Interceptor {
            address,
            traffic,
            _stop: stop,
        })
    }
}

/// One protocol service of the interceptor; `S` picks its name.
#[derive(Debug, Clone)]
struct Intercept<const S: usize>(Arc<Shared>);

impl NamedService for Intercept<0> {
    const NAME: &'static str = "cloudstate.EntityDiscovery";
}
impl NamedService for Intercept<1> {
    const NAME: &'static str = "cloudstate.action.ActionProtocol";
}
impl NamedService for Intercept<2> {
    const NAME: &'static str = "cloudstate.valueentity.ValueEntity";
}
impl NamedService for Intercept<3> {
    const NAME: &'static str = "cloudstate.eventsourced.EventSourced";
}
impl NamedService for Intercept<4> {
    const NAME: &'static str = "cloudstate.crdt.Crdt";
}

impl<const S: usize, B> tonic::codegen::Service<http::Request<B>> for Intercept<S>
where
    B: Body + Send + 'static,
    B::Error: Into<StdError> + Send + 'static,
{
    type Response = http::Response<tonic::body::Body>;
    type Error = Infallible;
    type Future = BoxFuture<Self::Response, Self::Error>;

    fn poll_ready(&mut self, _cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, request: http::Request<B>) -> Self::Future {
        let path = request.uri().path().to_owned();
        let shared = self.0.clone();
        Box::pin(async move {
            if message_names(&path).is_none() {
                return Ok(
                    Status::unimplemented(format!("the interceptor does not relay {path}"))
                        .into_http(),
                );
            }
            let mut grpc = Grpc::new(RawCodec);
            Ok(grpc.streaming(Relay { shared, path }, request).await)
        })
    }
}

/// Relays one call and records it.
struct Relay {
    shared: Arc<Shared>,
    path: String,
}

impl StreamingService<Bytes> for Relay {
    type Response = Bytes;
    type ResponseStream = BoxStream<'static, Result<Bytes, Status>>;
    type Future = BoxFuture<tonic::Response<Self::ResponseStream>, Status>;

    fn call(&mut self, request: tonic::Request<Streaming<Bytes>>) -> Self::Future {
        let shared = self.shared.clone();
        let path = self.path.clone();
        Box::pin(relay(shared, path, request))
    }
}

async fn relay(
    shared: Arc<Shared>,
    path: String,
    request: tonic::Request<Streaming<Bytes>>,
) -> Result<tonic::Response<BoxStream<'static, Result<Bytes, Status>>>, Status> {
    let connection = request
        .remote_addr()
        .map_or(0, |address| u64::from(address.port()));
    let (record, events) = recorded_call(path.clone(), connection, &shared.journal);
    let mut hold = shared.controls.take_hold(&path);
    let _ = shared.calls.send(record);
    let mut incoming = request.into_inner();
    let (to_upstream, upstream_requests) = mpsc::unbounded_channel::<Bytes>();
    let (cancel, cancelled) = oneshot::channel::<()>();

    // The proxy's side: every message on to the user function; a half-close or cancel is recorded and
    // passed on.
    let proxy_events = events.clone();
    tokio::spawn(async move {
        loop {
            match incoming.message().await {
                Ok(Some(message)) => {
                    proxy_events.send(CallEvent::FromProxy(message.clone()));
                    let _ = to_upstream.send(message);
                }
                Ok(None) => {
                    proxy_events.send(CallEvent::ProxyHalfClosed);
                    break;
                }
                Err(_) => {
                    proxy_events.send(CallEvent::ProxyCancelled);
                    let _ = cancel.send(());
                    break;
                }
            }
        }
    });

    let path_and_query = PathAndQuery::from_str(&path)
        .map_err(|error| Status::internal(format!("bad path {path}: {error}")))?;
    let mut client = tonic::client::Grpc::new(shared.upstream.clone());
    client.ready().await.map_err(|error| {
        Status::unavailable(format!("the user function is unreachable: {error}"))
    })?;
    let requests = tonic::Request::new(UnboundedReceiverStream::new(upstream_requests));
    let response = match client.streaming(requests, path_and_query, RawCodec).await {
        Ok(response) => response,
        Err(status) => {
            events.send(CallEvent::Ended(Some(describe(&status))));
            return Err(status);
        }
    };
    let mut upstream = response.into_inner();
    let (to_proxy, responses) = mpsc::unbounded_channel::<Result<Bytes, Status>>();

    // The user function's side: every message back to the proxy, and how the call ended.
    tokio::spawn(async move {
        // Only a real cancellation stops the relay: the sender is also dropped, unused, on a half-close.
        let mut cancelled = Some(cancelled);
        loop {
            let next = match cancelled.as_mut() {
                Some(signal) => tokio::select! {
                    next = upstream.message() => next,
                    fired = signal => match fired {
                        Ok(()) => break,
                        Err(_) => {
                            cancelled = None;
                            continue;
                        }
                    },
                },
                None => upstream.message().await,
            };
            // A case that holds this call's answers decides when the proxy gets the first of them.
            if let Some(held) = hold.take() {
                held.wait().await;
            }
            if matches!(next, Ok(Some(_)))
                && let Some(held) = shared.controls.take_answer_hold(&path)
            {
                held.wait().await;
            }
            match next {
                Ok(Some(message)) => {
                    let message = match shared.controls.intervene(&path, &message) {
                        Intervention::Pass => message,
                        Intervention::Replace(changed) => changed,
                        Intervention::EndWith(status) => {
                            events.send(CallEvent::Ended(Some(describe(&status))));
                            let _ = to_proxy.send(Err(status));
                            break;
                        }
                    };
                    events.send(CallEvent::FromUserFunction(message.clone()));
                    if to_proxy.send(Ok(message)).is_err() {
                        events.send(CallEvent::ProxyCancelled);
                        break;
                    }
                }
                Ok(None) => {
                    events.send(CallEvent::Ended(None));
                    break;
                }
                Err(status) => {
                    events.send(CallEvent::Ended(Some(describe(&status))));
                    let _ = to_proxy.send(Err(status));
                    break;
                }
            }
        }
    });
    Ok(tonic::Response::new(Box::pin(
        UnboundedReceiverStream::new(responses),
    )))
}

fn describe(status: &Status) -> String {
    format!("gRPC status {:?}: {}", status.code(), status.message())
}
