//! Value-entity scenarios on the wire: generated actions become the model's requests, and the oracle's
//! answers become the replies of `crate::messages::value_entity`. Forward and side-effect targets are
//! named `<two>-<n>`, so that proxy scenarios can use targets of their own.

use cloudstate_protocol::cloudstate::tck::model::valueentity::{Request, RequestAction};
use cloudstate_protocol::cloudstate::valueentity::{ValueEntityStreamIn, ValueEntityStreamOut};

use crate::messages::value_entity::{
    self as messages, Expected, delete, effect, fail, forward_to, update,
};
pub(crate) use crate::messages::value_entity::{REQUEST, init, target_request};
use crate::property::oracle::{FAILURE, Outcome, StateAction, VeAnswer};
use crate::property::proxy::targets::{target, then_failure};
use crate::property::strategy::VeAction;

/// `Request{id, actions}` for `ValueEntityTckModel.Process`, then `Fail` if `fail`.
pub(crate) fn request(id: &str, actions: &[VeAction], fail_too: bool, two: &str) -> Request {
    let each = |one: &VeAction| -> RequestAction {
        match one {
            VeAction::Update(n) => update(&format!("v{n}")),
            VeAction::Delete => delete(),
            VeAction::Forward(n) => forward_to(&target(two, *n)),
            VeAction::Effect(n, sync) => effect(&target(two, *n), *sync),
        }
    };
    let actions = then_failure(actions, fail_too, each, |message| fail(&message));
    messages::request(id, actions)
}

/// `Request{id, actions: [Update{value}]}`: a request whose reply carries `value`.
pub(crate) fn updating(id: &str, value: &str) -> Request {
    messages::request(id, vec![update(value)])
}

/// Command `command_id` to `name` carrying `request`, for the entity the request names.
pub(crate) fn command_in(command_id: i64, name: &str, request: &Request) -> ValueEntityStreamIn {
    messages::command_in(&request.id, command_id, name, request)
}

/// The oracle's answer to command `command_id` as the reply on the stream.
pub(crate) fn expected(command_id: i64, answer: &VeAnswer, two: &str) -> ValueEntityStreamOut {
    let expected = match &answer.outcome {
        Outcome::Reply(message) => Expected::reply(command_id, message),
        Outcome::Forward(n) => Expected::forward(command_id, &target(two, *n)),
        Outcome::Failure => Expected::failure(command_id, FAILURE),
    };
    let expected = match &answer.state_action {
        Some(StateAction::Update(value)) => expected.update(value),
        Some(StateAction::Delete) => expected.delete(),
        None => expected,
    };
    answer
        .effects
        .iter()
        .fold(expected, |expected, (n, synchronous)| {
            expected.side_effect(&target(two, *n), *synchronous)
        })
        .out()
}

/// The reply of `ValueEntityTwo.Call`: an empty `Response` and nothing else.
pub(crate) fn empty_reply(command_id: i64) -> ValueEntityStreamOut {
    Expected::reply(command_id, "").out()
}
