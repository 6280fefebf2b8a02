//! The action model's names, the requests the TCK asks it to process (groups of steps), and the
//! `ActionCommand`s that carry them to the user function in each call shape.
//!
//! Steps (`reply`, `forward`, `fail`, `effect`, `sync_effect`) say what the model is asked to do (spec
//! ACT-020); the model folds the steps of a group, or of a whole call, into one result.

use cloudstate_protocol::cloudstate::action::ActionCommand;
use cloudstate_protocol::cloudstate::tck::model::action::{
    Fail, Forward, OtherRequest, ProcessGroup, ProcessStep, Reply, Request, SideEffect,
    process_step::Step,
};
use cloudstate_protocol::names::model::{ACTION_TCK_MODEL, ACTION_TWO};
use prost_types::Any;

use crate::messages::pack;

/// Full name of the model's request message.
pub(crate) const REQUEST: &str = "cloudstate.tck.model.action.Request";
/// Full name of the model's response message.
pub(crate) const RESPONSE: &str = "cloudstate.tck.model.action.Response";
/// Full name of the request message of `ActionTwo.Call`.
pub(crate) const OTHER_REQUEST: &str = "cloudstate.tck.model.action.OtherRequest";
/// A service of the model's package that discovery never announces and no user function serves.
pub(crate) const UNKNOWN_SERVICE: &str = "cloudstate.tck.model.action.NoSuchService";

/// The unary method of `ActionTckModel` (`handleUnary`).
pub(crate) const PROCESS_UNARY: &str = "ProcessUnary";
/// The client-streaming method of `ActionTckModel` (`handleStreamedIn`).
pub(crate) const PROCESS_STREAMED_IN: &str = "ProcessStreamedIn";
/// The server-streaming method of `ActionTckModel` (`handleStreamedOut`).
pub(crate) const PROCESS_STREAMED_OUT: &str = "ProcessStreamedOut";
/// The duplex method of `ActionTckModel` (`handleStreamed`).
pub(crate) const PROCESS_STREAMED: &str = "ProcessStreamed";
/// The only method of `ActionTwo`: the target of every forward and side effect of the model.
pub(crate) const CALL: &str = "Call";

// ---- Steps: what the TCK asks the model to do ----

/// A step that makes the outcome a reply with `Response{message}`.
pub(crate) fn reply(message: &str) -> ProcessStep {
    step(Step::Reply(Reply {
        message: message.to_owned(),
    }))
}

/// A step that makes the outcome a forward to `ActionTwo/Call` with `OtherRequest{id}`.
pub(crate) fn forward(id: &str) -> ProcessStep {
    step(Step::Forward(Forward { id: id.to_owned() }))
}

/// A step that makes the outcome a failure with this description.
pub(crate) fn fail(message: &str) -> ProcessStep {
    step(Step::Fail(Fail {
        message: message.to_owned(),
    }))
}

/// A step that adds an asynchronous side effect to `ActionTwo/Call` with `OtherRequest{id}`.
pub(crate) fn effect(id: &str) -> ProcessStep {
    effect_of(id, false)
}

/// A step that adds a synchronous side effect to `ActionTwo/Call` with `OtherRequest{id}`.
pub(crate) fn sync_effect(id: &str) -> ProcessStep {
    effect_of(id, true)
}

/// A step that adds a side effect to `ActionTwo/Call` with `OtherRequest{id}` and this flag.
pub(crate) fn effect_of(id: &str, synchronous: bool) -> ProcessStep {
    step(Step::Effect(SideEffect {
        id: id.to_owned(),
        synchronous,
    }))
}

/// The step with this case set.
fn step(step: Step) -> ProcessStep {
    ProcessStep { step: Some(step) }
}

// ---- Requests: groups of steps ----

/// A group of steps: one result of the model.
pub(crate) fn group(steps: impl IntoIterator<Item = ProcessStep>) -> ProcessGroup {
    ProcessGroup {
        steps: steps.into_iter().collect(),
    }
}

