//! Building the payloads and protocol messages that SDK-mode cases send and expect.

use cloudstate_protocol::cloudstate::{
    ClientAction, Command, Failure, Forward, Reply, SideEffect, client_action,
};
use cloudstate_protocol::names::PROTOBUF_TYPE_URL_PREFIX;
use prost::Message;
use prost_types::Any;

/// Packs a message into an `Any` with type URL `type.googleapis.com/<full_name>`, canonically encoded.
pub(crate) fn pack<M: Message>(full_name: &str, message: &M) -> Any {
    Any {
        type_url: format!("{PROTOBUF_TYPE_URL_PREFIX}{full_name}"),
        value: message.encode_to_vec(),
    }
}

/// A command as a proxy sends it: no metadata, not streamed.
pub(crate) fn command(entity_id: &str, id: i64, name: &str, payload: Any) -> Command {
    Command {
        entity_id: entity_id.to_owned(),
        id,
        name: name.to_owned(),
        payload: Some(payload),
        streamed: false,
        metadata: None,
    }
}

/// `ClientAction.reply` with this payload and no metadata.
pub(crate) fn reply(payload: Any) -> Option<ClientAction> {
    Some(ClientAction {
        action: Some(client_action::Action::Reply(Reply {
            payload: Some(payload),
            metadata: None,
        })),
    })
}

/// `ClientAction.forward` to `service`/`command` with this payload and no metadata.
pub(crate) fn forward(service: &str, command: &str, payload: Any) -> Option<ClientAction> {
    Some(ClientAction {
        action: Some(client_action::Action::Forward(Forward {
            service_name: service.to_owned(),
            command_name: command.to_owned(),
            payload: Some(payload),
            metadata: None,
        })),
    })
}

/// `ClientAction.failure` for a command, with `restart` false.
pub(crate) fn failure(command_id: i64, description: &str) -> Option<ClientAction> {
    Some(ClientAction {
        action: Some(client_action::Action::Failure(failure_message(
            command_id,
            description,
            false,
        ))),
    })
}

/// A `Failure` message.
pub(crate) fn failure_message(command_id: i64, description: &str, restart: bool) -> Failure {
    Failure {
        command_id,
        description: description.to_owned(),
        restart,
    }
}

/// A side effect to `service`/`command` with this payload and no metadata.
pub(crate) fn side_effect(
    service: &str,
    command: &str,
    payload: Any,
    synchronous: bool,
) -> SideEffect {
    SideEffect {
        service_name: service.to_owned(),
        command_name: command.to_owned(),
        payload: Some(payload),
        synchronous,
        metadata: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pack_uses_the_googleapis_type_url_and_canonical_bytes() {
        let request = cloudstate_protocol::cloudstate::tck::model::Request {
            id: "e".into(),
            actions: vec![],
        };
        let any = pack("cloudstate.tck.model.Request", &request);
        assert_eq!(
            any.type_url,
            "type.googleapis.com/cloudstate.tck.model.Request"
        );
        assert_eq!(any.value, vec![0x0a, 0x01, b'e']);
    }
}
