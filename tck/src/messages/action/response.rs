//! What the action model must answer: the `ActionResponse`s a conforming user function sends for a
//! result (reply, forward, failure or no outcome, each with its side effects, spec ACT-019 and ACT-020),
//! the model's `Response` message, and the removal of metadata by which responses and commands are
//! compared.

use cloudstate_protocol::cloudstate::action::{ActionCommand, ActionResponse, action_response};
use cloudstate_protocol::cloudstate::tck::model::action::Response;
use cloudstate_protocol::cloudstate::{self as protocol};
use cloudstate_protocol::names::model::ACTION_TWO;

use super::request::{CALL, RESPONSE, other_request};
use crate::messages::{failure_message, pack, side_effect};

/// The model's response message `Response{message}`.
pub(crate) fn response(message: &str) -> Response {
    Response {
        message: message.to_owned(),
    }
}

// ---- Side effects ----

/// Asynchronous side effects to `ActionTwo/Call`, one per ID, in this order.
pub(crate) fn effects<const N: usize>(ids: [&str; N]) -> Vec<protocol::SideEffect> {
    ids.into_iter().map(|id| effect_to(id, false)).collect()
}

/// Synchronous side effects to `ActionTwo/Call`, one per ID, in this order.
pub(crate) fn sync_effects<const N: usize>(ids: [&str; N]) -> Vec<protocol::SideEffect> {
    ids.into_iter().map(|id| effect_to(id, true)).collect()
}

/// A side effect to `ActionTwo/Call` with `OtherRequest{id}` and no metadata.
pub(crate) fn effect_to(id: &str, synchronous: bool) -> protocol::SideEffect {
    side_effect(ACTION_TWO, CALL, other_request(id), synchronous)
}

// ---- Results ----

/// A reply with `Response{message}` and no metadata, plus these side effects.
pub(crate) fn replied(message: &str, side_effects: Vec<protocol::SideEffect>) -> ActionResponse {
    let reply = protocol::Reply {
        payload: Some(pack(RESPONSE, &response(message))),
        metadata: None,
    };
    outcome(action_response::Response::Reply(reply), side_effects)
}

/// A forward to `ActionTwo/Call` with `OtherRequest{id}` and no metadata, plus these side effects.
pub(crate) fn forwarded(id: &str, side_effects: Vec<protocol::SideEffect>) -> ActionResponse {
    let forward = protocol::Forward {
        service_name: ACTION_TWO.to_owned(),
        command_name: CALL.to_owned(),
        payload: Some(other_request(id)),
        metadata: None,
    };
    outcome(action_response::Response::Forward(forward), side_effects)
}

/// A failure with this description, `command_id` 0 and `restart` false, plus these side effects.
pub(crate) fn failed(description: &str, side_effects: Vec<protocol::SideEffect>) -> ActionResponse {
    let failure = failure_message(0, description, false);
    outcome(action_response::Response::Failure(failure), side_effects)
}

/// A response with no outcome, only these side effects.
pub(crate) fn no_reply(side_effects: Vec<protocol::SideEffect>) -> ActionResponse {
    ActionResponse {
        side_effects,
        response: None,
    }
}

/// A response with this outcome and these side effects.
fn outcome(
    response: action_response::Response,
    side_effects: Vec<protocol::SideEffect>,
) -> ActionResponse {
    ActionResponse {
        side_effects,
        response: Some(response),
    }
}

// ---- Metadata aside ----

/// The command with its metadata removed, as commands are compared.
pub(crate) fn without_metadata_command(mut command: ActionCommand) -> ActionCommand {
    command.metadata = None;
    command
}

/// The response with the metadata of its reply or forward removed; its side effects keep theirs.
pub(crate) fn without_metadata_response(mut response: ActionResponse) -> ActionResponse {
    strip_reply_metadata(&mut response);
    response
}

/// Removes the metadata of the response's reply or forward.
fn strip_reply_metadata(response: &mut ActionResponse) {
    match &mut response.response {
        Some(action_response::Response::Reply(reply)) => reply.metadata = None,
        Some(action_response::Response::Forward(forward)) => forward.metadata = None,
        Some(action_response::Response::Failure(_)) | None => {}
    }
}

/// Removes the metadata of the response's reply, forward and side effects.
pub(crate) fn strip_metadata(response: &mut ActionResponse) {
    strip_reply_metadata(response);
    for effect in &mut response.side_effects {
        effect.metadata = None;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::messages::action::request::{OTHER_REQUEST, two_call};
    use cloudstate_protocol::cloudstate::tck::model::action::OtherRequest;

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

    #[test]
    fn replies_and_forwards_carry_the_model_messages() {
        let Some(action_response::Response::Reply(reply)) = replied("r", vec![]).response else {
            panic!("not a reply");
        };
        assert_eq!(reply.payload, Some(pack(RESPONSE, &response("r"))));
        assert_eq!(
            reply.payload.map(|any| any.type_url),
            Some("type.googleapis.com/cloudstate.tck.model.action.Response".to_owned())
        );
        let Some(action_response::Response::Forward(forward)) =
            forwarded("f", effects(["e"])).response
        else {
            panic!("not a forward");
        };
        assert_eq!(
            (forward.service_name.as_str(), forward.command_name.as_str()),
            (ACTION_TWO, "Call")
        );
        assert_eq!(forward.payload, two_call("f").payload);
    }

    #[test]
    fn metadata_is_set_aside_where_each_comparison_says() {
        let metadata = Some(protocol::Metadata { entries: vec![] });
        let mut command = two_call("a");
        command.metadata = metadata.clone();
        assert_eq!(without_metadata_command(command), two_call("a"));
        let mut response = replied("r", effects(["a"]));
        response.side_effects[0].metadata = metadata.clone();
        if let Some(action_response::Response::Reply(reply)) = &mut response.response {
            reply.metadata = metadata.clone();
        }
        let mut effect_kept = replied("r", effects(["a"]));
        effect_kept.side_effects[0].metadata = metadata.clone();
        assert_eq!(without_metadata_response(response.clone()), effect_kept);
        strip_metadata(&mut response);
        assert_eq!(response, replied("r", effects(["a"])));
        let mut forward = forwarded("f", vec![]);
        if let Some(action_response::Response::Forward(inner)) = &mut forward.response {
            inner.metadata = metadata;
        }
        strip_metadata(&mut forward);
        assert_eq!(forward, forwarded("f", vec![]));
    }
}
