//! Unexpected input on any entity stream: the same exchanges for event-sourced, value and CRDT entities.
//!
//! Where a user function that ignores the unexpected input would stay silent, the case sends an ordinary
//! command after it, so that such a user function gives itself away with a reply at once instead of
//! leaving the case to wait for its deadline.

use cloudstate_protocol::names::PROTOBUF_TYPE_URL_PREFIX;
use cloudstate_protocol::names::model::{
    CRDT_TCK_MODEL, EVENT_SOURCED_TCK_MODEL, VALUE_ENTITY_TCK_MODEL,
};
use prost_types::Any;

use super::entity::{Crdt, EntityProtocol, EventSourced, ValueEntity, init, process};
use super::expect::{Accepted, expect_refused, expect_reply};
use crate::case::{Case, Verdict, sdk_case};
use crate::messages::command;
use crate::sdk::SdkCx;

/// The cases of this file, in run order.
pub(super) const CASES: &[Case] = &[
    sdk_case! {
        id: "protocol.sdk.event_sourced_command_before_init",
        summary: "a command before the init of an event-sourced stream is refused: a top-level Failure with command_id 0, or an error status",
        requirements: ["MAL-015", "MAL-019"],
        services: &[EVENT_SOURCED_TCK_MODEL],
        run: command_before_init::<EventSourced>,
    },
    sdk_case! {
        id: "protocol.sdk.event_sourced_second_init",
        summary: "a second init on an event-sourced stream is refused: a top-level Failure with command_id 0, or an error status",
        requirements: ["MAL-015", "MAL-019"],
        services: &[EVENT_SOURCED_TCK_MODEL],
        run: second_init::<EventSourced>,
    },
    sdk_case! {
        id: "protocol.sdk.event_sourced_empty_message",
        summary: "a message with no variant set on an event-sourced stream is ignored, or refused with a top-level Failure or an error status",
        requirements: ["MAL-016", "MAL-019"],
        services: &[EVENT_SOURCED_TCK_MODEL],
        run: empty_message::<EventSourced>,
    },
    sdk_case! {
        id: "protocol.sdk.event_sourced_unknown_service",
        summary: "an init of an event-sourced stream for a service nobody serves is refused: a top-level Failure with command_id 0, or an error status",
        requirements: ["MAL-015", "MAL-019"],
        services: &[EVENT_SOURCED_TCK_MODEL],
        run: unknown_service::<EventSourced>,
    },
    sdk_case! {
        id: "protocol.sdk.event_sourced_unknown_command",
        summary: "a command to a method the event-sourced service does not have is refused: a top-level Failure (with the command's id or 0), a failure of the command, or an error status",
        requirements: ["MAL-017", "MAL-019"],
        services: &[EVENT_SOURCED_TCK_MODEL],
        run: unknown_command::<EventSourced>,
    },
    sdk_case! {
        id: "protocol.sdk.event_sourced_payload_of_another_type",
        summary: "(SHOULD) a command to an event-sourced entity whose payload has the type URL of another message is refused: a top-level Failure (with the command's id or 0), a failure of the command, or an error status",
        requirements: ["MAL-018"],
        services: &[EVENT_SOURCED_TCK_MODEL],
        run: wrong_payload_type::<EventSourced>,
    },
    sdk_case! {
        id: "protocol.sdk.event_sourced_undecodable_payload",
        summary: "a command to an event-sourced entity whose payload bytes do not decode is refused: a top-level Failure (with the command's id or 0), a failure of the command, or an error status",
        requirements: ["MAL-017", "MAL-019"],
        services: &[EVENT_SOURCED_TCK_MODEL],
        run: undecodable_payload::<EventSourced>,
    },
    sdk_case! {
        id: "protocol.sdk.value_entity_command_before_init",
        summary: "a command before the init of a value-entity stream is refused: a top-level Failure with command_id 0, or an error status",
        requirements: ["MAL-015", "MAL-019"],
        services: &[VALUE_ENTITY_TCK_MODEL],
        run: command_before_init::<ValueEntity>,
    },
    sdk_case! {
        id: "protocol.sdk.value_entity_second_init",
        summary: "a second init on a value-entity stream is refused: a top-level Failure with command_id 0, or an error status",
        requirements: ["MAL-015", "MAL-019"],
        services: &[VALUE_ENTITY_TCK_MODEL],
        run: second_init::<ValueEntity>,
    },
    sdk_case! {
        id: "protocol.sdk.value_entity_empty_message",
        summary: "a message with no variant set on a value-entity stream is ignored, or refused with a top-level Failure or an error status",
        requirements: ["MAL-016", "MAL-019"],
        services: &[VALUE_ENTITY_TCK_MODEL],
        run: empty_message::<ValueEntity>,
    },
    sdk_case! {
        id: "protocol.sdk.value_entity_unknown_service",
        summary: "an init of a value-entity stream for a service nobody serves is refused: a top-level Failure with command_id 0, or an error status",
        requirements: ["MAL-015", "MAL-019"],
        services: &[VALUE_ENTITY_TCK_MODEL],
        run: unknown_service::<ValueEntity>,
    },
    sdk_case! {
        id: "protocol.sdk.value_entity_unknown_command",
        summary: "a command to a method the value-entity service does not have is refused: a top-level Failure (with the command's id or 0), a failure of the command, or an error status",
        requirements: ["MAL-017", "MAL-019"],
        services: &[VALUE_ENTITY_TCK_MODEL],
        run: unknown_command::<ValueEntity>,
    },
    sdk_case! {
        id: "protocol.sdk.value_entity_payload_of_another_type",
        summary: "(SHOULD) a command to a value entity whose payload has the type URL of another message is refused: a top-level Failure (with the command's id or 0), a failure of the command, or an error status",
        requirements: ["MAL-018"],
        services: &[VALUE_ENTITY_TCK_MODEL],
        run: wrong_payload_type::<ValueEntity>,
    },
    sdk_case! {
        id: "protocol.sdk.value_entity_undecodable_payload",
        summary: "a command to a value entity whose payload bytes do not decode is refused: a top-level Failure (with the command's id or 0), a failure of the command, or an error status",
        requirements: ["MAL-017", "MAL-019"],
        services: &[VALUE_ENTITY_TCK_MODEL],
        run: undecodable_payload::<ValueEntity>,
    },
    sdk_case! {
        id: "protocol.sdk.crdt_command_before_init",
        summary: "a command before the init of a CRDT stream is refused: a top-level Failure with command_id 0, or an error status",
        requirements: ["MAL-015", "MAL-019"],
        services: &[CRDT_TCK_MODEL],
        run: command_before_init::<Crdt>,
    },
    sdk_case! {
        id: "protocol.sdk.crdt_second_init",
        summary: "a second init on a CRDT stream is refused: a top-level Failure with command_id 0, or an error status",
        requirements: ["MAL-015", "MAL-019"],
        services: &[CRDT_TCK_MODEL],
        run: second_init::<Crdt>,
    },
    sdk_case! {
        id: "protocol.sdk.crdt_empty_message",
        summary: "a message with no variant set on a CRDT stream is ignored, or refused with a top-level Failure or an error status",
        requirements: ["MAL-016", "MAL-019"],
        services: &[CRDT_TCK_MODEL],
        run: empty_message::<Crdt>,
    },
    sdk_case! {
        id: "protocol.sdk.crdt_unknown_service",
        summary: "an init of a CRDT stream for a service nobody serves is refused: a top-level Failure with command_id 0, or an error status",
        requirements: ["MAL-015", "MAL-019"],
        services: &[CRDT_TCK_MODEL],
        run: unknown_service::<Crdt>,
    },
    sdk_case! {
        id: "protocol.sdk.crdt_unknown_command",
        summary: "a command to a method the CRDT service does not have is refused: a top-level Failure (with the command's id or 0), a failure of the command, or an error status",
        requirements: ["MAL-017", "MAL-019"],
        services: &[CRDT_TCK_MODEL],
        run: unknown_command::<Crdt>,
    },
    sdk_case! {
        id: "protocol.sdk.crdt_payload_of_another_type",
        summary: "(SHOULD) a command to a CRDT entity whose payload has the type URL of another message is refused: a top-level Failure (with the command's id or 0), a failure of the command, or an error status",
        requirements: ["MAL-018"],
        services: &[CRDT_TCK_MODEL],
        run: wrong_payload_type::<Crdt>,
    },
    sdk_case! {
        id: "protocol.sdk.crdt_undecodable_payload",
        summary: "a command to a CRDT entity whose payload bytes do not decode is refused: a top-level Failure (with the command's id or 0), a failure of the command, or an error status",
        requirements: ["MAL-017", "MAL-019"],
        services: &[CRDT_TCK_MODEL],
        run: undecodable_payload::<Crdt>,
    },
];

