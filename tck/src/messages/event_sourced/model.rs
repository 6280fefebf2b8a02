//! The event-sourced model's own messages: their full names, the command names, the `Request`s the cases
//! send with their actions, and the packed payloads (`Persisted` events and snapshots, `Request{id}` of
//! forwards and side effects).

use cloudstate_protocol::cloudstate::tck::model::{
    Effect, Emit, Fail, Forward, Persisted, Request, RequestAction, request_action,
};
use prost_types::Any;

use crate::messages::entity_request::entity_request_builders;
use crate::messages::pack;

/// Full name of the model's request message.
pub(crate) const REQUEST: &str = "cloudstate.tck.model.Request";
/// Full name of the model's response message.
pub(crate) const RESPONSE: &str = "cloudstate.tck.model.Response";
/// Full name of the model's events and snapshots.
pub(crate) const PERSISTED: &str = "cloudstate.tck.model.Persisted";

/// The command of `EventSourcedTckModel`.
pub(crate) const PROCESS: &str = "Process";
/// The command of `EventSourcedTwo` and `EventSourcedConfigured`, the target of forwards and side
/// effects.
pub(crate) const CALL: &str = "Call";
/// The client's method of `EventSourcedTckModel`, as traces name it.
pub(crate) const PROCESS_METHOD: &str = "EventSourcedTckModel.Process";
/// The protocol method of event-sourced entities, as the proxy calls it.
pub(crate) const HANDLE: &str = "/cloudstate.eventsourced.EventSourced/handle";

/// The failure message the cases ask the model to fail with.
pub(crate) const EXPECTED_FAILURE: &str = "expected failure";

entity_request_builders!();

/// `Request{id}` with no actions: what forwards and side effects carry, and what `Call` takes.
pub(crate) fn call_request(id: &str) -> Request {
    request(id, Vec::new())
}

/// `Request{id}`, packed: the payload of forwards and side effects to `EventSourcedTwo.Call`.
pub(crate) fn call_payload(id: &str) -> Any {
    pack(REQUEST, &call_request(id))
}

/// The action `Emit{value}`.
pub(crate) fn emit(value: &str) -> RequestAction {
    action(request_action::Action::Emit(Emit {
        value: value.to_owned(),
    }))
}

/// One `Emit` action per value, in order.
pub(crate) fn emits<S: AsRef<str>>(values: &[S]) -> Vec<RequestAction> {
    values.iter().map(|value| emit(value.as_ref())).collect()
}

/// One asynchronous `Effect` action per id, in order.
pub(crate) fn effects(ids: &[&str]) -> Vec<RequestAction> {
    ids.iter().map(|id| effect(id, false)).collect()
}

/// `Persisted{value}`, packed: the model's events and snapshots.
pub(crate) fn persisted(value: &str) -> Any {
    pack(
        PERSISTED,
        &Persisted {
            value: value.to_owned(),
        },
    )
}

#[cfg(test)]
mod tests {
    use prost::Message as _;

    use super::*;

    #[test]
    fn events_are_packed_as_the_model_persisted_message() {
        let any = persisted("A");
        assert_eq!(
            any.type_url,
            "type.googleapis.com/cloudstate.tck.model.Persisted"
        );
        assert_eq!(
            Persisted::decode(any.value.as_slice()).ok(),
            Some(Persisted { value: "A".into() })
        );
    }

    #[test]
    fn forwards_and_side_effects_carry_a_request_without_actions() {
        let any = call_payload("two-1");
        assert_eq!(
            any.type_url,
            "type.googleapis.com/cloudstate.tck.model.Request"
        );
        let request = Request::decode(any.value.as_slice()).ok();
        assert_eq!(request, Some(call_request("two-1")));
        assert!(request.is_some_and(|request| request.actions.is_empty()));
    }

    #[test]
    fn actions_keep_their_order_and_flags() {
        let mut actions = emits(&["A", "B"]);
        actions.extend(effects(&["1"]));
        actions.push(effect("2", true));
        actions.push(forward_to("3"));
        actions.push(fail(EXPECTED_FAILURE));
        let kinds: Vec<String> = actions
            .into_iter()
            .filter_map(|action| action.action)
            .map(|action| match action {
                request_action::Action::Emit(emit) => format!("emit {}", emit.value),
                request_action::Action::Effect(effect) => {
                    format!("effect {} {}", effect.id, effect.synchronous)
                }
                request_action::Action::Forward(forward) => format!("forward {}", forward.id),
                request_action::Action::Fail(fail) => format!("fail {}", fail.message),
            })
            .collect();
        assert_eq!(
            kinds,
            [
                "emit A",
                "emit B",
                "effect 1 false",
                "effect 2 true",
                "forward 3",
                "fail expected failure"
            ]
        );
    }
}
