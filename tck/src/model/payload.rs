//! Packing and unpacking the model's messages in `google.protobuf.Any`.
//!
//! Every payload of the model is a protobuf message packed with the type URL
//! `type.googleapis.com/<full message name>`. The bytes are prost's encoding, which is canonical: fields in
//! tag order, proto3 default values left out. The TCK compares payloads byte for byte, so nothing else may
//! be used to encode them.

use cloudstate_protocol::cloudstate::tck::model as es;
use cloudstate_protocol::cloudstate::tck::model::{action, crdt, metadata, valueentity};
use cloudstate_protocol::names::PROTOBUF_TYPE_URL_PREFIX;
use prost::Message;
use prost_types::Any;

/// A model message that knows its full protobuf name.
pub(crate) trait ModelMessage: Message + Default {
    /// The full protobuf name, e.g. `cloudstate.tck.model.action.Request`.
    const FULL_NAME: &'static str;
}

macro_rules! model_messages {
    ($($ty:ty => $name:literal,)*) => {
        $(impl ModelMessage for $ty {
            const FULL_NAME: &'static str = $name;
        })*
    };
}

model_messages! {
    action::Request => "cloudstate.tck.model.action.Request",
    action::Response => "cloudstate.tck.model.action.Response",
    action::OtherRequest => "cloudstate.tck.model.action.OtherRequest",
    valueentity::Request => "cloudstate.tck.model.valueentity.Request",
    valueentity::Response => "cloudstate.tck.model.valueentity.Response",
    valueentity::Persisted => "cloudstate.tck.model.valueentity.Persisted",
    es::Request => "cloudstate.tck.model.Request",
    es::Response => "cloudstate.tck.model.Response",
    es::Persisted => "cloudstate.tck.model.Persisted",
    crdt::Request => "cloudstate.tck.model.crdt.Request",
    crdt::StreamedRequest => "cloudstate.tck.model.crdt.StreamedRequest",
    crdt::Response => "cloudstate.tck.model.crdt.Response",
    metadata::MetadataRequest => "cloudstate.tck.model.metadata.MetadataRequest",
    metadata::MetadataResponse => "cloudstate.tck.model.metadata.MetadataResponse",
}

/// Why a payload could not be unpacked.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub(crate) enum PayloadError {
    /// The message carried no payload at all.
    #[error("missing payload, expected {expected}")]
    Missing {
        /// The type URL that was expected.
        expected: String,
    },
    /// The payload's type URL names another message.
    #[error("payload has type URL {actual:?}, expected {expected:?}")]
    WrongType {
        /// The type URL that was expected.
        expected: String,
        /// The type URL that came.
        actual: String,
    },
    /// The bytes do not decode as the expected message.
    #[error("payload of type {type_url:?} does not decode: {reason}")]
    Undecodable {
        /// The payload's type URL.
        type_url: String,
        /// The decoder's message.
        reason: String,
    },
}

/// The type URL of a model message.
pub(crate) fn type_url<M: ModelMessage>() -> String {
    format!("{PROTOBUF_TYPE_URL_PREFIX}{}", M::FULL_NAME)
}

/// Packs a model message into an `Any`.
pub(crate) fn pack<M: ModelMessage>(message: &M) -> Any {
    Any {
        type_url: type_url::<M>(),
        value: message.encode_to_vec(),
    }
}

/// Unpacks a model message from an optional `Any`, checking the type URL exactly.
pub(crate) fn unpack<M: ModelMessage>(payload: Option<&Any>) -> Result<M, PayloadError> {
    let expected = type_url::<M>();
    let Some(payload) = payload else {
        return Err(PayloadError::Missing { expected });
    };
    if payload.type_url != expected {
        return Err(PayloadError::WrongType {
            expected,
            actual: payload.type_url.clone(),
        });
    }
    M::decode(payload.value.as_slice()).map_err(|error| PayloadError::Undecodable {
        type_url: payload.type_url.clone(),
        reason: error.to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use cloudstate_protocol::descriptor_pool;

    fn assert_known<M: ModelMessage>() {
        assert!(
            descriptor_pool()
                .get_message_by_name(M::FULL_NAME)
                .is_some(),
            "{} is not in the descriptor pool",
            M::FULL_NAME
        );
    }

    #[test]
    fn every_full_name_exists_in_the_descriptor_set() {
        assert_known::<action::Request>();
        assert_known::<action::Response>();
        assert_known::<action::OtherRequest>();
        assert_known::<valueentity::Request>();
        assert_known::<valueentity::Response>();
        assert_known::<valueentity::Persisted>();
        assert_known::<es::Request>();
        assert_known::<es::Response>();
        assert_known::<es::Persisted>();
        assert_known::<crdt::Request>();
        assert_known::<crdt::StreamedRequest>();
        assert_known::<crdt::Response>();
    }

    #[test]
    fn pack_is_canonical() {
        let empty = pack(&action::Response::default());
        assert_eq!(
            empty.type_url,
            "type.googleapis.com/cloudstate.tck.model.action.Response"
        );
        assert!(empty.value.is_empty());
        let persisted = pack(&es::Persisted { value: "A".into() });
        assert_eq!(
            persisted.type_url,
            "type.googleapis.com/cloudstate.tck.model.Persisted"
        );
        assert_eq!(persisted.value, vec![0x0a, 0x01, b'A']);
    }

    #[test]
    fn unpack_round_trips_and_checks_the_type() {
        let packed = pack(&valueentity::Persisted { value: "x".into() });
        assert_eq!(
            unpack::<valueentity::Persisted>(Some(&packed)),
            Ok(valueentity::Persisted { value: "x".into() })
        );
        assert!(matches!(
            unpack::<es::Persisted>(Some(&packed)),
            Err(PayloadError::WrongType { .. })
        ));
        assert!(matches!(
            unpack::<es::Persisted>(None),
            Err(PayloadError::Missing { .. })
        ));
        let garbage = Any {
            type_url: type_url::<es::Persisted>(),
            value: vec![0x0a, 0x05],
        };
        assert!(matches!(
            unpack::<es::Persisted>(Some(&garbage)),
            Err(PayloadError::Undecodable { .. })
        ));
    }
}
