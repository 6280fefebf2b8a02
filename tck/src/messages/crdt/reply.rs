//! What the model answers on a `Crdt.handle` stream, as the TCK expects it: replies to commands, the
//! messages of streamed commands, and the answers to cancellations. Forwards and side effects go to
//! `CrdtTwo.Call` with `Request{id}`.

use cloudstate_protocol::cloudstate::crdt::{
    CrdtDelete, CrdtDelta, CrdtReply, CrdtStateAction, CrdtStreamCancelledResponse, CrdtStreamOut,
    CrdtStreamedMessage, CrdtWriteConsistency, crdt_state_action, crdt_stream_out,
};
use cloudstate_protocol::cloudstate::tck::model::crdt::{Response, State};
use cloudstate_protocol::cloudstate::{ClientAction, SideEffect};
use cloudstate_protocol::names::model::CRDT_TWO;
use prost_types::Any;

use super::request::{CALL, REQUEST, RESPONSE, request};
use super::values::response;
use crate::messages::{failure, forward, pack, reply, side_effect};

/// `Request{id}`, packed: the payload of forwards and side effects to `CrdtTwo.Call`.
fn request_to_two(id: &str) -> Any {
    pack(REQUEST, &request(id, Vec::new()))
}

/// A side effect to `CrdtTwo.Call` carrying `Request{id}`.
fn side_effect_to_two(id: &str, synchronous: bool) -> SideEffect {
    side_effect(CRDT_TWO, CALL, request_to_two(id), synchronous)
}

/// `ClientAction.reply` with `Response{state}`.
fn reply_with(state: State) -> Option<ClientAction> {
    reply(pack(RESPONSE, &response(state)))
}

/// A state action of this kind, with this write consistency.
fn state_action(
    action: crdt_state_action::Action,
    consistency: CrdtWriteConsistency,
) -> CrdtStateAction {
    CrdtStateAction {
        write_consistency: consistency.into(),
        action: Some(action),
    }
}

/// The state action `update(delta)`, with this write consistency.
fn update_action(delta: CrdtDelta, consistency: CrdtWriteConsistency) -> CrdtStateAction {
    state_action(crdt_state_action::Action::Update(delta), consistency)
}

/// A `CrdtReply` the TCK expects, built up field by field.
#[derive(Debug, Clone)]
pub(crate) struct Expected(CrdtReply);

impl Expected {
    /// A reply to command `command_id` with this client action, and nothing else.
    fn with_action(command_id: i64, client_action: Option<ClientAction>) -> Self {
        Expected(CrdtReply {
            command_id,
            client_action,
            side_effects: Vec::new(),
            state_action: None,
            streamed: false,
        })
    }

    /// Reply to command `command_id` with `Response{state}`, and nothing else.
    pub(crate) fn reply(command_id: i64, state: State) -> Self {
        Self::with_action(command_id, reply_with(state))
    }

    /// Reply to command `command_id` with an empty `Response`: the answer of a `Call`.
    pub(crate) fn empty_reply(command_id: i64) -> Self {
        Self::with_action(command_id, reply(pack(RESPONSE, &Response::default())))
    }

    /// Reply to command `command_id` with no client action.
    pub(crate) fn no_action(command_id: i64) -> Self {
        Self::with_action(command_id, None)
    }

    /// Forward of command `command_id` to `CrdtTwo.Call` with `Request{id}`.
    pub(crate) fn forward(command_id: i64, id: &str) -> Self {
        Self::with_action(command_id, forward(CRDT_TWO, CALL, request_to_two(id)))
    }

    /// Failure of command `command_id` with this description (restart false).
    pub(crate) fn failure(command_id: i64, description: &str) -> Self {
        Self::with_action(command_id, failure(command_id, description))
    }

    /// With the state action `update(delta)`, write consistency `LOCAL`.
    pub(crate) fn update(self, delta: CrdtDelta) -> Self {
        self.update_with(delta, CrdtWriteConsistency::Local)
    }

    /// With the state action `update(delta)` and this write consistency.
    pub(crate) fn update_with(
        mut self,
        delta: CrdtDelta,
        consistency: CrdtWriteConsistency,
    ) -> Self {
        self.0.state_action = Some(update_action(delta, consistency));
        self
    }

    /// With the state action `delete`, write consistency `LOCAL`.
    pub(crate) fn delete(self) -> Self {
        self.delete_with(CrdtWriteConsistency::Local)
    }

    /// With the state action `delete` and this write consistency.
    pub(crate) fn delete_with(mut self, consistency: CrdtWriteConsistency) -> Self {
        let delete = crdt_state_action::Action::Delete(CrdtDelete {});
        self.0.state_action = Some(state_action(delete, consistency));
        self
    }