/// A service that no user function serves.
const UNKNOWN_SERVICE: &str = "cloudstate.tck.model.NoSuchService";
/// A method that no model service has.
const UNKNOWN_METHOD: &str = "NoSuchMethod";

/// MAL-015: a command as the first message of a stream.
pub(super) async fn command_before_init<K: EntityProtocol>(cx: SdkCx) -> Verdict {
    let id = K::fresh_id(&cx);
    let mut stream = K::open(&cx);
    stream.send(process::<K>(&id, 1));
    let sent = "a `Process` command sent before any init";
    expect_refused::<K>(&mut stream, 0, sent, Accepted::STREAM).await
}

/// MAL-015: a second init, after the entity has answered a command.
pub(super) async fn second_init<K: EntityProtocol>(cx: SdkCx) -> Verdict {
    let id = K::fresh_id(&cx);
    let mut stream = K::open(&cx);
    stream.send(init::<K>(&id));
    stream.send(process::<K>(&id, 1));
    expect_reply::<K>(&mut stream, 1).await?;
    stream.send(init::<K>(&id));
    stream.send(process::<K>(&id, 2));
    expect_refused::<K>(
        &mut stream,
        0,
        "a second init on the stream",
        Accepted::STREAM,
    )
    .await
}

/// MAL-016: a message with no variant set.
pub(super) async fn empty_message<K: EntityProtocol>(cx: SdkCx) -> Verdict {
    let id = K::fresh_id(&cx);
    let mut stream = K::open(&cx);
    stream.send(init::<K>(&id));
    stream.send(K::empty());
    stream.send(process::<K>(&id, 1));
    let sent = "a message with no variant set";
    expect_refused::<K>(&mut stream, 0, sent, Accepted::ignorable(1)).await
}

