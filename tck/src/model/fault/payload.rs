//! The payload faults: how a faulty model reads the payload of a command.

use prost_types::Any;

use super::Fault;
use crate::model::payload::{ModelMessage, PayloadError, unpack};

/// Unpacks the payload of a command as `M`, as the model served with `fault` reads it.
///
/// The conforming model checks the type URL exactly and fails on bytes that do not decode.
/// [`Fault::PayloadTypeUnchecked`] decodes the bytes whatever the type URL says, and
/// [`Fault::UndecodablePayloadAsEmpty`] takes bytes that do not decode as the empty message.
pub(crate) fn unpack_command<M: ModelMessage>(
    fault: Option<Fault>,
    payload: Option<&Any>,
) -> Result<M, PayloadError> {
    match (fault, payload) {
        (Some(Fault::PayloadTypeUnchecked), Some(payload)) => M::decode(payload.value.as_slice())
            .map_err(|error| PayloadError::Undecodable {
                type_url: payload.type_url.clone(),
                reason: error.to_string(),
            }),
        (Some(Fault::UndecodablePayloadAsEmpty), _) => match unpack::<M>(payload) {
            Err(PayloadError::Undecodable { .. }) => Ok(M::default()),
            other => other,
        },
        _ => unpack(payload),
    }
}

#[cfg(test)]
mod tests {
    use cloudstate_protocol::cloudstate::tck::model::{Request, Response};
    use prost::Message as _;

    use super::*;
    use crate::model::payload::{pack, type_url};

    fn request() -> Request {
        Request {
            id: "e".into(),
            actions: Vec::new(),
        }
    }

    #[test]
    fn a_payload_of_another_type_is_refused_unless_the_type_is_unchecked() {
        let mislabelled = Any {
            type_url: type_url::<Response>(),
            value: request().encode_to_vec(),
        };
        assert!(matches!(
            unpack_command::<Request>(None, Some(&mislabelled)),
            Err(PayloadError::WrongType { .. })
        ));
        assert_eq!(
            unpack_command::<Request>(Some(Fault::PayloadTypeUnchecked), Some(&mislabelled)),
            Ok(request())
        );
        assert_eq!(
            unpack_command::<Request>(Some(Fault::PayloadTypeUnchecked), Some(&pack(&request()))),
            Ok(request())
        );
    }

    #[test]
    fn undecodable_bytes_are_refused_unless_taken_as_empty() {
        let truncated = Any {
            type_url: type_url::<Request>(),
            value: vec![0x0a, 0x05, b'x'],
        };
        assert!(matches!(
            unpack_command::<Request>(None, Some(&truncated)),
            Err(PayloadError::Undecodable { .. })
        ));
        assert_eq!(
            unpack_command::<Request>(Some(Fault::UndecodablePayloadAsEmpty), Some(&truncated)),
            Ok(Request::default())
        );
        assert!(matches!(
            unpack_command::<Request>(Some(Fault::UndecodablePayloadAsEmpty), None),
            Err(PayloadError::Missing { .. })
        ));
    }
}
