//! A client's request headers reach the user function as the metadata of the command its call becomes:
//! text headers as text, `-bin` headers as their decoded bytes, and none of the transport's own headers
//! (spec FRONT-016, FRONT-017).

use cloudstate_protocol::cloudstate::Metadata;
use cloudstate_protocol::cloudstate::tck::model::action::action_tck_model_client::ActionTckModelClient;
use cloudstate_protocol::cloudstate::tck::model::valueentity::value_entity_tck_model_client::ValueEntityTckModelClient;
use cloudstate_protocol::cloudstate::tck::model::valueentity::{self, Response};
use cloudstate_protocol::cloudstate::valueentity::{
    ValueEntityStreamIn, ValueEntityStreamOut, value_entity_stream_in,
};
use tonic::metadata::MetadataValue;

use super::support::{
    HANDLE_UNARY, VALUE_ENTITY_HANDLE, bytes_entry, call_keeping_headers, holds, keys,
    read_unary_action_call, reply_request, text_entry,
};
use crate::case::{CaseFailure, Verdict};
use crate::proxy::ProxyCx;

/// The text header the client sends.
const TEXT_KEY: &str = "x-tck-caller";
/// Its value.
const TEXT: &str = "the TCK, in proxy mode";
/// The binary header the client sends.
const BINARY_KEY: &str = "x-tck-trace-bin";
/// Its value: bytes that are not text.
const BINARY: &[u8] = &[0x00, 0x01, 0x7f, 0x80, 0xfe, 0xff];

/// `message` with the two request headers of these cases.
pub(super) fn with_headers<T>(message: T) -> tonic::Request<T> {
    let mut request = tonic::Request::new(message);
    let headers = request.metadata_mut();
    headers.insert(TEXT_KEY, MetadataValue::from_static(TEXT));
    headers.insert_bin(BINARY_KEY, MetadataValue::from_bytes(BINARY));
    request
}

/// How the cases describe the headers they send.
pub(super) fn headers_sent() -> String {
    format!("with request headers {TEXT_KEY}: {TEXT:?} and {BINARY_KEY}: {BINARY:?}")
}

/// Whether a metadata key is one of the transport's own headers, which a proxy must not pass on.
fn is_transport_header(key: &str) -> bool {
    let key = key.to_ascii_lowercase();
    key.starts_with(':')
        || key.starts_with("grpc-")
        || ["content-type", "te", "user-agent"].contains(&key.as_str())
}

/// Checks that `metadata`, of `what`, holds both request headers and none of the transport's own.
pub(super) fn expect_headers(metadata: Option<&Metadata>, what: &str) -> Verdict {
    let wanted = [text_entry(TEXT_KEY, TEXT), bytes_entry(BINARY_KEY, BINARY)];
    for entry in wanted {
        if !holds(metadata, &entry) {
            return Err(CaseFailure::mismatch(
                format!(
                    "the metadata of {what} does not carry the client's request header {}",
                    entry.key
                ),
                format!("an entry {entry:?} among the entries"),
                keys(metadata),
            ));
        }
    }
    let transport = metadata
        .into_iter()
        .flat_map(|metadata| &metadata.entries)
        .find(|entry| is_transport_header(&entry.key));
    if let Some(entry) = transport {
        return Err(CaseFailure::fail(format!(
            "the metadata of {what} carries the transport's own header {:?}, which is not the client's \
             metadata: {}",
            entry.key,
            keys(metadata)
        )));
    }
    Ok(())
}

