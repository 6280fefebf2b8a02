//! An action case in which the TCK, as the user function's stand-in, does what the model never does: it
//! changes a forward's target to a service that discovery did not announce. The proxy must fail the
//! client's call and tell the user function with `reportError`.

use bytes::Bytes;
use cloudstate_protocol::cloudstate::UserFunctionError;
use cloudstate_protocol::cloudstate::action::{ActionResponse, action_response};
use cloudstate_protocol::cloudstate::tck::model::action::action_tck_model_client::ActionTckModelClient;
use prost::Message as _;

use super::probe::ActionCall;
use crate::case::{CaseFailure, Verdict};
use crate::messages::action::{UNKNOWN_SERVICE, forward, forwarded, process_unary, single};
use crate::proxy::ProxyCx;

/// The protocol method of unary action calls.
const HANDLE_UNARY: &str = "/cloudstate.action.ActionProtocol/handleUnary";
/// The discovery method by which a proxy reports errors to the user function.
const REPORT_ERROR: &str = "/cloudstate.EntityDiscovery/reportError";

/// The action response `message` with its forward sent to [`UNKNOWN_SERVICE`], if it is a forward.
fn misdirect(message: &Bytes) -> Option<Bytes> {
    let mut response = ActionResponse::decode(message.clone()).ok()?;
    let Some(action_response::Response::Forward(forward)) = response.response.as_mut() else {
        return None;
    };
    forward.service_name = UNKNOWN_SERVICE.to_owned();
    Some(Bytes::from(response.encode_to_vec()))
}

/// `forwarded(id, [])` as the TCK changes it: sent to [`UNKNOWN_SERVICE`].
fn misdirected(id: &str) -> ActionResponse {
    let mut response = forwarded(id, vec![]);
    if let Some(action_response::Response::Forward(forward)) = response.response.as_mut() {
        forward.service_name = UNKNOWN_SERVICE.to_owned();
    }
    response
}

/// New: the model answers `ProcessUnary [forward other]` with a forward to `ActionTwo.Call`, which the
/// TCK changes into a forward to a service discovery never announced. The client must get an error, and
/// the proxy must call `reportError` on the user function with a message that names the problem.
pub(super) async fn forward_to_an_unknown_method_is_reported(cx: ProxyCx) -> Verdict {
    cx.intercept()
        .rewrite_next_from_user_function(HANDLE_UNARY, misdirect);
    let mut client = ActionTckModelClient::new(cx.channel());
    let steps = single([forward("other")]);
    let what =
        format!("ProcessUnary [forward other], its forward sent to {UNKNOWN_SERVICE} by the TCK");
    if let Ok(response) = cx
        .client(&what, client.process_unary(steps.clone()))
        .await?
    {
        return Err(CaseFailure::fail(format!(
            "{what}: the client got {response:?}, but the forward's target does not exist"
        )));
    }
    let mut call = ActionCall::expect(&cx, "handleUnary").await?;
    call.expect_command(process_unary(&steps)).await?;
    call.expect_half_close().await?;
    call.expect_response(misdirected("other")).await?;
    call.expect_end().await?;

    let mut report = cx.expect_call(REPORT_ERROR).await?;
    let error: UserFunctionError = report.recv_from_proxy().await?;
    if error.message.trim().is_empty() {
        return Err(CaseFailure::fail(
            "the proxy called reportError with an empty message",
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::messages::action::replied;

    #[test]
    fn only_forwards_are_misdirected() {
        let changed = misdirect(&Bytes::from(forwarded("x", vec![]).encode_to_vec()))
            .map(|bytes| ActionResponse::decode(bytes).unwrap_or_default());
        assert_eq!(changed, Some(misdirected("x")));
        assert_eq!(
            misdirect(&Bytes::from(replied("", Vec::new()).encode_to_vec())),
            None
        );
    }

    #[test]
    fn a_misdirected_forward_keeps_its_method_and_payload() {
        let (Some(action_response::Response::Forward(original)), Some(changed)) =
            (forwarded("x", vec![]).response, misdirected("x").response)
        else {
            panic!("not forwards");
        };
        let action_response::Response::Forward(changed) = changed else {
            panic!("not a forward");
        };
        assert_eq!(changed.service_name, UNKNOWN_SERVICE);
        assert_ne!(original.service_name, changed.service_name);
        assert_eq!(
            (original.command_name, original.payload),
            (changed.command_name, changed.payload)
        );
    }
}
