//! Builders for the proxy-mode action cases: the model requests a client sends, the `ActionCommand`s the
//! proxy must make of them, and the `ActionResponse`s the model answers with.
//!
//! Steps (`reply`, `forward`, `fail`, `effect`) say what the model is asked to do; `replied`,
//! `forwarded`, `failed` and `no_reply`, with side effects from `effects`, are what it must send back
//! (spec ACT-019 and ACT-020). Commands and responses carry no metadata: the cases compare them with
//! their metadata removed (see [`super::probe`]).

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
/// The only method of `ActionTwo`.
const CALL: &str = "Call";

// ---- Steps ----

/// A step that makes the outcome a reply with `Response{message}`.
pub(in crate::proxy) fn reply(message: &str) -> ProcessStep {
    step(Step::Reply(Reply {
        message: message.to_owned(),
    }))
}

/// A step that makes the outcome a forward to `ActionTwo/Call` with `OtherRequest{id}`.
pub(in crate::proxy) fn forward(id: &str) -> ProcessStep {
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
    effect_of(id, false)
}

/// A step that adds a side effect to `ActionTwo/Call` with `OtherRequest{id}`.
pub(in crate::proxy) fn effect_of(id: &str, synchronous: bool) -> ProcessStep {
    step(Step::Effect(SideEffect {
        id: id.to_owned(),
        synchronous,
    }))
}

fn step(step: Step) -> ProcessStep {
    ProcessStep { step: Some(step) }
}

/// A request made of one group per step list.
pub(in crate::proxy) fn request<const N: usize>(groups: [Vec<ProcessStep>; N]) -> Request {
    Request {
        groups: groups
            .into_iter()
            .map(|steps| ProcessGroup { steps })
            .collect(),
    }
}

/// A request with one group of these steps.
pub(super) fn single<const N: usize>(steps: [ProcessStep; N]) -> Request {
    request([steps.into()])
}

/// The model's response message.
pub(in crate::proxy) fn response(message: &str) -> Response {
    Response {
        message: message.to_owned(),
    }
}

// ---- Commands the proxy must send ----

/// The full command of a call of `ActionTckModel.<method>` (unary or streamed-out).
pub(in crate::proxy) fn full_command(method: &str, request: &Request) -> ActionCommand {
    ActionCommand {
        service_name: ACTION_TCK_MODEL.to_owned(),
        name: method.to_owned(),
        payload: Some(pack(REQUEST, request)),
        metadata: None,
    }
}

/// The header of a streamed-in or duplex call of `ActionTckModel.<method>`: no payload.
pub(super) fn header(method: &str) -> ActionCommand {
    ActionCommand {
        service_name: ACTION_TCK_MODEL.to_owned(),
        name: method.to_owned(),
        payload: None,
        metadata: None,
    }
}

/// A command after the header: the payload only.
pub(super) fn payload_only(request: &Request) -> ActionCommand {
    ActionCommand {
        service_name: String::new(),
        name: String::new(),
        payload: Some(pack(REQUEST, request)),
        metadata: None,
    }
}

/// The full command of a call of `ActionTwo.Call` with `OtherRequest{id}`: a forward's or side effect's
/// call.
pub(in crate::proxy) fn two_call(id: &str) -> ActionCommand {
    ActionCommand {
        service_name: ACTION_TWO.to_owned(),
        name: CALL.to_owned(),
        payload: Some(other_request(id)),
        metadata: None,
    }
}

// ---- Responses the model sends ----

/// Asynchronous side effects to `ActionTwo/Call`, one per ID, in this order.
pub(super) fn effects<const N: usize>(ids: [&str; N]) -> Vec<protocol::SideEffect> {
    ids.into_iter().map(|id| effect_to(id, false)).collect()
}

/// A side effect to `ActionTwo/Call` with `OtherRequest{id}`.
pub(in crate::proxy) fn effect_to(id: &str, synchronous: bool) -> protocol::SideEffect {
    side_effect(ACTION_TWO, CALL, other_request(id), synchronous)
}

/// A reply with `Response{message}`, plus these side effects.
pub(in crate::proxy) fn replied(
    message: &str,
    side_effects: Vec<protocol::SideEffect>,
) -> ActionResponse {
    let reply = protocol::Reply {
        payload: Some(pack(RESPONSE, &response(message))),
        metadata: None,
    };
    ActionResponse {
        side_effects,
        response: Some(action_response::Response::Reply(reply)),
    }
}

/// A forward to `ActionTwo/Call` with `OtherRequest{id}`, with no side effects.
pub(in crate::proxy) fn forwarded(id: &str) -> ActionResponse {
    let forward = protocol::Forward {
        service_name: ACTION_TWO.to_owned(),
        command_name: CALL.to_owned(),
        payload: Some(other_request(id)),
        metadata: None,
    };
    ActionResponse {
        side_effects: vec![],
        response: Some(action_response::Response::Forward(forward)),
    }
}

/// A failure with this description, `command_id` 0 and `restart` false, with no side effects.
pub(in crate::proxy) fn failed(description: &str) -> ActionResponse {
    let failure = failure_message(0, description, false);
    ActionResponse {
        side_effects: vec![],
        response: Some(action_response::Response::Failure(failure)),
    }
}

/// A response with no outcome, only these side effects.
pub(super) fn no_reply(side_effects: Vec<protocol::SideEffect>) -> ActionResponse {
    ActionResponse {
        side_effects,
        response: None,
    }
}

fn other_request(id: &str) -> prost_types::Any {
    pack(OTHER_REQUEST, &OtherRequest { id: id.to_owned() })
}

/// The command with its metadata removed, as the cases compare commands.
pub(in crate::proxy) fn without_metadata_command(mut command: ActionCommand) -> ActionCommand {
    command.metadata = None;
    command
}

/// The response with the metadata of its reply, forward and side effects removed.
pub(in crate::proxy) fn without_metadata_response(mut response: ActionResponse) -> ActionResponse {
    match &mut response.response {
        Some(action_response::Response::Reply(reply)) => reply.metadata = None,
        Some(action_response::Response::Forward(forward)) => forward.metadata = None,
        Some(action_response::Response::Failure(_)) | None => {}
    }
    for effect in &mut response.side_effects {
        effect.metadata = None;
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn commands_have_the_shapes_of_the_spec() {
        let header = header("ProcessStreamed");
        assert_eq!(
            (header.service_name.as_str(), header.payload.is_none()),
            (ACTION_TCK_MODEL, true)
        );
        let next = payload_only(&single([reply("x")]));
        assert!(next.service_name.is_empty() && next.name.is_empty() && next.payload.is_some());
        let call = two_call("a");
        assert_eq!(
            (call.service_name.as_str(), call.name.as_str()),
            (ACTION_TWO, "Call")
        );
    }

    #[test]
    fn metadata_is_stripped_everywhere() {
        let metadata = Some(protocol::Metadata { entries: vec![] });
        let mut command = two_call("a");
        command.metadata = metadata.clone();
        assert_eq!(without_metadata_command(command), two_call("a"));
        let mut response = replied("r", effects(["a"]));
        response.side_effects[0].metadata = metadata.clone();
        if let Some(action_response::Response::Reply(reply)) = &mut response.response {
            reply.metadata = metadata;
        }
        assert_eq!(
            without_metadata_response(response),
            replied("r", effects(["a"]))
        );
    }
}
