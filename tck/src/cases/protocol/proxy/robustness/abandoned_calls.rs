//! A client that gives up before the user function answers (its deadline passes while the TCK holds the
//! user function's answer): the proxy cancels an action's protocol call, and an entity command still
//! takes effect and still holds the entity's next command back (spec FAIL-004, FAIL-005, VE-019).

use std::time::Duration;

use cloudstate_protocol::cloudstate::tck::model::action::action_tck_model_client::ActionTckModelClient;
use cloudstate_protocol::cloudstate::tck::model::action::process_step::Step;
use cloudstate_protocol::cloudstate::tck::model::action::{
    ProcessGroup, ProcessStep, Reply, Request,
};
use cloudstate_protocol::cloudstate::tck::model::valueentity::value_entity_tck_model_client::ValueEntityTckModelClient;

use super::support::{
    VALUE_ENTITY_HANDLE, expect_state, expect_ve_answer, expect_ve_command, expect_ve_stream,
    ve_process, ve_request,
};
use crate::case::{CaseFailure, Verdict};
use crate::proxy::{CallEvent, ProxyCx};

/// The protocol method of unary action calls.
const HANDLE_UNARY: &str = "/cloudstate.action.ActionProtocol/handleUnary";
/// The client's deadline.
const CLIENT_DEADLINE: Duration = Duration::from_millis(300);
/// How long the TCK keeps holding the answer after the client gave up, so that the proxy can react.
const AFTER_GIVING_UP: Duration = Duration::from_millis(300);

/// New: the TCK holds the model's answer to `ActionTckModel.ProcessUnary [reply too late]`, whose client
/// has a deadline of 300 ms. Once the client has given up, the proxy must cancel its `handleUnary` call:
/// when the TCK then relays the held answer, the call is found cancelled by the proxy instead of ending
/// normally.
pub(super) async fn abandoned_action_call_is_cancelled(cx: ProxyCx) -> Verdict {
    let held = cx.intercept().hold_next_response(HANDLE_UNARY);
    let steps = Request {
        groups: vec![ProcessGroup {
            steps: vec![ProcessStep {
                step: Some(Step::Reply(Reply {
                    message: "too late".to_owned(),
                })),
            }],
        }],
    };
    let mut request = tonic::Request::new(steps);
    request.set_timeout(CLIENT_DEADLINE);
    let what = "ActionTckModel.ProcessUnary [reply too late], with a deadline of 300 ms, its answer held by the TCK";
    let mut client = ActionTckModelClient::new(cx.channel());
    if let Ok(response) = cx.client(what, client.process_unary(request)).await? {
        return Err(CaseFailure::fail(format!(
            "{what}: the client got {response:?} while the TCK held the user function's answer"
        )));
    }
    let mut call = cx.expect_call(HANDLE_UNARY).await?;
    tokio::time::sleep(AFTER_GIVING_UP).await;
    held.release();
    loop {
        match call.next_event().await? {
            CallEvent::ProxyCancelled => return Ok(()),
            CallEvent::FromProxy(_)
            | CallEvent::ProxyHalfClosed
            | CallEvent::FromUserFunction(_) => {}
            CallEvent::Ended(status) => {
                return Err(CaseFailure::fail(format!(
                    "the proxy did not cancel its handleUnary call after the client gave up: the call was \
                     still open {} ms later and then ended with {}",
                    AFTER_GIVING_UP.as_millis(),
                    status.as_deref().unwrap_or("status OK")
                )));
            }
        }
    }
}

/// New: the TCK holds the answers on a new value entity's stream. Client A sets "A" with a deadline of
/// 300 ms and gives up; client B then reads the entity. While the answer to A's command is held, the
/// proxy must not send B's command; once the TCK relays it, the proxy sends B's command as command 2,
/// and B gets "A": the abandoned command took effect.
pub(super) async fn abandoned_entity_command_still_takes_effect(cx: ProxyCx) -> Verdict {
    let id = cx.fresh_id("ve-abandoned");
    let held = cx.intercept().hold_next_response(VALUE_ENTITY_HANDLE);
    let mut request = tonic::Request::new(ve_request(&id, Some("A")));
    request.set_timeout(CLIENT_DEADLINE);
    let what = format!(
        "ValueEntityTckModel.Process {{id: {id}, actions: [update A]}}, with a deadline of 300 ms, its \
         answer held by the TCK"
    );
    let mut client = ValueEntityTckModelClient::new(cx.channel());
    if let Ok(response) = cx.client(&what, client.process(request)).await? {
        return Err(CaseFailure::fail(format!(
            "{what}: the client got {response:?} while the TCK held the user function's answer"
        )));
    }
    let mut entity = expect_ve_stream(&cx, &id, None).await?;
    expect_ve_command(&mut entity, 1).await?;

    let read = ve_request(&id, None);
    let reader = {
        let (cx, read) = (cx.clone(), read.clone());
        tokio::spawn(async move { ve_process(&cx, &read, " (another client)").await })
    };
    match tokio::time::timeout(AFTER_GIVING_UP, entity.next_event()).await {
        Err(_) => {}
        Ok(event) => {
            return Err(CaseFailure::fail(format!(
                "while the answer to command 1 was still held, its client having given up, the proxy \
                 went on on the entity's stream: {:?}",
                event?
            )));
        }
    }
    held.release();
    expect_ve_answer(&mut entity).await?;
    expect_ve_command(&mut entity, 2).await?;
    expect_ve_answer(&mut entity).await?;
    let outcome = reader
        .await
        .map_err(|error| CaseFailure::error(format!("the client call's task failed: {error}")))??;
    expect_state(outcome, "A", "the other client's read")
}
