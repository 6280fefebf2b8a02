//! Test targets that answer a gRPC service of their choosing with raw bytes: every method, whatever its
//! shape, is served as one bidirectional stream of encoded messages, so a target can send what no
//! generated server would (undecodable bytes, a stream where one message is due, a message too large).

use std::convert::Infallible;
use std::task::{Context, Poll};

use bytes::Bytes;
use cloudstate_protocol::RawCodec;
use futures::stream::BoxStream;
use tonic::codegen::{Body, BoxFuture, StdError, http};
use tonic::server::{Grpc, NamedService, StreamingService};
use tonic::{Status, Streaming};

/// How a raw target answers every call of its service.
pub(crate) trait RawAnswers: Clone + Send + 'static {
    /// The full name of the service it serves.
    const SERVICE: &'static str;

    /// The answer to one call, given the call's requests.
    fn answer(&mut self, requests: Streaming<Bytes>) -> BoxStream<'static, Result<Bytes, Status>>;
}

/// A gRPC service serving `A::SERVICE` with `A`'s raw answers; add it to a tonic server.
#[derive(Clone)]
pub(crate) struct Raw<A>(pub(crate) A);

impl<A: RawAnswers> NamedService for Raw<A> {
    const NAME: &'static str = A::SERVICE;
}

impl<A, B> tonic::codegen::Service<http::Request<B>> for Raw<A>
where
    A: RawAnswers,
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
        let service = self.clone();
        Box::pin(async move { Ok(Grpc::new(RawCodec).streaming(service, request).await) })
    }
}

impl<A: RawAnswers> StreamingService<Bytes> for Raw<A> {
    type Response = Bytes;
    type ResponseStream = BoxStream<'static, Result<Bytes, Status>>;
    type Future = BoxFuture<tonic::Response<Self::ResponseStream>, Status>;

    fn call(&mut self, request: tonic::Request<Streaming<Bytes>>) -> Self::Future {
        let replies = self.0.answer(request.into_inner());
        Box::pin(async move { Ok(tonic::Response::new(replies)) })
    }
}
