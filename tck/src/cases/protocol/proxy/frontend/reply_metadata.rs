//! The metadata of a reply becomes response headers of the client's call: text entries as text headers,
//! `-bin` entries as binary headers (spec FRONT-018). The model never sends reply metadata, so the TCK
//! adds it to the model's reply on its way to the proxy.

use bytes::Bytes;
use cloudstate_protocol::cloudstate::action::{ActionResponse, action_response};
use cloudstate_protocol::cloudstate::tck::model::action::action_tck_model_client::ActionTckModelClient;
use cloudstate_protocol::cloudstate::tck::model::valueentity::value_entity_tck_model_client::ValueEntityTckModelClient;
use cloudstate_protocol::cloudstate::tck::model::valueentity::{self};
use cloudstate_protocol::cloudstate::valueentity::{
    ValueEntityStreamIn, ValueEntityStreamOut, value_entity_stream_out,
};
use cloudstate_protocol::cloudstate::{Metadata, client_action};
use prost::Message as _;
use tonic::metadata::MetadataMap;

use super::support::{
    HANDLE_UNARY, VALUE_ENTITY_HANDLE, bytes_entry, call_keeping_headers, read_unary_action_call,
    reply_request, text_entry,
};
use crate::case::{CaseFailure, Verdict};
use crate::proxy::ProxyCx;

/// The text entry the TCK adds to the reply.
const TEXT_KEY: &str = "x-tck-answered-by";
/// Its value.
const TEXT: &str = "the user function";
/// The binary entry the TCK adds to the reply.
const BINARY_KEY: &str = "x-tck-answer-bin";
/// Its value: bytes that are not text.
const BINARY: &[u8] = &[0x00, 0x07, 0x80, 0xff];

/// The metadata the TCK gives the reply.
fn reply_metadata() -> Metadata {
    Metadata {
        entries: vec![text_entry(TEXT_KEY, TEXT), bytes_entry(BINARY_KEY, BINARY)],
    }
}

/// An action response whose reply gets [`reply_metadata`]; `None` for other responses.
fn action_reply_with_metadata(message: &Bytes) -> Option<Bytes> {
    let mut response = ActionResponse::decode(message.clone()).ok()?;
    let Some(action_response::Response::Reply(reply)) = response.response.as_mut() else {
        return None;
    };
    reply.metadata = Some(reply_metadata());
    Some(Bytes::from(response.encode_to_vec()))
}

/// A value-entity reply whose client action, a reply, gets [`reply_metadata`]; `None` for other
/// messages.
fn entity_reply_with_metadata(message: &Bytes) -> Option<Bytes> {
    let mut out = ValueEntityStreamOut::decode(message.clone()).ok()?;
    let Some(value_entity_stream_out::Message::Reply(reply)) = out.message.as_mut() else {
        return None;
    };
    let Some(client_action::Action::Reply(reply)) = reply
        .client_action
        .as_mut()
        .and_then(|action| action.action.as_mut())
    else {
        return None;
    };
    reply.metadata = Some(reply_metadata());
    Some(Bytes::from(out.encode_to_vec()))
}

/// Checks that the client's response headers carry both entries of [`reply_metadata`].
fn expect_reply_headers(headers: &MetadataMap, what: &str) -> Verdict {
    let text = headers.get(TEXT_KEY).and_then(|value| value.to_str().ok());
    let binary = headers
        .get_bin(BINARY_KEY)
        .and_then(|value| value.to_bytes().ok());
    if text == Some(TEXT) && binary.as_deref() == Some(BINARY) {
        return Ok(());
    }
    Err(CaseFailure::mismatch(
        format!(
            "the response headers of {what} do not carry the metadata of the user function's reply"
        ),
        format!("{TEXT_KEY}: {TEXT:?} and {BINARY_KEY}: {BINARY:?} (base64)"),
        format!("{headers:?}"),
    ))
}

