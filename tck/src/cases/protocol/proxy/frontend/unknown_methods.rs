//! gRPC calls that name no announced method: the proxy answers them itself (spec FRONT-003).

use cloudstate_protocol::names::model::{ACTION_TCK_MODEL, VALUE_ENTITY_TCK_MODEL};
use tonic::Code;

use super::support::{NO_CALL_WITHIN, encoded, raw_unary, reply_request};
use crate::case::{CaseFailure, Verdict};
use crate::proxy::ProxyCx;

/// New: calls of a method that the announced `ActionTckModel` does not have, of one that the announced
/// `ValueEntityTckModel` does not have, and of a service that discovery never announced, each with a
/// valid request message. Each must end with `UNIMPLEMENTED`, and the proxy must not call the user
/// function for any of them.
pub(super) async fn unknown_method_is_unimplemented(cx: ProxyCx) -> Verdict {
    let paths = [
        (
            format!("/{ACTION_TCK_MODEL}/ProcessNothing"),
            "a method that the announced action service does not have",
        ),
        (
            format!("/{VALUE_ENTITY_TCK_MODEL}/Erase"),
            "a method that the announced value-entity service does not have",
        ),
        (
            "/cloudstate.tck.model.action.NoSuchService/ProcessUnary".to_owned(),
            "a service that discovery did not announce",
        ),
    ];
    for (path, what) in paths {
        let outcome = raw_unary(&cx, &path, encoded(&reply_request("unknown"))).await?;
        match outcome {
            Err(status) if status.code() == Code::Unimplemented => {}
            Err(status) => {
                return Err(CaseFailure::mismatch(
                    format!("a call of {path}, {what}, did not end with UNIMPLEMENTED"),
                    "gRPC status Unimplemented".to_owned(),
                    format!("gRPC status {:?}: {}", status.code(), status.message()),
                ));
            }
            Ok(reply) => {
                return Err(CaseFailure::mismatch(
                    format!("a call of {path}, {what}, was answered"),
                    "gRPC status Unimplemented".to_owned(),
                    format!("a reply of {} bytes", reply.len()),
                ));
            }
        }
    }
    cx.expect_no_call(NO_CALL_WITHIN).await
}