/// A request made of these groups.
pub(crate) fn request(groups: impl IntoIterator<Item = ProcessGroup>) -> Request {
    Request {
        groups: groups.into_iter().collect(),
    }
}

/// A request with one group of these steps.
pub(crate) fn single(steps: impl IntoIterator<Item = ProcessStep>) -> Request {
    request([group(steps)])
}

/// `OtherRequest{id}`, packed: the payload of every call of `ActionTwo/Call`.
pub(crate) fn other_request(id: &str) -> Any {
    pack(OTHER_REQUEST, &OtherRequest { id: id.to_owned() })
}

// ---- Commands: how requests travel to the user function ----

/// The one full command of a call of `ActionTckModel.<method>` (unary or streamed-out): service, method
/// and payload, no metadata.
pub(crate) fn full_command(method: &str, request: &Request) -> ActionCommand {
    ActionCommand {
        service_name: ACTION_TCK_MODEL.to_owned(),
        name: method.to_owned(),
        payload: Some(pack(REQUEST, request)),
        metadata: None,
    }
}

/// The one full command of a `handleUnary` call of `ActionTckModel.ProcessUnary`.
pub(crate) fn process_unary(request: &Request) -> ActionCommand {
    full_command(PROCESS_UNARY, request)
}

/// The header of a streamed-in or duplex call of `ActionTckModel.<method>`: no payload.
pub(crate) fn header(method: &str) -> ActionCommand {
    ActionCommand {
        service_name: ACTION_TCK_MODEL.to_owned(),
        name: method.to_owned(),
        payload: None,
        metadata: None,
    }
}

/// A command after the header of a streamed-in or duplex call: the payload only.
pub(crate) fn payload_only(request: &Request) -> ActionCommand {
    ActionCommand {
        service_name: String::new(),
        name: String::new(),
        payload: Some(pack(REQUEST, request)),
        metadata: None,
    }
}

/// The full command of a call of `ActionTwo.Call` with `OtherRequest{id}`: the call a forward or a side
/// effect makes.
pub(crate) fn two_call(id: &str) -> ActionCommand {
    ActionCommand {
        service_name: ACTION_TWO.to_owned(),
        name: CALL.to_owned(),
        payload: Some(other_request(id)),
        metadata: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_carry_no_payload_and_later_commands_only_a_payload() {
        let header = header(PROCESS_STREAMED_IN);
        assert_eq!(header.service_name, ACTION_TCK_MODEL);
        assert_eq!(header.name, "ProcessStreamedIn");
        assert!(header.payload.is_none());
        let next = payload_only(&single([reply("one")]));
        assert!(next.service_name.is_empty() && next.name.is_empty());
        assert_eq!(
            next.payload.map(|any| any.type_url),
            Some("type.googleapis.com/cloudstate.tck.model.action.Request".to_owned())
        );
    }

    #[test]
    fn full_commands_name_their_method_and_two_calls_call_action_two() {
        let command = process_unary(&single([reply("x"), effect_of("a", true)]));
        assert_eq!(
            (command.service_name.as_str(), command.name.as_str()),
            (ACTION_TCK_MODEL, "ProcessUnary")
        );
        assert!(command.metadata.is_none() && command.payload.is_some());
        let call = two_call("a");
        assert_eq!(
            (call.service_name.as_str(), call.name.as_str()),
            (ACTION_TWO, "Call")
        );
        assert_eq!(call.payload, Some(other_request("a")));
    }

    #[test]
    fn requests_keep_their_groups_and_steps_in_order() {
        let request = request([group([]), group([sync_effect("b"), fail("f")])]);
        assert_eq!(request.groups.len(), 2);
        assert!(request.groups[0].steps.is_empty());
        assert_eq!(request.groups[1].steps, vec![sync_effect("b"), fail("f")]);
        assert_eq!(
            request.groups[1].steps[0].step,
            Some(Step::Effect(SideEffect {
                id: "b".to_owned(),
                synchronous: true
            }))
        );
    }
}
