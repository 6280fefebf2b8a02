//! Action properties in SDK mode: generated calls of `ActionTckModel` in all four call shapes, every
//! response checked against the oracle, and every call expected to end with status OK.

use cloudstate_protocol::cloudstate::action::{ActionCommand, ActionResponse, action_response};
use cloudstate_protocol::cloudstate::tck::model::action::{
    Fail, Forward, OtherRequest, ProcessGroup, ProcessStep, Reply, Request, Response, SideEffect,
    process_step::Step,
};
use cloudstate_protocol::cloudstate::{self as protocol};
use cloudstate_protocol::names::model::{ACTION_TCK_MODEL, ACTION_TWO};

use super::oracle::{ActionOutcome, ActionResult, results};
use super::scenario::{
    ActionCall, ActionScenario, ActionStep, Groups, failure_message, message, scenario, two_id,
};
use crate::case::{Case, Verdict, sdk_case};
use crate::messages::{failure_message as failure, pack, side_effect};
use crate::property::runner::check_property;
use crate::sdk::{ActionStream, SdkCx};

const CALLS: &str = "action.sdk.property_calls";

/// Full name of the model's request message.
const REQUEST: &str = "cloudstate.tck.model.action.Request";

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
    check_property(CALLS, scenario, cx.trace(), deadline, |calls| {
        run(cx.clone(), calls)
    })
    .await
}

/// Makes the scenario's calls one after the other.
async fn run(cx: SdkCx, scenario: ActionScenario) -> Verdict {
    for call in &scenario.0 {
        let expected = results(call);
        match call {
            ActionCall::Unary(groups) => {
                let mut stream = cx.action_unary(full_command("ProcessUnary", groups));
                expect_results(&mut stream, &expected[0]).await?;
                stream.expect_end().await?;
            }
            ActionCall::StreamedOut(groups) => {
                let mut stream = cx.action_streamed_out(full_command("ProcessStreamedOut", groups));
                expect_results(&mut stream, &expected[0]).await?;
                stream.expect_end().await?;
            }
            ActionCall::StreamedIn(requests) => {
                let mut stream = cx.action_streamed_in();
                stream.send(header("ProcessStreamedIn"));
                for groups in requests {
                    stream.send(payload_only(groups));
                }
                stream.half_close();
                expect_results(&mut stream, &expected[0]).await?;
                stream.expect_end().await?;
            }
            ActionCall::Streamed(requests) => {
                let mut stream = cx.action_streamed();
                stream.send(header("ProcessStreamed"));
                for (groups, expected) in requests.iter().zip(&expected) {
                    stream.send(payload_only(groups));
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

fn request(groups: &Groups) -> Request {
    let steps = |steps: &Vec<ActionStep>| ProcessGroup {
        steps: steps
            .iter()
            .map(|step| ProcessStep {
                step: Some(match *step {
                    ActionStep::Reply(n) => Step::Reply(Reply {
                        message: message(n),
                    }),
                    ActionStep::Forward(n) => Step::Forward(Forward { id: two_id(n) }),
                    ActionStep::Fail(n) => Step::Fail(Fail {
                        message: failure_message(n),
                    }),
                    ActionStep::Effect(n, synchronous) => Step::Effect(SideEffect {
                        id: two_id(n),
                        synchronous,
                    }),
                }),
            })
            .collect(),
    };
    Request {
        groups: groups.iter().map(steps).collect(),
    }
}

/// A full command of a unary or streamed-out call: service, method and payload.
fn full_command(method: &str, groups: &Groups) -> ActionCommand {
    ActionCommand {
        service_name: ACTION_TCK_MODEL.to_owned(),
        name: method.to_owned(),
        payload: Some(pack(REQUEST, &request(groups))),
        metadata: None,
    }
}

/// The header of a streamed-in or duplex call: service and method, no payload.
fn header(method: &str) -> ActionCommand {
    ActionCommand {
        service_name: ACTION_TCK_MODEL.to_owned(),
        name: method.to_owned(),
        payload: None,
        metadata: None,
    }
}

/// A command after the header: the payload only.
fn payload_only(groups: &Groups) -> ActionCommand {
    ActionCommand {
        service_name: String::new(),
        name: String::new(),
        payload: Some(pack(REQUEST, &request(groups))),
        metadata: None,
    }
}

fn other_request(n: u8) -> prost_types::Any {
    pack(
        "cloudstate.tck.model.action.OtherRequest",
        &OtherRequest { id: two_id(n) },
    )
}

/// The oracle's result as the `ActionResponse` the user function must send.
fn response(result: &ActionResult) -> ActionResponse {
    let outcome = result.outcome.map(|outcome| match outcome {
        ActionOutcome::Reply(n) => action_response::Response::Reply(protocol::Reply {
            payload: Some(pack(
                "cloudstate.tck.model.action.Response",
                &Response {
                    message: message(n),
                },
            )),
            metadata: None,
        }),
        ActionOutcome::Forward(n) => action_response::Response::Forward(protocol::Forward {
            service_name: ACTION_TWO.to_owned(),
            command_name: "Call".to_owned(),
            payload: Some(other_request(n)),
            metadata: None,
        }),
        ActionOutcome::Failure(n) => {
            action_response::Response::Failure(failure(0, &failure_message(n), false))
        }
    });
    ActionResponse {
        response: outcome,
        side_effects: result
            .effects
            .iter()
            .map(|(n, sync)| side_effect(ACTION_TWO, "Call", other_request(*n), *sync))
            .collect(),
    }
}
