//! Transport habits: the timing choices that gRPC leaves to a server, as the common gRPC stacks make
//! them, so that a proxy can be tried against each.
//!
//! gRPC lets a server send a call's response headers whenever it likes before its first message, and
//! lets it end a call that never sent a message with a *trailers-only* response (one HEADERS frame that
//! carries `grpc-status`). tonic sends the headers as soon as a handler accepts a call; grpc-go, grpc-js,
//! grpc-java and Python's grpcio send them only together with the first message, and end a call that
//! failed before any message with a trailers-only response. A proxy that waits for the headers of an
//! entity stream before it sends the first command works with the first kind and hangs with the second:
//! those servers send nothing before a command arrives.

use std::convert::Infallible;
use std::fmt;
use std::task::{Context, Poll};

use futures::StreamExt as _;
use http_body_util::{BodyExt as _, BodyStream, StreamBody};
use tonic::body::Body;
use tonic::codegen::{BoxFuture, Service, http};

/// When the model sends a call's response headers.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq, Hash, clap::ValueEnum)]
pub enum Headers {
    /// At once, when the call is accepted; errors after them in trailers (tonic's habit).
    #[default]
    Eager,
    /// Only with the first message; a call that ends before one gets a trailers-only response (the
    /// habit of grpc-go, grpc-js, grpc-java and Python's grpcio).
    Late,
}

impl Headers {
    /// Every habit, in the order `--help` lists them.
    pub const ALL: [Headers; 2] = [Headers::Eager, Headers::Late];

    /// The name on the command line.
    pub fn name(self) -> &'static str {
        match self {
            Headers::Eager => "eager",
            Headers::Late => "late",
        }
    }

    /// What the habit does, in one line.
    pub fn description(self) -> &'static str {
        match self {
            Headers::Eager => {
                "response headers as soon as a call is accepted, errors after them in trailers (tonic)"
            }
            Headers::Late => {
                "response headers only with the first message; a call that ends before one is a \
                 trailers-only response (grpc-go, grpc-js, grpc-java, grpcio)"
            }
        }
    }
}

impl fmt::Display for Headers {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The model's router service with [`Headers::Late`]: every response is held back until its body's
/// first frame is known.
#[derive(Debug, Clone)]
pub(crate) struct LateHeaders<S> {
    inner: S,
}

impl<S> LateHeaders<S> {
    pub(crate) fn new(inner: S) -> Self {
        Self { inner }
    }
}

impl<S, B> Service<http::Request<B>> for LateHeaders<S>
where
    S: Service<http::Request<B>, Response = http::Response<Body>, Error = Infallible>,
    S::Future: Send + 'static,
{
    type Response = http::Response<Body>;
    type Error = Infallible;
    type Future = BoxFuture<Self::Response, Self::Error>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: http::Request<B>) -> Self::Future {
        let response = self.inner.call(request);
        Box::pin(async move {
            let response = response.await?;
            Ok(with_late_headers(response).await)
        })
    }
}

/// `response` once its first body frame is there: a first message goes out together with the headers;
/// trailers before any message become a trailers-only response.
async fn with_late_headers(response: http::Response<Body>) -> http::Response<Body> {
    let (mut parts, mut body) = response.into_parts();
    let first = match body.frame().await {
        None => return http::Response::from_parts(parts, Body::empty()),
        Some(first) => first,
    };
    match first {
        Ok(frame) if frame.is_trailers() => {
            if let Ok(trailers) = frame.into_trailers() {
                parts.headers.extend(trailers);
            }
            http::Response::from_parts(parts, Body::empty())
        }
        first => {
            let rest = BodyStream::new(body);
            let frames = futures::stream::once(async move { first }).chain(rest);
            http::Response::from_parts(parts, Body::new(StreamBody::new(frames)))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use bytes::Bytes;
    use http_body::Frame;

    #[test]
    fn habits_are_named_as_on_the_command_line() {
        use clap::ValueEnum as _;
        for habit in Headers::ALL {
            assert_eq!(Headers::from_str(habit.name(), false), Ok(habit));
        }
        assert!(Headers::from_str("lazy", false).is_err());
        assert_eq!(Headers::default(), Headers::Eager);
    }

    #[tokio::test]
    async fn trailers_before_any_message_become_a_trailers_only_response() {
        let status = tonic::Status::not_found("no such entity");
        let (parts, _) = status.into_http::<Body>().into_parts();
        let mut trailers = http::HeaderMap::new();
        trailers.insert("grpc-status", http::HeaderValue::from_static("5"));
        let frames = futures::stream::iter([Ok::<_, tonic::Status>(Frame::trailers(trailers))]);
        let response = http::Response::from_parts(parts, Body::new(StreamBody::new(frames)));
        let late = with_late_headers(response).await;
        assert_eq!(
            late.headers().get("grpc-status"),
            Some(&http::HeaderValue::from_static("5"))
        );
        let mut body = late.into_body();
        assert!(
            body.frame().await.is_none(),
            "a trailers-only body is empty"
        );
    }

    #[tokio::test]
    async fn a_first_message_goes_out_with_the_headers_and_the_rest_follows() {
        let frames = futures::stream::iter([
            Ok::<_, tonic::Status>(Frame::data(Bytes::from_static(b"one"))),
            Ok(Frame::data(Bytes::from_static(b"two"))),
        ]);
        let response = http::Response::new(Body::new(StreamBody::new(frames)));
        let late = with_late_headers(response).await;
        let collected = late.into_body().collect().await.map(|c| c.to_bytes());
        assert_eq!(collected.ok(), Some(Bytes::from_static(b"onetwo")));
    }
}