/// MAL-015: an init for a service the user function does not serve.
pub(super) async fn unknown_service<K: EntityProtocol>(cx: SdkCx) -> Verdict {
    let id = K::fresh_id(&cx);
    let mut stream = K::open(&cx);
    stream.send(K::init(UNKNOWN_SERVICE, &id));
    stream.send(process::<K>(&id, 1));
    let sent = format!("an init for the service `{UNKNOWN_SERVICE}`, which nobody serves");
    expect_refused::<K>(&mut stream, 0, &sent, Accepted::STREAM).await
}

/// MAL-017: a command to a method the service does not have.
pub(super) async fn unknown_command<K: EntityProtocol>(cx: SdkCx) -> Verdict {
    let id = K::fresh_id(&cx);
    let mut stream = K::open(&cx);
    stream.send(init::<K>(&id));
    let payload = request_payload(K::REQUEST, K::request(&id));
    stream.send(K::command(command(&id, 1, UNKNOWN_METHOD, payload)));
    let sent =
        format!("command 1 to the method `{UNKNOWN_METHOD}`, which the service does not have");
    expect_refused::<K>(&mut stream, 1, &sent, Accepted::COMMAND).await
}

/// MAL-018: a `Process` command whose payload says it is the model's response, with a request's bytes.
pub(super) async fn wrong_payload_type<K: EntityProtocol>(cx: SdkCx) -> Verdict {
    let id = K::fresh_id(&cx);
    let mut stream = K::open(&cx);
    stream.send(init::<K>(&id));
    let payload = request_payload(K::RESPONSE, K::request(&id));
    stream.send(K::command(command(&id, 1, "Process", payload)));
    let sent = format!(
        "`Process` command 1 whose payload has the type URL of `{}` instead of `{}`",
        K::RESPONSE,
        K::REQUEST
    );
    expect_refused::<K>(&mut stream, 1, &sent, Accepted::COMMAND).await
}

/// MAL-017: a `Process` command whose payload bytes are not an encoding of the request.
pub(super) async fn undecodable_payload<K: EntityProtocol>(cx: SdkCx) -> Verdict {
    let id = K::fresh_id(&cx);
    let mut stream = K::open(&cx);
    stream.send(init::<K>(&id));
    // Field 1, length 5, but only one byte follows.
    let payload = request_payload(K::REQUEST, vec![0x0a, 0x05, b'x']);
    stream.send(K::command(command(&id, 1, "Process", payload)));
    let sent = "`Process` command 1 whose payload bytes are a truncated encoding of the request";
    expect_refused::<K>(&mut stream, 1, sent, Accepted::COMMAND).await
}

/// An `Any` labelled as the message `full_name`, holding `bytes`.
fn request_payload(full_name: &str, bytes: Vec<u8>) -> Any {
    Any {
        type_url: format!("{PROTOBUF_TYPE_URL_PREFIX}{full_name}"),
        value: bytes,
    }
}
