//! The event-sourced model's messages as the lifecycle cases send and expect them: the client's requests
//! and calls, and the protocol messages on `EventSourced.handle` streams. They are those of the
//! event-sourced cases; the replies the lifecycle cases expect are spelt out here.

use cloudstate_protocol::cloudstate::eventsourced::EventSourcedStreamOut;

use crate::proxy::event_sourced::support::Expected;
pub(super) use crate::proxy::event_sourced::support::{
    HANDLE, call_configured, call_in, describe, emit, event_in, forward_to, init, process,
    process_in, process_ok, request, response,
};

/// The model's reply to command `command_id`: `Response{message}` with the events `Persisted{value}`.
pub(super) fn reply_out(command_id: i64, message: &str, events: &[&str]) -> EventSourcedStreamOut {
    Expected::reply(command_id, message).events(events).out()
}

/// The model's forward of command `command_id` to `EventSourcedTwo.Call` for entity `id`.
pub(super) fn forward_out(command_id: i64, id: &str) -> EventSourcedStreamOut {
    Expected::forward(command_id, id).out()
}

#[cfg(test)]
mod tests {
    use cloudstate_protocol::cloudstate::eventsourced::event_sourced_stream_in;
    use cloudstate_protocol::cloudstate::eventsourced::event_sourced_stream_out;

    use super::*;

    #[test]
    fn commands_name_the_requested_entity() {
        let Some(event_sourced_stream_in::Message::Command(command)) =
            call_in("other-1", 4).message
        else {
            panic!("not a command");
        };
        assert_eq!((command.entity_id.as_str(), command.id), ("other-1", 4));
        assert_eq!(command.name, "Call");
    }

    #[test]
    fn replies_carry_their_events_and_nothing_else() {
        let Some(event_sourced_stream_out::Message::Reply(reply)) =
            reply_out(2, "AB", &["A", "B"]).message
        else {
            panic!("not a reply");
        };
        assert_eq!((reply.command_id, reply.events.len()), (2, 2));
        assert!(reply.side_effects.is_empty() && reply.snapshot.is_none());
    }
}