    /// With one more side effect to `CrdtTwo.Call` carrying `Request{id}`.
    pub(crate) fn side_effect(mut self, id: &str, synchronous: bool) -> Self {
        self.0
            .side_effects
            .push(side_effect_to_two(id, synchronous));
        self
    }

    /// With one more asynchronous side effect per id, in order.
    pub(crate) fn side_effects(self, ids: &[&str]) -> Self {
        ids.iter()
            .fold(self, |expected, id| expected.side_effect(id, false))
    }

    /// With `streamed` set.
    pub(crate) fn streamed(mut self) -> Self {
        self.0.streamed = true;
        self
    }

    /// The stream message.
    pub(crate) fn out(self) -> CrdtStreamOut {
        CrdtStreamOut {
            message: Some(crdt_stream_out::Message::Reply(self.0)),
        }
    }
}

/// A `CrdtStreamedMessage` the TCK expects.
#[derive(Debug, Clone)]
pub(crate) struct Streamed(CrdtStreamedMessage);

impl Streamed {
    /// A streamed message for command `command_id` with `Response{state}`.
    pub(crate) fn state(command_id: i64, state: State) -> Self {
        Streamed(CrdtStreamedMessage {
            command_id,
            client_action: reply_with(state),
            side_effects: Vec::new(),
            end_stream: false,
        })
    }

    /// With one more side effect to `CrdtTwo.Call` carrying `Request{id}`.
    pub(crate) fn side_effect(mut self, id: &str, synchronous: bool) -> Self {
        self.0
            .side_effects
            .push(side_effect_to_two(id, synchronous));
        self
    }

    /// With `end_stream` set.
    pub(crate) fn end_stream(mut self) -> Self {
        self.0.end_stream = true;
        self
    }

    /// The stream message.
    pub(crate) fn out(self) -> CrdtStreamOut {
        CrdtStreamOut {
            message: Some(crdt_stream_out::Message::StreamedMessage(self.0)),
        }
    }
}

/// The answer to the cancellation of streamed command `command_id`, with the state action
/// `update(delta)` (write consistency `LOCAL`) when given.
pub(crate) fn cancelled_response(command_id: i64, delta: Option<CrdtDelta>) -> CrdtStreamOut {
    CrdtStreamOut {
        message: Some(crdt_stream_out::Message::StreamCancelledResponse(
            CrdtStreamCancelledResponse {
                command_id,
                side_effects: Vec::new(),
                state_action: delta.map(|delta| update_action(delta, CrdtWriteConsistency::Local)),
            },
        )),
    }
}

#[cfg(test)]
mod tests {
    use cloudstate_protocol::cloudstate::client_action;

    use super::*;
    use crate::messages::crdt::{gcounter, gcounter_delta};

    fn reply_of(out: CrdtStreamOut) -> CrdtReply {
        match out.message {
            Some(crdt_stream_out::Message::Reply(reply)) => reply,
            other => panic!("not a reply: {other:?}"),
        }
    }

    #[test]
    fn a_forward_and_side_effects_call_crdt_two_with_the_target_id() {
        let reply = reply_of(Expected::forward(1, "t").side_effects(&["a", "b"]).out());
        let Some(client_action::Action::Forward(forwarded)) =
            reply.client_action.and_then(|action| action.action)
        else {
            panic!("not a forward");
        };
        assert_eq!(
            (
                forwarded.service_name.as_str(),
                forwarded.command_name.as_str()
            ),
            (CRDT_TWO, "Call")
        );
        assert_eq!(forwarded.payload, Some(request_to_two("t")));
        let called: Vec<_> = reply
            .side_effects
            .iter()
            .map(|effect| (effect.payload.clone(), effect.synchronous))
            .collect();
        assert_eq!(
            called,
            [
                (Some(request_to_two("a")), false),
                (Some(request_to_two("b")), false)
            ]
        );
    }

    #[test]
    fn state_actions_carry_their_write_consistency() {
        let reply = reply_of(
            Expected::reply(2, gcounter(1))
                .update_with(gcounter_delta(1), CrdtWriteConsistency::All)
                .out(),
        );
        assert_eq!(
            reply.state_action.map(|action| action.write_consistency),
            Some(2)
        );
        let deleted = reply_of(Expected::empty_reply(3).delete().out());
        assert_eq!(
            deleted.state_action,
            Some(state_action(
                crdt_state_action::Action::Delete(CrdtDelete {}),
                CrdtWriteConsistency::Local
            ))
        );
    }
}
