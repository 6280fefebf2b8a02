//! The event-sourced model's messages as the restart, ordering, forward, passivation and relay-timeout
//! cases send and expect them: the client's requests and calls, and the protocol messages on
//! `EventSourced.handle` streams. They are the shared messages of `messages::event_sourced` and the
//! client calls of the event-sourced cases; the replies those cases expect are spelt out here.

use cloudstate_protocol::cloudstate::eventsourced::EventSourcedStreamOut;

pub(crate) use super::support::{call_configured, describe, process, process_ok};
use crate::messages::event_sourced::Expected;
pub(crate) use crate::messages::event_sourced::{
    HANDLE, call_in, emit, event_in, forward_to, init, process_in, request, response,
};

/// The model's reply to command `command_id`: `Response{message}` with the events `Persisted{value}`.
pub(crate) fn reply_out(command_id: i64, message: &str, events: &[&str]) -> EventSourcedStreamOut {
    Expected::reply(command_id, message).events(events).out()
}

/// The model's forward of command `command_id` to `EventSourcedTwo.Call` for entity `id`.
pub(crate) fn forward_out(command_id: i64, id: &str) -> EventSourcedStreamOut {
    Expected::forward(command_id, id).out()
}

#[cfg(test)]
mod tests {
    use cloudstate_protocol::cloudstate::eventsourced::event_sourced_stream_out;

    use super::*;

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
