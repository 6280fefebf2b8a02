//! Request messages around gRPC's default limit of 4 MiB: one just under it goes through intact, one
//! over it is refused by the proxy itself with `RESOURCE_EXHAUSTED` (spec FRONT-020, FRONT-021).
//!
//! The messages are `ActionTckModel.ProcessUnary` requests whose one step asks the model to reply with
//! a long text, so the reply carries the request's text back. Their protocol messages are not written to
//! the trace: the trace names their sizes.

use cloudstate_protocol::cloudstate::tck::model::action::Request;
use cloudstate_protocol::cloudstate::tck::model::action::action_tck_model_client::ActionTckModelClient;
use cloudstate_protocol::cloudstate::tck::model::action::process_step::Step;
use prost::Message as _;
use tonic::Code;

use super::support::{HANDLE_UNARY, NO_CALL_WITHIN, call_keeping_headers, reply_request};
use crate::case::{CaseFailure, Verdict};
use crate::proxy::{CallProbe, ProxyCx};

/// The largest request message a proxy must accept: 4 MiB less 8 KiB.
const LARGEST_ACCEPTED: usize = 4 * 1024 * 1024 - 8 * 1024;
/// gRPC's default limit: a request message over it must be refused.
const LIMIT: usize = 4 * 1024 * 1024;

/// A request asking for a reply with a text of `x`s, whose encoding is exactly `size` bytes long.
fn request_of_size(size: usize) -> Request {
    let mut length = size;
    let mut request = reply_request(&"x".repeat(length));
    // The length prefixes grow with the text: a few rounds settle on the exact size.
    for _ in 0..8 {
        let encoded = request.encoded_len();
        if encoded == size {
            break;
        }
        length = (length + size).saturating_sub(encoded);
        request = reply_request(&"x".repeat(length));
    }
    request
}

/// New: a `ProcessUnary` request message of 4,186,112 bytes (4 MiB less 8 KiB). The client must get the
/// model's reply with the same text, so the request reached the user function unchanged, through one
/// `handleUnary` call.
pub(super) async fn request_under_the_size_limit_is_delivered(cx: ProxyCx) -> Verdict {
    let request = request_of_size(LARGEST_ACCEPTED);
    let message = reply_text(&request);
    let what = format!(
        "ActionTckModel.ProcessUnary [reply <{} x's>], a request message of {} bytes",
        message.len(),
        request.encoded_len()
    );
    let mut client = ActionTckModelClient::new(cx.channel());
    let call = client.process_unary(request);
    let outcome = call_keeping_headers(&cx, &what, call, |reply| {
        format!("Response {{ message: <{} bytes> }}", reply.message.len())
    })
    .await?;
    match outcome {
        Ok((_, reply)) if reply.message == message => {}
        Ok((_, reply)) => {
            return Err(CaseFailure::mismatch(
                format!("{what}: the reply does not carry the request's text"),
                format!("a message of {} x's", message.len()),
                format!("a message of {} bytes", reply.message.len()),
            ));
        }
        Err(status) => {
            return Err(CaseFailure::mismatch(
                format!("{what} was refused, though it is within 4 MiB less 8 KiB"),
                format!("a message of {} x's", message.len()),
                format!("gRPC status {:?}: {}", status.code(), status.message()),
            ));
        }
    }
    // The call's messages are left out of the trace: a probe that is waived unread traces nothing.
    cx.expect_call(HANDLE_UNARY).await.map(CallProbe::waive)
}

/// The text of the one reply step of `request`.
fn reply_text(request: &Request) -> String {
    request
        .groups
        .iter()
        .flat_map(|group| &group.steps)
        .find_map(|step| match &step.step {
            Some(Step::Reply(reply)) => Some(reply.message.clone()),
            _ => None,
        })
        .unwrap_or_default()
}

/// New: a `ProcessUnary` request message of 4 MiB and one byte. The call must end with
/// `RESOURCE_EXHAUSTED`, and the proxy must not call the user function.
pub(super) async fn request_over_the_size_limit_is_refused(cx: ProxyCx) -> Verdict {
    let request = request_of_size(LIMIT + 1);
    let what = format!(
        "ActionTckModel.ProcessUnary [reply <{} x's>], a request message of {} bytes",
        reply_text(&request).len(),
        request.encoded_len()
    );
    let mut client = ActionTckModelClient::new(cx.channel());
    let call = client.process_unary(request);
    let outcome = call_keeping_headers(&cx, &what, call, |reply| {
        format!("Response {{ message: <{} bytes> }}", reply.message.len())
    })
    .await?;
    match outcome {
        Err(status) if status.code() == Code::ResourceExhausted => {}
        Err(status) => {
            return Err(CaseFailure::mismatch(
                format!("{what} was not refused with RESOURCE_EXHAUSTED"),
                "gRPC status ResourceExhausted".to_owned(),
                format!("gRPC status {:?}: {}", status.code(), status.message()),
            ));
        }
        Ok((_, reply)) => {
            return Err(CaseFailure::mismatch(
                format!("{what} was answered, though it is over 4 MiB"),
                "gRPC status ResourceExhausted".to_owned(),
                format!("a reply of {} bytes", reply.message.len()),
            ));
        }
    }
    cx.expect_no_call(NO_CALL_WITHIN).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requests_have_the_exact_size() {
        for size in [LARGEST_ACCEPTED, LIMIT + 1, 200, 128] {
            assert_eq!(request_of_size(size).encoded_len(), size, "{size}");
        }
    }
}
