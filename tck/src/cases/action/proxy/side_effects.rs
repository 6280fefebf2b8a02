//! Side effects of actions through the proxy: a synchronous one must finish before the client gets its
//! reply, a failing asynchronous one must not change that reply, and one to a service that discovery did
//! not announce must be reported to the user function.

use std::time::Duration;

use cloudstate_protocol::cloudstate::UserFunctionError;
use cloudstate_protocol::cloudstate::tck::model::action::action_tck_model_client::ActionTckModelClient;
use cloudstate_protocol::cloudstate::tck::model::action::{Request, Response};
use tokio::task::JoinHandle;
use tonic::Status;

use super::messages::{
    HANDLE_UNARY, describe, effect_step, effect_to, expect_answer, expect_command, expect_unary,
    failed, process_unary, replace, replied, reply_step, response, steps, two_call,
};
use crate::case::{CaseFailure, Verdict};
use crate::cases::shared::checks::expect_response;
use crate::messages::action::UNKNOWN_SERVICE;
use crate::proxy::ProxyCx;

/// How long the TCK holds the synchronous side effect's answer, watching for the client's reply.
const HELD_FOR: Duration = Duration::from_millis(300);
/// The description of the failure the TCK gives the side effect's call.
const EFFECT_FAILURE: &str = "the side effect failed";
/// The discovery method by which a proxy reports errors to the user function.
const REPORT_ERROR: &str = "/cloudstate.EntityDiscovery/reportError";

/// What a client call gave: the proxy's answer, or why the case could not get one.
type ClientOutcome = Result<Result<Response, Status>, CaseFailure>;

/// Calls `ActionTckModel.ProcessUnary` in a task of its own and gives back its outcome when awaited.
fn call_in_background(cx: &ProxyCx, request: &Request) -> JoinHandle<ClientOutcome> {
    let (cx, request) = (cx.clone(), request.clone());
    tokio::spawn(async move {
        let mut client = ActionTckModelClient::new(cx.channel());
        cx.client(&describe(&request), client.process_unary(request.clone()))
            .await
    })
}

/// New (ACT-038): `ProcessUnary [reply "done", synchronous side effect]`. The TCK holds the answer of the
/// side effect's `ActionTwo.Call`: while it is held the client must not have its reply; once released,
/// the client gets "done".
pub(super) async fn synchronous_side_effect_finishes_before_the_reply(cx: ProxyCx) -> Verdict {
    let request = steps(vec![reply_step("done"), effect_step("sync-effect", true)]);
    // The first hold is the command's own call: it keeps the side effect from starting before the case
    // has armed the second hold, on the side effect's call.
    let command_held = cx.intercept().hold_next_response(HANDLE_UNARY);
    let reply = call_in_background(&cx, &request);
    let mut command = cx.expect_call(HANDLE_UNARY).await?;
    expect_command(&mut command, process_unary(&request)).await?;
    let effect_held = cx.intercept().hold_next_response(HANDLE_UNARY);
    command_held.release();
    expect_answer(
        &mut command,
        replied("done", vec![effect_to("sync-effect", true)]),
    )
    .await?;
    let mut effect = cx.expect_call(HANDLE_UNARY).await?;
    expect_command(&mut effect, two_call("sync-effect")).await?;
    tokio::time::sleep(HELD_FOR).await;
    if reply.is_finished() {
        return Err(CaseFailure::fail(format!(
            "the client got its reply while the TCK still held the answer of the synchronous side effect's \
             ActionTwo.Call ({} ms after the side effect's command)",
            HELD_FOR.as_millis()
        )));
    }
    effect_held.release();
    expect_answer(&mut effect, replied("", Vec::new())).await?;
    let outcome = reply
        .await
        .map_err(|error| CaseFailure::error(format!("the client call's task failed: {error}")))??;
    expect_response(&describe(&request), outcome, &response("done"))
}

/// New (FWD-003): `ProcessUnary [reply "kept", asynchronous side effect]`, and the TCK turns the side
/// effect's answer into a failure. The side effect's call must still be made, and the client must get
/// "kept" all the same.
pub(super) async fn failing_asynchronous_side_effect_keeps_the_reply(cx: ProxyCx) -> Verdict {
    cx.intercept().rewrite_next_from_user_function(
        HANDLE_UNARY,
        replace(replied("", Vec::new()), failed(EFFECT_FAILURE, Vec::new())),
    );
    let request = steps(vec![reply_step("kept"), effect_step("doomed", false)]);
    let mut client = ActionTckModelClient::new(cx.channel());
    let what = describe(&request);
    let outcome = cx
        .client(&what, client.process_unary(request.clone()))
        .await?;
    expect_response(&what, outcome, &response("kept"))?;
    expect_unary(
        &cx,
        process_unary(&request),
        replied("kept", vec![effect_to("doomed", false)]),
    )
    .await?;
    expect_unary(&cx, two_call("doomed"), failed(EFFECT_FAILURE, Vec::new())).await
}

/// New (FWD-004): `ProcessUnary [reply "kept", asynchronous side effect]`, and the TCK sends the side
/// effect to a service that discovery never announced. The client gets "kept"; the proxy must call
/// `reportError` with a message that names the unknown service.
pub(super) async fn side_effect_to_an_unknown_service_is_reported(cx: ProxyCx) -> Verdict {
    let asked = replied("kept", vec![effect_to("lost", false)]);
    let mut misdirected = asked.clone();
    for effect in &mut misdirected.side_effects {
        effect.service_name = UNKNOWN_SERVICE.to_owned();
    }
    cx.intercept()
        .rewrite_next_from_user_function(HANDLE_UNARY, replace(asked, misdirected.clone()));
    let request = steps(vec![reply_step("kept"), effect_step("lost", false)]);
    let mut client = ActionTckModelClient::new(cx.channel());
    let what = format!(
        "{}, its side effect sent to {UNKNOWN_SERVICE} by the TCK",
        describe(&request)
    );
    let outcome = cx
        .client(&what, client.process_unary(request.clone()))
        .await?;
    expect_response(&what, outcome, &response("kept"))?;
    expect_unary(&cx, process_unary(&request), misdirected).await?;

    let mut report = cx.expect_call(REPORT_ERROR).await?;
    let error: UserFunctionError = report.recv_from_proxy().await?;
    if !error.message.contains(UNKNOWN_SERVICE) {
        return Err(CaseFailure::mismatch(
            "the proxy's reportError message does not name the side effect's unknown service",
            format!("a message that mentions {UNKNOWN_SERVICE}"),
            error.message,
        ));
    }
    Ok(())
}
