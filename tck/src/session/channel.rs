//! The channel the TCK calls the user function on, and what the target really sent on each call.
//!
//! tonic reports the TCK's own troubles as gRPC statuses too: a connection that drops, a message over
//! the decoding limit, a response that is not gRPC at all. A case that expects the target to fail a call
//! must not take one of those for the target's answer. So every call carries a [`SentStatus`], and the
//! channel records in it the `grpc-status` that actually came over the wire, in the response headers
//! (a trailers-only response) or in the trailers. A status the target did not send is the TCK's: the
//! case is an error, never a pass and never a failure of the target.

use std::pin::Pin;
use std::sync::{Arc, OnceLock};
use std::task::{Context, Poll};

use bytes::Bytes;
use http_body::{Body as HttpBody, Frame, SizeHint};
use tonic::body::Body;
use tonic::codegen::{BoxFuture, Service, http};
use tonic::transport::Channel;
use tonic::{Code, Status};

use crate::case::CaseFailure;

tokio::task_local! {
    /// Where the calls made within [`SentStatus::scope`] record their status, for clients that cannot
    /// attach a [`SentStatus`] to their request.
    static CALL_STATUS: SentStatus;
}

/// The `grpc-status` the target sent on one call, once it has.
#[derive(Debug, Clone, Default)]
pub(crate) struct SentStatus(Arc<OnceLock<Code>>);

impl SentStatus {
    /// Where the status of a new call will be recorded.
    pub(crate) fn new() -> Self {
        SentStatus::default()
    }

    /// Whether the target itself ended the call with `status` (its code came over the wire), rather than
    /// the TCK's client making it up.
    pub(crate) fn came_from_target(&self, status: &Status) -> bool {
        self.0.get() == Some(&status.code())
    }

    fn record(&self, headers: &http::HeaderMap) {
        let code = headers
            .get("grpc-status")
            .and_then(|value| value.to_str().ok())
            .and_then(|value| value.trim().parse::<i32>().ok());
        if let Some(code) = code {
            let _ = self.0.set(Code::from_i32(code));
        }
    }

    /// Runs `call`, recording in this record the status of every call it makes on a [`TargetChannel`].
    pub(crate) async fn scope<F: std::future::Future>(&self, call: F) -> F::Output {
        CALL_STATUS.scope(self.clone(), call).await
    }

    /// A request carrying this record, for the channel to fill in.
    pub(crate) fn attach<T>(&self, message: T) -> tonic::Request<T> {
        let mut request = tonic::Request::new(message);
        request.extensions_mut().insert(self.clone());
        request
    }
}

/// tonic's channel, recording the status each call's target sent into the call's [`SentStatus`] (the
/// one its request carries, or else the one of the [`SentStatus::scope`] it runs in).
#[derive(Debug, Clone)]
pub(crate) struct TargetChannel(Channel);

impl TargetChannel {
    /// Wraps `channel`.
    pub(crate) fn new(channel: Channel) -> Self {
        TargetChannel(channel)
    }
}

impl Service<http::Request<Body>> for TargetChannel {
    type Response = http::Response<RecordingBody>;
    type Error = <Channel as Service<http::Request<Body>>>::Error;
    type Future = BoxFuture<Self::Response, Self::Error>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.0.poll_ready(cx)
    }

    fn call(&mut self, request: http::Request<Body>) -> Self::Future {
        let sent = request
            .extensions()
            .get::<SentStatus>()
            .cloned()
            .or_else(|| CALL_STATUS.try_with(SentStatus::clone).ok());
        let response = self.0.call(request);
        Box::pin(async move {
            let response = response.await?;
            if let Some(sent) = &sent {
                sent.record(response.headers());
            }
            Ok(response.map(|inner| RecordingBody { inner, sent }))
        })
    }
}

/// A response body that records the `grpc-status` of its trailers.
#[derive(Debug)]
pub(crate) struct RecordingBody {
    inner: Body,
    sent: Option<SentStatus>,
}

impl HttpBody for RecordingBody {
    type Data = Bytes;
    type Error = Status;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Status>>> {
        let polled = Pin::new(&mut self.inner).poll_frame(cx);
        if let (Poll::Ready(Some(Ok(frame))), Some(sent)) = (&polled, &self.sent)
            && let Some(trailers) = frame.trailers_ref()
        {
            sent.record(trailers);
        }
        polled
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}

/// What a status the target did not send means for the case. A message that does not decode is the
/// target's failure (it sent malformed bytes); a message over the TCK's size limit or a call that broke
/// off without any status is the TCK's trouble, an error of the run.
pub(crate) fn not_sent_by_target(status: &Status) -> CaseFailure {
    let message = status.message();
    if message.contains("message length too large") {
        CaseFailure::error(format!(
            "the TCK could not read the target's answer, a message over its 64 MiB limit ({message})"
        ))
    } else if message.contains("decode") {
        CaseFailure::fail(format!(
            "the target sent a message that does not decode ({message})"
        ))
    } else {
        CaseFailure::error(format!(
            "the call broke off without a gRPC status from the target (the TCK's client reports {:?}: \
             {message}): the connection dropped, or the answer was not gRPC",
            status.code()
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::case::FailureKind;

    #[test]
    fn only_a_status_that_came_over_the_wire_is_the_targets() {
        let sent = SentStatus::new();
        let unknown = Status::unknown("failed");
        assert!(!sent.came_from_target(&unknown), "nothing came yet");
        let mut headers = http::HeaderMap::new();
        headers.insert("grpc-status", http::HeaderValue::from_static("2"));
        sent.record(&headers);
        assert!(sent.came_from_target(&unknown));
        assert!(!sent.came_from_target(&Status::out_of_range("message length too large")));
    }

    #[test]
    fn the_tcks_own_troubles_are_told_apart() {
        let large = Status::out_of_range("decoded message length too large: found 52428805 bytes");
        let large = not_sent_by_target(&large);
        assert!(
            large.kind == FailureKind::Error && large.message.contains("over its 64 MiB limit")
        );
        let dropped = not_sent_by_target(&Status::unknown("transport error"));
        assert!(
            dropped.kind == FailureKind::Error && dropped.message.contains("without a gRPC status")
        );
        let garbage = not_sent_by_target(&Status::internal("failed to decode Protobuf message"));
        assert_eq!(
            garbage.kind,
            FailureKind::Fail,
            "malformed bytes are the target's failure"
        );
    }
}
