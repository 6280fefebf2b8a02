//! What clients see: gRPC and HTTP statuses, JSON bodies, the size limit of a request message, which
//! headers pass as metadata in either direction, server reflection's answers, and the attributes of a
//! delivered event.
//!
//! Faults applied here: `size-limit-decimal`, `size-limit-out-of-range`, `unknown-method-not-found`,
//! `http-wrong-method-404`, `http-bad-json-500`, `failure-http-502`, `json-without-defaults`,
//! `request-headers-dropped`, `binary-header-as-text`, `repeated-header-first-value-only`,
//! `reply-metadata-dropped`,
//! `reflection-without-user-services`, `eventing-without-subject`, and the variant
//! `empty-reflection-answer`.

use cloudstate_protocol::cloudstate::{Metadata, metadata_entry};
use http::StatusCode;
use tonic::{Code, Status};
use tonic_reflection::pb::v1alpha::FileDescriptorResponse;
use tonic_reflection::pb::v1alpha::server_reflection_response::MessageResponse;

use crate::fault::{self, Fault};

/// The largest request message accepted, given gRPC's default limit.
pub(crate) fn max_request_message(limit: usize) -> usize {
    if fault::active(Fault::SizeLimitDecimal) {
        4_000_000
    } else {
        limit
    }
}

/// The status of a call whose request message is over the limit, given the protocol's
/// (`RESOURCE_EXHAUSTED`); `None` leaves the transport's own (`OUT_OF_RANGE`).
pub(crate) fn oversized_message(status: Status) -> Option<Status> {
    (!fault::active(Fault::SizeLimitOutOfRange)).then_some(status)
}

/// The status of a gRPC call of a method no announced service has (`UNIMPLEMENTED`).
pub(crate) fn unknown_method(status: Status) -> Status {
    if fault::active(Fault::UnknownMethodNotFound) {
        Status::not_found(status.message().to_owned())
    } else {
        status
    }
}

/// Whether an HTTP request of a served path with another method is answered as if the path were not
/// served (404) rather than 405.
pub(crate) fn wrong_method_is_not_found() -> bool {
    fault::active(Fault::HttpWrongMethod404)
}

/// The HTTP status of a body that is not JSON or does not fit the request message.
pub(crate) fn bad_body_status() -> StatusCode {
    if fault::active(Fault::HttpBadJson500) {
        StatusCode::INTERNAL_SERVER_ERROR
    } else {
        StatusCode::BAD_REQUEST
    }
}

/// The HTTP status of a call that ended with `code`, given the status it maps to.
pub(crate) fn failure_http_status(code: Code, mapped: StatusCode) -> StatusCode {
    if code == Code::Unknown && fault::active(Fault::FailureHttp502) {
        StatusCode::BAD_GATEWAY
    } else {
        mapped
    }
}

/// Whether JSON replies leave out fields that have their default value: they do not.
pub(crate) fn json_skips_default_fields() -> bool {
    fault::active(Fault::JsonWithoutDefaults)
}

/// The metadata a client's request headers give a command.
pub(crate) fn request_metadata(metadata: Option<Metadata>) -> Option<Metadata> {
    metadata.filter(|_| !fault::active(Fault::RequestHeadersDropped))
}

/// Whether a further value of a request header already given (the same name again) becomes an entry of
/// its own: always, one entry per value.
pub(crate) fn repeated_header_kept() -> bool {
    !fault::active(Fault::RepeatedHeaderFirstValueOnly)
}

/// The metadata value of a `-bin` request header, given its base64 text and its decoded bytes (`None`
/// when it is not base64, and then the header is left out).
pub(crate) fn binary_header(text: &[u8], bytes: Option<Vec<u8>>) -> Option<metadata_entry::Value> {
    if fault::active(Fault::BinaryHeaderAsText) {
        let text = String::from_utf8_lossy(text).into_owned();
        return Some(metadata_entry::Value::StringValue(text));
    }
    bytes.map(metadata_entry::Value::BytesValue)
}

/// The metadata of a reply that becomes response headers of the client's call.
pub(crate) fn reply_headers(metadata: Metadata) -> Option<Metadata> {
    (!fault::active(Fault::ReplyMetadataDropped)).then_some(metadata)
}

/// The services server reflection lists besides itself: the user function's.
pub(crate) fn reflected_user_services(services: Vec<String>) -> Vec<String> {
    if fault::active(Fault::ReflectionWithoutUserServices) {
        Vec::new()
    } else {
        services
    }
}

/// Server reflection's answer for a symbol or file it does not know, given the protocol's
/// (`NOT_FOUND`).
pub(crate) fn unknown_symbol_answer(not_found: MessageResponse) -> MessageResponse {
    if fault::active(Fault::EmptyReflectionAnswer) {
        MessageResponse::FileDescriptorResponse(FileDescriptorResponse::default())
    } else {
        not_found
    }
}

/// The CloudEvent attributes a delivered event carries, given all of them.
pub(crate) fn cloud_event_attributes(
    attributes: Vec<(&'static str, String)>,
) -> Vec<(&'static str, String)> {
    if !fault::active(Fault::EventingWithoutSubject) {
        return attributes;
    }
    let without_subject = attributes
        .into_iter()
        .filter(|(key, _)| *key != "ce-subject");
    without_subject.collect()
}
