//! gRPC for every discovered user service: `/<package.Service>/<Method>` in all four call shapes, with
//! message bytes passed through untouched to [`Router::call_with_metadata`].
//!
//! The proxy never decodes a client's message here: the router's handlers decode what they need (the
//! entity key, for example). The client's request headers go along as the call's metadata, and the
//! metadata of the reply that answers a unary or client-streaming call comes back as response headers
//! (see [`super::metadata`]). Statuses from the router reach the client unchanged; a path that names no
//! discovered method gets `UNIMPLEMENTED`; a request message over [`MAX_MESSAGE`] bytes gets
//! `RESOURCE_EXHAUSTED`, as from other gRPC servers (tonic itself would say `OUT_OF_RANGE`).

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use bytes::Bytes;
use cloudstate_protocol::RawCodec;
use cloudstate_protocol::cloudstate::Metadata;
use futures::StreamExt;
use http::{Request, Response};
use hyper::body::Incoming;
use tokio::time::Instant;
use tonic::body::Body;
use tonic::server::{
    ClientStreamingService, Grpc, ServerStreamingService, StreamingService, UnaryService,
};
use tonic::{Status, Streaming};

use super::connections::ConnectionLimits;
use super::deadline::{self, StallingBody};
use super::metadata;
use crate::deviation;
use crate::dispatch::{MessageStream, ReplyMetadata, Router};

/// The largest request message accepted: gRPC's default limit.
pub(crate) const MAX_MESSAGE: usize = 4 * 1024 * 1024;

/// The largest request message this proxy accepts (smaller with the fault `size-limit-decimal`).
fn max_message() -> usize {
    deviation::frontend::max_request_message(MAX_MESSAGE)
}

/// The status that ends a call of no announced method (`NOT_FOUND` with the fault
/// `unknown-method-not-found`).
fn unknown_method(status: Status) -> Status {
    deviation::frontend::unknown_method(status)
}

/// Serves one gRPC call to a user service, within the call's deadline (see [`super::deadline`]); the
/// single request message of a unary or server-streaming call must not stall for longer than the body
/// read timeout.
pub(super) async fn handle(
    router: Arc<Router>,
    request: Request<Incoming>,
    limits: &ConnectionLimits,
) -> Response<Body> {
    let Some((service, method)) = split_path(request.uri().path()) else {
        let path = request.uri().path().to_owned();
        return unknown_method(Status::unimplemented(format!("unknown method {path}"))).into_http();
    };
    let route = match router.spec().route(service, method) {
        Ok((_, spec)) => spec,
        Err(status) => return unknown_method(status).into_http(),
    };
    let shape = (
        route.descriptor.is_client_streaming(),
        route.descriptor.is_server_streaming(),
    );
    let call = RawCall {
        router,
        service: service.to_owned(),
        method: method.to_owned(),
        metadata: metadata::from_request_headers(request.headers()),
        deadline: deadline::deadline(
            request.headers(),
            shape == (false, false),
            limits.request_timeout,
        ),
    };
    let limit = max_message();
    let mut grpc = Grpc::new(RawCodec).max_decoding_message_size(limit);
    let stalling = |request: Request<Incoming>| {
        request.map(|body| StallingBody::new(body, limits.body_read_timeout))
    };
    let answer = async {
        match shape {
            (false, false) => grpc.unary(call, stalling(request)).await,
            (false, true) => grpc.server_streaming(call, stalling(request)).await,
            (true, false) => grpc.client_streaming(call, request).await,
            (true, true) => grpc.streaming(call, request).await,
        }
    };
    let (mut response, reply_metadata) = ReplyMetadata::collect(answer).await;
    let status = Status::from_header_map(response.headers());
    // A request body that stalled: the client is too slow, or gone.
    if status
        .as_ref()
        .is_some_and(|status| status.message().contains(STALLED))
    {
        return Status::cancelled(format!(
            "the request message did not arrive: the body stalled for longer than {} ms",
            limits.body_read_timeout.as_millis()
        ))
        .into_http();
    }
    // A single request message over the limit is refused before any reply: the status is in the
    // headers of a trailers-only response.
    let too_large = status.as_ref().is_some_and(|status| {
        status.code() == tonic::Code::OutOfRange && is_too_large(status.message())
    });
    if too_large
        && let Some(status) = deviation::frontend::oversized_message(Status::resource_exhausted(
            format!("the request message is larger than {limit} bytes"),
        ))
    {
        return status.into_http();
    }
    if let (None, Some(reply_metadata)) = (status, reply_metadata) {
        metadata::add_reply_headers(response.headers_mut(), reply_metadata);
    }
    response
}

/// What the status of a stalled request body says (see [`deadline::Stalled`]).
const STALLED: &str = "the request body stalled";