/// New: `ActionTckModel.ProcessUnary [reply headers]` with a text header and a `-bin` header. The
/// `ActionCommand` of the proxy's `handleUnary` call must carry the first as a `string_value`, the
/// second as a `bytes_value` with the bytes the client sent, and none of the transport's own headers;
/// the client gets the reply.
pub(super) async fn request_headers_reach_action_metadata(cx: ProxyCx) -> Verdict {
    let steps = reply_request("headers");
    let what = format!(
        "ActionTckModel.ProcessUnary [reply headers] {}",
        headers_sent()
    );
    let mut client = ActionTckModelClient::new(cx.channel());
    let call = client.process_unary(with_headers(steps));
    let outcome = call_keeping_headers(&cx, &what, call, |reply| format!("{reply:?}")).await?;
    match outcome {
        Ok((_, reply)) if reply.message == "headers" => {}
        other => {
            return Err(CaseFailure::mismatch(
                format!("{what} did not get its reply"),
                "Response { message: \"headers\" }".to_owned(),
                format!("{:?}", other.map(|(_, reply)| reply)),
            ));
        }
    }
    let call = read_unary_action_call(cx.expect_call(HANDLE_UNARY).await?).await?;
    let Some(command) = call.commands.first() else {
        return Err(CaseFailure::fail(
            "the proxy's handleUnary call carried no command",
        ));
    };
    expect_headers(
        command.metadata.as_ref(),
        "the ActionCommand of the proxy's handleUnary call",
    )
}

/// New: `ValueEntityTckModel.Process` for a new entity with a text header and a `-bin` header. The
/// `Command` on the entity's new stream must carry both, as for an action, and none of the transport's
/// own headers; the client gets the (empty) state.
pub(super) async fn request_headers_reach_entity_metadata(cx: ProxyCx) -> Verdict {
    let id = cx.fresh_id("headers");
    let request = valueentity::Request {
        id: id.clone(),
        actions: Vec::new(),
    };
    let what = format!(
        "ValueEntityTckModel.Process {{id: {id}}} {}",
        headers_sent()
    );
    let mut client = ValueEntityTckModelClient::new(cx.channel());
    let call = client.process(with_headers(request));
    let outcome = call_keeping_headers(&cx, &what, call, |reply| format!("{reply:?}")).await?;
    if !matches!(&outcome, Ok((_, reply)) if *reply == Response::default()) {
        return Err(CaseFailure::mismatch(
            format!("{what} did not get the new entity's empty state"),
            format!("{:?}", Response::default()),
            format!("{:?}", outcome.map(|(_, reply)| reply)),
        ));
    }
    let mut entity = cx.expect_call(VALUE_ENTITY_HANDLE).await?;
    let init: ValueEntityStreamIn = entity.recv_from_proxy().await?;
    if !matches!(init.message, Some(value_entity_stream_in::Message::Init(_))) {
        return Err(CaseFailure::fail(format!(
            "the entity's stream did not start with an init but with {init:?}"
        )));
    }
    let command: ValueEntityStreamIn = entity.recv_from_proxy().await?;
    let Some(value_entity_stream_in::Message::Command(command)) = command.message else {
        return Err(CaseFailure::fail(format!(
            "the entity's stream did not carry the client's command after its init but {command:?}"
        )));
    };
    let _: ValueEntityStreamOut = entity.recv_from_user_function().await?;
    expect_headers(
        command.metadata.as_ref(),
        "the Command on the entity's ValueEntity.handle stream",
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn transport_headers_are_told_apart_from_metadata() {
        for key in [
            "content-type",
            "TE",
            "grpc-timeout",
            ":authority",
            "user-agent",
        ] {
            assert!(is_transport_header(key), "{key}");
        }
        assert!(!is_transport_header(TEXT_KEY));
        assert!(!is_transport_header(BINARY_KEY));
    }

    #[test]
    fn both_headers_are_needed_and_transport_headers_are_refused() {
        let good = Metadata {
            entries: vec![text_entry(TEXT_KEY, TEXT), bytes_entry(BINARY_KEY, BINARY)],
        };
        assert!(expect_headers(Some(&good), "x").is_ok());
        assert!(expect_headers(None, "x").is_err());
        let as_text = Metadata {
            entries: vec![
                text_entry(TEXT_KEY, TEXT),
                text_entry(BINARY_KEY, "AAF/gP7/"),
            ],
        };
        assert!(expect_headers(Some(&as_text), "x").is_err());
        let mut leaky = good;
        leaky.entries.push(text_entry("te", "trailers"));
        assert!(expect_headers(Some(&leaky), "x").is_err());
    }
}
