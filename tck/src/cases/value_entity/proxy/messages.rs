//! The value-entity model's messages as the restart, passivation and relay-timeout cases send and
//! expect them: the client's requests and calls, and the protocol messages on `ValueEntity.handle`
//! streams. They are those of the value-entity cases; the replies those cases expect are spelt out
//! here.

use cloudstate_protocol::cloudstate::valueentity::ValueEntityStreamOut;

pub(crate) use super::support::{call_configured, process_ok};
use crate::messages::value_entity::Expected;
pub(crate) use crate::messages::value_entity::{
    HANDLE, call_in, init, process_in, request, response, update,
};

/// The model's reply to command `command_id`: `Response{message}`, with the update to
/// `Persisted{value}` when `updated` is given.
pub(crate) fn reply_out(
    command_id: i64,
    message: &str,
    updated: Option<&str>,
) -> ValueEntityStreamOut {
    let reply = Expected::reply(command_id, message);
    match updated {
        Some(value) => reply.update(value),
        None => reply,
    }
    .out()
}

#[cfg(test)]
mod tests {
    use cloudstate_protocol::cloudstate::valueentity::value_entity_stream_out;

    use super::*;

    #[test]
    fn a_reply_updates_the_state_only_when_asked() {
        for (updated, expected) in [(Some("X"), true), (None, false)] {
            let Some(value_entity_stream_out::Message::Reply(reply)) =
                reply_out(1, "X", updated).message
            else {
                panic!("not a reply");
            };
            assert_eq!(reply.state_action.is_some(), expected);
        }
    }
}
