//! Builders for the action cases: model requests made of groups of steps, the `ActionCommand`s that carry
//! them for each call shape, and the `ActionResponse`s the model must answer with.
//!
//! Steps (`reply`, `forward`, `fail`, `effect`, `sync_effect`) are what the TCK asks the model to do;
//! `replied`, `forwarded`, `failed` and `no_reply`, with side effects from `effects` and `sync_effects`,
//! are what the model must send back (spec ACT-019 and ACT-020).

use cloudstate_protocol::cloudstate::action::{ActionCommand, ActionResponse, action_response};
use cloudstate_protocol::cloudstate::tck::model::action::{
    Fail, Forward, OtherRequest, ProcessGroup, ProcessStep, Reply, Request, Response, SideEffect,
    process_step::Step,
};
use cloudstate_protocol::cloudstate::{self as protocol};
use cloudstate_protocol::names::model::{ACTION_TCK_MODEL, ACTION_TWO};

use crate::messages::{failure_message, pack, side_effect};

/// Full name of the model's request message.
const REQUEST: &str = "cloudstate.tck.model.action.Request";
/// Full name of the model's response message.
const RESPONSE: &str = "cloudstate.tck.model.action.Response";
/// Full name of the request message of `ActionTwo.Call`.
const OTHER_REQUEST: &str = "cloudstate.tck.model.action.OtherRequest";
/// The only method of `ActionTwo`: the target of every forward and side effect of the model.
const CALL: &str = "Call";

// ---- Steps: what the TCK asks the model to do ----

/// A step that makes the outcome a reply with `Response{message}`.
pub(super) fn reply(message: &str) -> ProcessStep {
    step(Step::Reply(Reply {
        message: message.to_owned(),
    }))
}

/// A step that makes the outcome a forward to `ActionTwo/Call` with `OtherRequest{id}`.
pub(super) fn forward(id: &str) -> ProcessStep {
    step(Step::Forward(Forward { id: id.to_owned() }))
}

/// A step that makes the outcome a failure with this description.
pub(super) fn fail(message: &str) -> ProcessStep {
    step(Step::Fail(Fail {
        message: message.to_owned(),
    }))
}

/// A step that adds an asynchronous side effect to `ActionTwo/Call` with `OtherRequest{id}`.
pub(super) fn effect(id: &str) -> ProcessStep {
    step(Step::Effect(SideEffect {
        id: id.to_owned(),
        synchronous: false,
    }))
}

/// A step that adds a synchronous side effect to `ActionTwo/Call` with `OtherRequest{id}`.
pub(super) fn sync_effect(id: &str) -> ProcessStep {
    step(Step::Effect(SideEffect {
        id: id.to_owned(),
        synchronous: true,
    }))
}

fn step(step: Step) -> ProcessStep {
    ProcessStep { step: Some(step) }
}

/// A group of steps: one result of the model.
pub(super) fn group<const N: usize>(steps: [ProcessStep; N]) -> ProcessGroup {
    ProcessGroup {
        steps: steps.into(),
    }
}

/// A request made of these groups.
pub(super) fn request<const N: usize>(groups: [ProcessGroup; N]) -> Request {
    Request {
        groups: groups.into(),
    }
}

/// A request with one group of these steps.
pub(super) fn single<const N: usize>(steps: [ProcessStep; N]) -> Request {
    request([group(steps)])
}

// ---- Commands: how requests travel to the user function ----

/// The one full command of a `handleUnary` call of `ActionTckModel.ProcessUnary`.
pub(super) fn process_unary(request: Request) -> ActionCommand {
    full_command("ProcessUnary", &request)
}

/// The one full command of a `handleStreamedOut` call of `ActionTckModel.ProcessStreamedOut`.
pub(super) fn process_streamed_out(request: Request) -> ActionCommand {
    full_command("ProcessStreamedOut", &request)
}

/// The header of a `handleStreamedIn` call of `ActionTckModel.ProcessStreamedIn`: no payload.
pub(super) fn process_streamed_in_header() -> ActionCommand {
    header("ProcessStreamedIn")
}

/// The header of a `handleStreamed` call of `ActionTckModel.ProcessStreamed`: no payload.
pub(super) fn process_streamed_header() -> ActionCommand {
    header("ProcessStreamed")
}

/// A command after the header of a streamed-in or duplex call: the payload only.
pub(super) fn payload_only(request: Request) -> ActionCommand {
    ActionCommand {
        service_name: String::new(),
        name: String::new(),
        payload: Some(pack(REQUEST, &request)),
        metadata: None,
    }
}