/// Whether a status message is tonic's for a message over the decoding limit.
fn is_too_large(message: &str) -> bool {
    message.contains("message length too large")
}

/// A streamed request message over the limit ends the call with `RESOURCE_EXHAUSTED`.
fn limited(requests: Streaming<Bytes>) -> MessageStream {
    Box::pin(requests.map(|request| {
        request.map_err(|status| {
            let too_large =
                status.code() == tonic::Code::OutOfRange && is_too_large(status.message());
            let exhausted = || {
                Status::resource_exhausted(format!(
                    "a request message is larger than {} bytes",
                    max_message()
                ))
            };
            match too_large {
                true => deviation::frontend::oversized_message(exhausted()).unwrap_or(status),
                false => status,
            }
        })
    }))
}

/// `/<package.Service>/<Method>` → (`package.Service`, `Method`).
fn split_path(path: &str) -> Option<(&str, &str)> {
    let (service, method) = path.strip_prefix('/')?.split_once('/')?;
    (!service.is_empty() && !method.is_empty() && !method.contains('/'))
        .then_some((service, method))
}

/// The first message of a call's output, for methods that answer exactly once.
pub(super) async fn single_reply(mut replies: MessageStream) -> Result<Bytes, Status> {
    match replies.next().await {
        Some(reply) => reply,
        None => Err(Status::internal("the call ended without a reply")),
    }
}

type BoxFuture<T> =
    Pin<Box<dyn Future<Output = Result<tonic::Response<T>, Status>> + Send + 'static>>;

/// One call to a user method, for each of tonic's four service shapes.
#[derive(Clone)]
struct RawCall {
    router: Arc<Router>,
    service: String,
    method: String,
    /// The client's request headers, for the user function.
    metadata: Option<Metadata>,
    /// When the call ends with `DEADLINE_EXCEEDED`, if it has a deadline.
    deadline: Option<Instant>,
}

impl RawCall {
    fn dispatch(
        &self,
        requests: MessageStream,
    ) -> impl Future<Output = Result<MessageStream, Status>> + Send + 'static {
        let RawCall {
            router,
            service,
            method,
            metadata,
            deadline,
        } = self.clone();
        async move {
            let call = router.call_with_metadata(&service, &method, requests, metadata);
            let replies = match deadline {
                Some(at) => tokio::time::timeout_at(at, call)
                    .await
                    .unwrap_or_else(|_| Err(deadline::exceeded()))?,
                None => call.await?,
            };
            Ok(deadline::until(replies, deadline))
        }
    }
}

fn once(message: Bytes) -> MessageStream {
    Box::pin(futures::stream::once(async move { Ok(message) }))
}

impl UnaryService<Bytes> for RawCall {
    type Response = Bytes;
    type Future = BoxFuture<Bytes>;

    fn call(&mut self, request: tonic::Request<Bytes>) -> Self::Future {
        let replies = self.dispatch(once(request.into_inner()));
        Box::pin(async move { single_reply(replies.await?).await.map(tonic::Response::new) })
    }
}

impl ServerStreamingService<Bytes> for RawCall {
    type Response = Bytes;
    type ResponseStream = MessageStream;
    type Future = BoxFuture<MessageStream>;

    fn call(&mut self, request: tonic::Request<Bytes>) -> Self::Future {
        let replies = self.dispatch(once(request.into_inner()));
        Box::pin(async move { replies.await.map(tonic::Response::new) })
    }
}

impl ClientStreamingService<Bytes> for RawCall {
    type Response = Bytes;
    type Future = BoxFuture<Bytes>;

    fn call(&mut self, request: tonic::Request<Streaming<Bytes>>) -> Self::Future {
        let replies = self.dispatch(limited(request.into_inner()));
        Box::pin(async move { single_reply(replies.await?).await.map(tonic::Response::new) })
    }
}

impl StreamingService<Bytes> for RawCall {
    type Response = Bytes;
    type ResponseStream = MessageStream;
    type Future = BoxFuture<MessageStream>;

    fn call(&mut self, request: tonic::Request<Streaming<Bytes>>) -> Self::Future {
        let replies = self.dispatch(limited(request.into_inner()));
        Box::pin(async move { replies.await.map(tonic::Response::new) })
    }
}

#[cfg(test)]
mod tests {
    use super::split_path;

    #[test]
    fn paths_split_into_service_and_method() {
        assert_eq!(split_path("/a.B/C"), Some(("a.B", "C")));
        assert_eq!(split_path("/a.B/C/D"), None);
        assert_eq!(split_path("/a.B/"), None);
        assert_eq!(split_path("//C"), None);
        assert_eq!(split_path("a.B/C"), None);
    }
}
