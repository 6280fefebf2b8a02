//! The replies the event-sourced model must answer with, built up field by field: the client action
//! (reply, forward or failure), the events, the snapshot and the side effects.

use cloudstate_protocol::cloudstate::eventsourced::{
    EventSourcedReply, EventSourcedStreamOut, event_sourced_stream_out,
};
use cloudstate_protocol::cloudstate::tck::model::Response;
use cloudstate_protocol::cloudstate::{ClientAction, client_action};
use cloudstate_protocol::names::model::EVENT_SOURCED_TWO;

use super::model::{CALL, RESPONSE, call_payload, persisted};
use crate::messages::{failure_message, forward, pack, reply, side_effect};

/// `Response{message}`: what the model answers, the state after the command.
pub(crate) fn response(message: &str) -> Response {
    Response {
        message: message.to_owned(),
    }
}

/// A reply the model is expected to send, built up field by field.
#[derive(Debug, Clone)]
pub(crate) struct Expected(EventSourcedReply);

impl Expected {
    /// A reply to command `command_id` with this client action and nothing else.
    fn with_action(command_id: i64, client_action: Option<ClientAction>) -> Self {
        Expected(EventSourcedReply {
            command_id,
            client_action,
            side_effects: Vec::new(),
            events: Vec::new(),
            snapshot: None,
        })
    }

    /// Reply to command `command_id` with `Response{message}`, and no events, snapshot or side effects.
    pub(crate) fn reply(command_id: i64, message: &str) -> Self {
        Self::with_action(command_id, reply(pack(RESPONSE, &response(message))))
    }

    /// Forward of command `command_id` to `EventSourcedTwo.Call` with `Request{id}`.
    pub(crate) fn forward(command_id: i64, id: &str) -> Self {
        Self::with_action(
            command_id,
            forward(EVENT_SOURCED_TWO, CALL, call_payload(id)),
        )
    }

    /// Failure of command `command_id` with this description and this `restart` flag.
    pub(crate) fn failure(command_id: i64, description: &str, restart: bool) -> Self {
        let failure = failure_message(command_id, description, restart);
        Self::with_action(
            command_id,
            Some(ClientAction {
                action: Some(client_action::Action::Failure(failure)),
            }),
        )
    }

    /// With the events `Persisted{value}`, one per value, after any already there.
    pub(crate) fn events<S: AsRef<str>>(mut self, values: &[S]) -> Self {
        self.0
            .events
            .extend(values.iter().map(|value| persisted(value.as_ref())));
        self
    }

    /// With the snapshot `Persisted{state}`.
    pub(crate) fn snapshot(mut self, state: &str) -> Self {
        self.0.snapshot = Some(persisted(state));
        self
    }

    /// With one more side effect to `EventSourcedTwo.Call` carrying `Request{id}`.
    pub(crate) fn side_effect(mut self, id: &str, synchronous: bool) -> Self {
        self.0.side_effects.push(side_effect(
            EVENT_SOURCED_TWO,
            CALL,
            call_payload(id),
            synchronous,
        ));
        self
    }

    /// With one more asynchronous side effect per id, in order.
    pub(crate) fn side_effects(self, ids: &[&str]) -> Self {
        ids.iter()
            .fold(self, |expected, id| expected.side_effect(id, false))
    }

    /// The stream message.
    pub(crate) fn out(self) -> EventSourcedStreamOut {
        EventSourcedStreamOut {
            message: Some(event_sourced_stream_out::Message::Reply(self.0)),
        }
    }
}

#[cfg(test)]
mod tests {
    use cloudstate_protocol::cloudstate::tck::model::Request;
    use prost::Message as _;

    use super::*;
    use crate::messages::failure;

    /// The reply inside the stream message `expected` builds.
    fn reply_of(expected: Expected) -> EventSourcedReply {
        match expected.out().message {
            Some(event_sourced_stream_out::Message::Reply(reply)) => reply,
            other => panic!("not a reply: {other:?}"),
        }
    }

    #[test]
    fn a_failure_names_its_command_twice_and_carries_nothing_else() {
        let reply = reply_of(Expected::failure(4, "boom", true));
        assert_eq!(reply.command_id, 4);
        let Some(client_action::Action::Failure(failure)) =
            reply.client_action.and_then(|action| action.action)
        else {
            panic!("not a failure");
        };
        assert_eq!(
            (
                failure.command_id,
                failure.description.as_str(),
                failure.restart
            ),
            (4, "boom", true)
        );
        assert!(
            reply.events.is_empty() && reply.snapshot.is_none() && reply.side_effects.is_empty()
        );
    }

    #[test]
    fn a_failure_without_restart_is_the_shared_client_failure() {
        let reply = reply_of(Expected::failure(3, "boom", false));
        assert_eq!(reply.client_action, failure(3, "boom"));
    }

    #[test]
    fn snapshots_and_events_are_persisted_messages() {
        let reply = reply_of(Expected::reply(1, "AB").events(&["A", "B"]).snapshot("AB"));
        assert_eq!(reply.events, vec![persisted("A"), persisted("B")]);
        assert_eq!(
            reply.snapshot.map(|any| any.type_url).as_deref(),
            Some("type.googleapis.com/cloudstate.tck.model.Persisted")
        );
    }

    #[test]
    fn an_empty_reply_is_the_default_response() {
        let reply = reply_of(Expected::reply(2, ""));
        assert_eq!(
            reply.client_action,
            crate::messages::reply(pack(RESPONSE, &Response::default()))
        );
    }

    #[test]
    fn side_effects_and_forwards_call_the_second_service_with_the_named_request() {
        let reply = reply_of(
            Expected::forward(1, "f")
                .side_effect("s", true)
                .side_effects(&["a"]),
        );
        let Some(client_action::Action::Forward(forward)) =
            reply.client_action.and_then(|action| action.action)
        else {
            panic!("not a forward");
        };
        assert_eq!(
            (forward.service_name.as_str(), forward.command_name.as_str()),
            (EVENT_SOURCED_TWO, CALL)
        );
        let called: Vec<(String, bool)> = reply
            .side_effects
            .iter()
            .map(|effect| {
                let payload = effect.payload.clone().unwrap_or_default().value;
                let request = Request::decode(payload.as_slice()).unwrap_or_default();
                (request.id, effect.synchronous)
            })
            .collect();
        assert_eq!(called, [("s".to_owned(), true), ("a".to_owned(), false)]);
    }
}