fn full_command(method: &str, request: &Request) -> ActionCommand {
    ActionCommand {
        service_name: ACTION_TCK_MODEL.to_owned(),
        name: method.to_owned(),
        payload: Some(pack(REQUEST, request)),
        metadata: None,
    }
}

fn header(method: &str) -> ActionCommand {
    ActionCommand {
        service_name: ACTION_TCK_MODEL.to_owned(),
        name: method.to_owned(),
        payload: None,
        metadata: None,
    }
}

// ---- Expected responses: what the model must send back ----

/// Asynchronous side effects to `ActionTwo/Call`, one per ID, in this order.
pub(super) fn effects<const N: usize>(ids: [&str; N]) -> Vec<protocol::SideEffect> {
    calls_to_two(ids, false)
}

/// Synchronous side effects to `ActionTwo/Call`, one per ID, in this order.
pub(super) fn sync_effects<const N: usize>(ids: [&str; N]) -> Vec<protocol::SideEffect> {
    calls_to_two(ids, true)
}

fn calls_to_two<const N: usize>(ids: [&str; N], synchronous: bool) -> Vec<protocol::SideEffect> {
    ids.into_iter()
        .map(|id| side_effect(ACTION_TWO, CALL, other_request(id), synchronous))
        .collect()
}

/// A reply with `Response{message}` and no metadata, plus these side effects.
pub(super) fn replied(message: &str, side_effects: Vec<protocol::SideEffect>) -> ActionResponse {
    let payload = pack(
        RESPONSE,
        &Response {
            message: message.to_owned(),
        },
    );
    let reply = protocol::Reply {
        payload: Some(payload),
        metadata: None,
    };
    outcome(action_response::Response::Reply(reply), side_effects)
}

/// A forward to `ActionTwo/Call` with `OtherRequest{id}` and no metadata, plus these side effects.
pub(super) fn forwarded(id: &str, side_effects: Vec<protocol::SideEffect>) -> ActionResponse {
    let forward = protocol::Forward {
        service_name: ACTION_TWO.to_owned(),
        command_name: CALL.to_owned(),
        payload: Some(other_request(id)),
        metadata: None,
    };
    outcome(action_response::Response::Forward(forward), side_effects)
}

/// A failure with this description, `command_id` 0 and `restart` false, plus these side effects.
pub(super) fn failed(description: &str, side_effects: Vec<protocol::SideEffect>) -> ActionResponse {
    let failure = failure_message(0, description, false);
    outcome(action_response::Response::Failure(failure), side_effects)
}

/// A response with no outcome, only these side effects.
pub(super) fn no_reply(side_effects: Vec<protocol::SideEffect>) -> ActionResponse {
    ActionResponse {
        side_effects,
        response: None,
    }
}

fn outcome(
    response: action_response::Response,
    side_effects: Vec<protocol::SideEffect>,
) -> ActionResponse {
    ActionResponse {
        side_effects,
        response: Some(response),
    }
}

fn other_request(id: &str) -> prost_types::Any {
    pack(OTHER_REQUEST, &OtherRequest { id: id.to_owned() })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_carry_no_payload_and_later_commands_only_a_payload() {
        let header = process_streamed_in_header();
        assert_eq!(header.service_name, ACTION_TCK_MODEL);
        assert_eq!(header.name, "ProcessStreamedIn");
        assert!(header.payload.is_none());
        let next = payload_only(single([reply("one")]));
        assert!(next.service_name.is_empty() && next.name.is_empty());
        assert_eq!(
            next.payload.map(|any| any.type_url),
            Some("type.googleapis.com/cloudstate.tck.model.action.Request".to_owned())
        );
    }

    #[test]
    fn expected_responses_have_the_shapes_of_the_spec() {
        let failure = failed("boom", sync_effects(["b"]));
        assert_eq!(
            failure.response,
            Some(action_response::Response::Failure(protocol::Failure {
                command_id: 0,
                description: "boom".to_owned(),
                restart: false
            }))
        );
        assert_eq!(failure.side_effects.len(), 1);
        assert!(failure.side_effects[0].synchronous);
        assert_eq!(failure.side_effects[0].service_name, ACTION_TWO);
        assert_eq!(failure.side_effects[0].command_name, "Call");
        assert_eq!(no_reply(vec![]), ActionResponse::default());
        let effects = effects(["a", "b"]);
        assert!(effects.iter().all(|effect| !effect.synchronous));
        assert_eq!(
            effects[1].payload,
            Some(pack(OTHER_REQUEST, &OtherRequest { id: "b".to_owned() }))
        );
    }
}
