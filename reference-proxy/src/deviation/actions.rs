//! What a call of an action carries to the user function, and what becomes of its failures and of a
//! client that goes away.
//!
//! Faults applied here: `action-payload-short-type-url`, `duplex-failure-keeps-stream`,
//! `abandoned-action-call-kept`, `no-relay-timeout` (for unary calls), `action-stream-error-as-end`
//! and `streamed-header-without-metadata`.

use std::future::Future;
use std::time::Duration;

use cloudstate_protocol::cloudstate::Metadata;
use prost_reflect::MessageDescriptor;
use tonic::Status;

use super::entity_stream::relay_timeout;
use crate::fault::{self, Fault};

/// The message name a command payload's type URL ends with: the input message's full name.
pub(crate) fn payload_type_name(input: &MessageDescriptor) -> &str {
    if fault::active(Fault::ActionPayloadShortTypeUrl) {
        input.name()
    } else {
        input.full_name()
    }
}

/// Whether a failure in an action's output ends the client's stream: always, bidirectional or not.
pub(crate) fn failure_ends_stream(bidirectional: bool) -> bool {
    !(bidirectional && fault::active(Fault::DuplexFailureKeepsStream))
}

/// The metadata of the header command that opens a client-streaming or bidirectional action call: the
/// client's request headers.
pub(crate) fn header_metadata(metadata: Option<Metadata>) -> Option<Metadata> {
    metadata.filter(|_| !fault::active(Fault::StreamedHeaderWithoutMetadata))
}

/// Whether the error status that ends a streamed action's protocol call is passed to the client: always.
/// Under `action-stream-error-as-end` it is taken for the normal end of the user function's answers.
pub(crate) fn stream_error_reaches_client() -> bool {
    !fault::active(Fault::ActionStreamErrorAsEnd)
}

/// How a unary action call ended.
#[derive(Debug)]
pub(crate) enum UnaryCall<T> {
    /// The user function answered (or the call failed).
    Done(Result<T, Status>),
    /// No answer came within the relay timeout.
    TimedOut,
}

/// Runs the protocol call of a unary action call, within the relay timeout. The protocol call belongs to
/// the client's call: dropping the returned future (the client went away) cancels it.
pub(crate) async fn unary_call<T: Send + 'static>(
    call: impl Future<Output = Result<T, Status>> + Send + 'static,
    configured_timeout: Duration,
) -> UnaryCall<T> {
    if fault::active(Fault::AbandonedActionCallKept) {
        // Detached: dropping this call no longer cancels the protocol call.
        let detached = tokio::spawn(call)
            .await
            .map_err(|error| Status::internal(format!("the protocol call failed: {error}")));
        return UnaryCall::Done(detached.and_then(|result| result));
    }
    match tokio::time::timeout(relay_timeout(configured_timeout), call).await {
        Ok(result) => UnaryCall::Done(result),
        Err(_) => UnaryCall::TimedOut,
    }
}
