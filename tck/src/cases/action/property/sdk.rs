//! Action properties in SDK mode: generated calls of `ActionTckModel` in all four call shapes, every
//! response checked against the oracle, and every call expected to end with status OK.

use cloudstate_protocol::cloudstate::action::ActionResponse;
use cloudstate_protocol::cloudstate::tck::model::action::{ProcessStep, Request};
use cloudstate_protocol::names::model::{ACTION_TCK_MODEL, ACTION_TWO};

use super::oracle::{ActionOutcome, ActionResult, results};
use super::scenario::{
    ActionCall, ActionScenario, ActionStep, Groups, failure_message, message, scenario, two_id,
};
use crate::case::{Case, Verdict, sdk_case};
use crate::messages::action::{
    self, PROCESS_STREAMED, PROCESS_STREAMED_IN, PROCESS_STREAMED_OUT, PROCESS_UNARY, full_command,
    header, payload_only,
};
use crate::property::runner::check_property;
use crate::sdk::{ActionStream, SdkCx};

const CALLS: &str = "action.sdk.property_calls";

/// The action property cases in SDK mode.
pub(crate) static CASES: &[Case] = &[sdk_case! {
    id: "action.sdk.property_calls",
    summary: "generated groups of reply, forward, fail and side-effect steps in unary, streamed-in, streamed-out and duplex calls get exactly the oracle's responses",
    requirements: [
        "ACT-002", "ACT-003", "ACT-004", "ACT-005", "ACT-006", "ACT-007", "ACT-008", "ACT-009", "ACT-010",
        "ACT-011", "ACT-012", "ACT-014", "ACT-015", "ACT-016", "ACT-017", "ACT-018", "ACT-019", "ACT-020",
        "ACT-021", "ACT-022", "ACT-023", "ACT-024",
    ],
    services: &[ACTION_TCK_MODEL, ACTION_TWO],
    run: property_calls,
}];

async fn property_calls(cx: SdkCx) -> Verdict {
    let deadline = cx.deadline();
    check_property(
        CALLS,
        cx.settings(),
        scenario,
        cx.trace(),
        deadline,
        |calls| run(cx.clone(), calls),
    )
    .await
}

/// Makes the scenario's calls one after the other.
async fn run(cx: SdkCx, scenario: ActionScenario) -> Verdict {
    for call in &scenario.0 {
        let expected = results(call);
        match call {
            ActionCall::Unary(groups) => {
                let mut stream = cx.action_unary(full_command(PROCESS_UNARY, &request(groups)));
                expect_results(&mut stream, &expected[0]).await?;
                stream.expect_end().await?;
            }
            ActionCall::StreamedOut(groups) => {
                let mut stream =
                    cx.action_streamed_out(full_command(PROCESS_STREAMED_OUT, &request(groups)));
                expect_results(&mut stream, &expected[0]).await?;
                stream.expect_end().await?;
            }
            ActionCall::StreamedIn(requests) => {
                let mut stream = cx.action_streamed_in();
                stream.send(header(PROCESS_STREAMED_IN));
                for groups in requests {
                    stream.send(payload_only(&request(groups)));
                }
                stream.half_close();
                expect_results(&mut stream, &expected[0]).await?;
                stream.expect_end().await?;
            }
            ActionCall::Streamed(requests) => {
                let mut stream = cx.action_streamed();
                stream.send(header(PROCESS_STREAMED));
                for (groups, expected) in requests.iter().zip(&expected) {
                    stream.send(payload_only(&request(groups)));
                    expect_results(&mut stream, expected).await?;
                }
                stream.abandon();
            }
        }
    }
    Ok(())
}

async fn expect_results(stream: &mut ActionStream, expected: &[ActionResult]) -> Verdict {
    for result in expected {
        stream.expect(response(result)).await?;
    }
    Ok(())
}

/// The model request of these groups, each step as the scenario names it.
fn request(groups: &Groups) -> Request {
    action::request(
        groups
            .iter()
            .map(|steps| action::group(steps.iter().map(step))),
    )
}

/// The model's step for a scenario step.
fn step(step: &ActionStep) -> ProcessStep {
    match *step {
        ActionStep::Reply(n) => action::reply(&message(n)),
        ActionStep::Forward(n) => action::forward(&two_id(n)),
        ActionStep::Fail(n) => action::fail(&failure_message(n)),
        ActionStep::Effect(n, synchronous) => action::effect_of(&two_id(n), synchronous),
    }
}

/// The oracle's result as the `ActionResponse` the user function must send.
fn response(result: &ActionResult) -> ActionResponse {
    let effects = result
        .effects
        .iter()
        .map(|(n, synchronous)| action::effect_to(&two_id(*n), *synchronous))
        .collect();
    match result.outcome {
        Some(ActionOutcome::Reply(n)) => action::replied(&message(n), effects),
        Some(ActionOutcome::Forward(n)) => action::forwarded(&two_id(n), effects),
        Some(ActionOutcome::Failure(n)) => action::failed(&failure_message(n), effects),
        None => action::no_reply(effects),
    }
}
