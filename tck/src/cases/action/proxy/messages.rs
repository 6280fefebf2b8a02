//! The action model's messages as the side-effect and forward-chain cases send and expect them, and the
//! checks of one `handleUnary` call. The messages are those of the action cases; commands and responses
//! are compared with their metadata removed, as in the other action cases: metadata is not what these
//! cases are about.

use bytes::Bytes;
use cloudstate_protocol::cloudstate::action::{ActionCommand, ActionResponse};
use cloudstate_protocol::cloudstate::tck::model::action::Request;
use prost::Message as _;

use crate::case::{CaseFailure, Verdict};
use crate::messages::action::{REQUEST, without_metadata_command, without_metadata_response};
pub(crate) use crate::messages::action::{
    effect_of as effect_step, effect_to, failed, forward as forward_step, forwarded, process_unary,
    replied, reply as reply_step, response, single as steps, two_call,
};
use crate::proxy::{CallProbe, ProxyCx};
use crate::wire::{WireMessage as _, render_compact};

/// The protocol method of unary action calls.
pub(crate) const HANDLE_UNARY: &str = "/cloudstate.action.ActionProtocol/handleUnary";

/// How a `ProcessUnary` request shows in the trace and in failure reports.
pub(crate) fn describe(request: &Request) -> String {
    format!(
        "ActionTckModel.ProcessUnary {}",
        render_compact(REQUEST, &request.encode_to_vec())
    )
}

/// A rule for the interceptor: the first answer equal to `from` (metadata aside) becomes `to`.
pub(crate) fn replace(
    from: ActionResponse,
    to: ActionResponse,
) -> impl FnMut(&Bytes) -> Option<Bytes> + Send + 'static {
    move |message| {
        let seen = ActionResponse::decode(message.clone()).ok()?;
        (without_metadata_response(seen) == from).then(|| Bytes::from(to.encode_to_vec()))
    }
}

/// Expects the proxy's command on a `handleUnary` call to be `expected` (metadata aside), then its
/// half-close.
pub(crate) async fn expect_command(call: &mut CallProbe, expected: ActionCommand) -> Verdict {
    let sent = without_metadata_command(call.recv_from_proxy().await?);
    if sent != expected {
        return Err(CaseFailure::mismatch(
            format!(
                "the proxy's command on the {} call differs from the one expected",
                call.path()
            ),
            expected.pretty(),
            sent.pretty(),
        ));
    }
    call.expect_proxy_half_close().await
}

/// Expects the user function's answer on a `handleUnary` call to be `expected` (metadata aside), then
/// the end of the call.
pub(crate) async fn expect_answer(call: &mut CallProbe, expected: ActionResponse) -> Verdict {
    let answered = without_metadata_response(call.recv_from_user_function().await?);
    if answered != expected {
        return Err(CaseFailure::mismatch(
            format!(
                "the user function's answer on the {} call differs from the one expected",
                call.path()
            ),
            expected.pretty(),
            answered.pretty(),
        ));
    }
    call.expect_end().await
}

/// Expects the next call the proxy makes to be a `handleUnary` call with `command` and `answer`.
pub(crate) async fn expect_unary(
    cx: &ProxyCx,
    command: ActionCommand,
    answer: ActionResponse,
) -> Verdict {
    let mut call = cx.expect_call(HANDLE_UNARY).await?;
    expect_command(&mut call, command).await?;
    expect_answer(&mut call, answer).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_replacement_fires_only_on_its_answer() {
        let mut rule = replace(replied("", Vec::new()), forwarded("b", Vec::new()));
        let other = Bytes::from(forwarded("a", Vec::new()).encode_to_vec());
        assert_eq!(rule(&other), None);
        let matching = Bytes::from(replied("", Vec::new()).encode_to_vec());
        let changed =
            rule(&matching).map(|bytes| ActionResponse::decode(bytes).unwrap_or_default());
        assert_eq!(changed, Some(forwarded("b", Vec::new())));
    }

    #[test]
    fn a_unary_command_carries_the_whole_request() {
        let request = steps(vec![reply_step("x"), effect_step("a", true)]);
        let command = process_unary(&request);
        assert_eq!(command.name, "ProcessUnary");
        assert!(command.metadata.is_none() && command.payload.is_some());
    }
}
