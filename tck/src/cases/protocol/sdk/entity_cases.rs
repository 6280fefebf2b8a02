//! Unexpected input on any entity stream: the same exchanges for event-sourced, value and CRDT entities.
//!
//! Where a user function that ignores the unexpected input would stay silent, the case sends an ordinary
//! command after it, so that such a user function gives itself away with a reply at once instead of
//! leaving the case to wait for its deadline.

use cloudstate_protocol::names::PROTOBUF_TYPE_URL_PREFIX;
use prost_types::Any;

use super::entity::{EntityProtocol, init, process};
use super::expect::{Accepted, expect_refused, expect_reply};
use crate::case::Verdict;
use crate::messages::command;
use crate::sdk::SdkCx;

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