/// New: the TCK adds a text entry and a `-bin` entry to the metadata of the model's reply to
/// `ActionTckModel.ProcessUnary [reply meta]`. The client must get the reply with both as response
/// headers, the binary one decoding to the same bytes.
pub(super) async fn action_reply_metadata_becomes_headers(cx: ProxyCx) -> Verdict {
    cx.intercept()
        .rewrite_next_from_user_function(HANDLE_UNARY, action_reply_with_metadata);
    let what = "ActionTckModel.ProcessUnary [reply meta], its reply given metadata by the TCK";
    let mut client = ActionTckModelClient::new(cx.channel());
    let call = client.process_unary(reply_request("meta"));
    let outcome = call_keeping_headers(&cx, what, call, |reply| format!("{reply:?}")).await?;
    let headers = match outcome {
        Ok((headers, reply)) if reply.message == "meta" => headers,
        other => {
            return Err(CaseFailure::mismatch(
                format!("{what} did not get its reply"),
                "Response { message: \"meta\" }".to_owned(),
                format!("{:?}", other.map(|(_, reply)| reply)),
            ));
        }
    };
    let call = read_unary_action_call(cx.expect_call(HANDLE_UNARY).await?).await?;
    if call.responses.len() != 1 {
        return Err(CaseFailure::fail(format!(
            "the handleUnary call carried {} responses instead of one",
            call.responses.len()
        )));
    }
    expect_reply_headers(&headers, what)
}

/// New: the same for `ValueEntityTckModel.Process` on a new entity: the TCK adds the two entries to the
/// metadata of the reply's client action, and the client must get them as response headers.
pub(super) async fn entity_reply_metadata_becomes_headers(cx: ProxyCx) -> Verdict {
    let id = cx.fresh_id("reply-headers");
    cx.intercept()
        .rewrite_next_from_user_function(VALUE_ENTITY_HANDLE, entity_reply_with_metadata);
    let what =
        format!("ValueEntityTckModel.Process {{id: {id}}}, its reply given metadata by the TCK");
    let request = valueentity::Request {
        id,
        actions: Vec::new(),
    };
    let mut client = ValueEntityTckModelClient::new(cx.channel());
    let call = client.process(request);
    let outcome = call_keeping_headers(&cx, &what, call, |reply| format!("{reply:?}")).await?;
    let headers = match outcome {
        Ok((headers, reply)) if reply.message.is_empty() => headers,
        other => {
            return Err(CaseFailure::mismatch(
                format!("{what} did not get the new entity's empty state"),
                "Response { message: \"\" }".to_owned(),
                format!("{:?}", other.map(|(_, reply)| reply)),
            ));
        }
    };
    let mut entity = cx.expect_call(VALUE_ENTITY_HANDLE).await?;
    let _init: ValueEntityStreamIn = entity.recv_from_proxy().await?;
    let _command: ValueEntityStreamIn = entity.recv_from_proxy().await?;
    let _reply: ValueEntityStreamOut = entity.recv_from_user_function().await?;
    expect_reply_headers(&headers, &what)
}

#[cfg(test)]
mod tests {
    use cloudstate_protocol::cloudstate::valueentity::ValueEntityReply;
    use cloudstate_protocol::cloudstate::{ClientAction, Reply};

    use super::*;

    #[test]
    fn only_replies_get_metadata() {
        let reply = ActionResponse {
            side_effects: Vec::new(),
            response: Some(action_response::Response::Reply(Reply::default())),
        };
        let changed = action_reply_with_metadata(&Bytes::from(reply.encode_to_vec()))
            .and_then(|bytes| ActionResponse::decode(bytes).ok());
        let Some(action_response::Response::Reply(changed)) = changed.and_then(|r| r.response)
        else {
            panic!("not a reply");
        };
        assert_eq!(changed.metadata, Some(reply_metadata()));
        assert_eq!(
            action_reply_with_metadata(&Bytes::from(ActionResponse::default().encode_to_vec())),
            None
        );
    }

    #[test]
    fn an_entity_reply_gets_metadata_on_its_client_action() {
        let out = ValueEntityStreamOut {
            message: Some(value_entity_stream_out::Message::Reply(ValueEntityReply {
                command_id: 1,
                client_action: Some(ClientAction {
                    action: Some(client_action::Action::Reply(Reply::default())),
                }),
                side_effects: Vec::new(),
                state_action: None,
            })),
        };
        let changed = entity_reply_with_metadata(&Bytes::from(out.encode_to_vec()))
            .and_then(|bytes| ValueEntityStreamOut::decode(bytes).ok());
        assert!(format!("{changed:?}").contains(TEXT_KEY));
    }
}
