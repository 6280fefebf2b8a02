//! Unexpected action calls: a service or a method the user function does not serve, a payload that does
//! not decode, and a payload of another type. The user function fails the call, with a failure outcome or
//! an error status (MAL-013).

use cloudstate_protocol::cloudstate::action::{ActionCommand, action_response};
use cloudstate_protocol::names::model::ACTION_TCK_MODEL;

use crate::case::{Case, sdk_case};
use crate::case::{CaseFailure, Verdict};
use crate::messages::action::{PROCESS_UNARY, REQUEST, RESPONSE, UNKNOWN_SERVICE, reply, single};
use crate::messages::pack;
use crate::sdk::Next;
use crate::sdk::SdkCx;
use crate::wire::WireMessage as _;

/// The cases of this file, in run order.
pub(super) const CASES: &[Case] = &[
    sdk_case! {
        id: "protocol.sdk.action_unknown_command",
        summary: "a unary action call of a method the service does not have fails, with a failure outcome or an error status",
        requirements: ["MAL-013"],
        services: &[ACTION_TCK_MODEL],
        run: unknown_command,
    },
    sdk_case! {
        id: "protocol.sdk.action_unknown_service",
        summary: "a unary action call of a service nobody serves fails, with a failure outcome or an error status",
        requirements: ["MAL-013"],
        services: &[ACTION_TCK_MODEL],
        run: unknown_service,
    },
    sdk_case! {
        id: "protocol.sdk.action_undecodable_payload",
        summary: "a unary action call whose payload bytes do not decode fails, with a failure outcome or an error status",
        requirements: ["MAL-021"],
        services: &[ACTION_TCK_MODEL],
        run: undecodable_payload,
    },
    sdk_case! {
        id: "protocol.sdk.action_payload_of_another_type",
        summary: "(SHOULD) a unary action call whose payload has the type URL of another message fails, with a failure outcome or an error status",
        requirements: ["MAL-018"],
        services: &[ACTION_TCK_MODEL],
        run: wrong_payload_type,
    },
];

/// What the request asks the model to reply, should it handle the call.
const REPLY: &str = "handled anyway";

/// MAL-013: `handleUnary` for a method `ActionTckModel` does not have.
pub(super) async fn unknown_command(cx: SdkCx) -> Verdict {
    let command = call(ACTION_TCK_MODEL, "NoSuchMethod", REQUEST);
    expect_failed_call(
        cx,
        command,
        "a call of the method `NoSuchMethod`, which the service does not have",
    )
    .await
}

/// MAL-013: `handleUnary` for a service the user function does not serve.
pub(super) async fn unknown_service(cx: SdkCx) -> Verdict {
    let command = call(UNKNOWN_SERVICE, PROCESS_UNARY, REQUEST);
    let sent =
        format!("a call of `ProcessUnary` on the service `{UNKNOWN_SERVICE}`, which nobody serves");
    expect_failed_call(cx, command, &sent).await
}

/// MAL-021: `handleUnary` for `ProcessUnary` whose payload bytes are a truncated encoding of the request.
pub(super) async fn undecodable_payload(cx: SdkCx) -> Verdict {
    let mut command = call(ACTION_TCK_MODEL, PROCESS_UNARY, REQUEST);
    if let Some(payload) = command.payload.as_mut() {
        // Field 1, length 5, but only one byte follows.
        payload.value = vec![0x0a, 0x05, b'x'];
    }
    let sent =
        "a call of `ProcessUnary` whose payload bytes are a truncated encoding of the request";
    expect_failed_call(cx, command, sent).await
}

/// MAL-018: `handleUnary` for `ProcessUnary` whose payload has the type URL of the model's response.
pub(super) async fn wrong_payload_type(cx: SdkCx) -> Verdict {
    let command = call(ACTION_TCK_MODEL, PROCESS_UNARY, RESPONSE);
    let sent = format!(
        "a call of `ProcessUnary` whose payload has the type URL of `{RESPONSE}` instead of `{REQUEST}`"
    );
    expect_failed_call(cx, command, &sent).await
}

/// A unary call of `service`/`method` whose payload, labelled as `label`, is a request that asks for a
/// reply.
fn call(service: &str, method: &str, label: &str) -> ActionCommand {
    ActionCommand {
        service_name: service.to_owned(),
        name: method.to_owned(),
        payload: Some(pack(label, &single([reply(REPLY)]))),
        metadata: None,
    }
}

/// Sends `command` with `handleUnary` and expects a failure outcome or an error status.
async fn expect_failed_call(cx: SdkCx, command: ActionCommand, sent: &str) -> Verdict {
    let expected = "an ActionResponse whose outcome is a failure, or an error status".to_owned();
    let mut stream = cx.action_unary(command);
    let next = stream.next().await.map_err(|mut failure| {
        failure.message = format!("{} (after {sent}; expected {expected})", failure.message);
        failure
    })?;
    match next {
        Next::Status => Ok(()),
        Next::Message(response) => match response.response {
            Some(action_response::Response::Failure(_)) => Ok(()),
            _ => Err(CaseFailure::mismatch(
                format!(
                    "{}: the user function answered {sent} as if it could handle it, instead of \
                     failing the call",
                    stream.label()
                ),
                expected,
                response.pretty(),
            )),
        },
        Next::End => Err(CaseFailure::mismatch(
            format!(
                "{}: the user function ended {sent} with status OK and no answer",
                stream.label()
            ),
            expected,
            "(end of call, status OK, no message)".to_owned(),
        )),
    }
}
