//! gRPC headers as protocol metadata and back (spec FRONT-016 to FRONT-019): a client's request headers
//! become the `Metadata` of the command its call becomes, and the metadata of the reply that answers a
//! unary call becomes its response headers.
//!
//! The transport's own headers (HTTP/2 pseudo-headers, `content-type`, `te`, `user-agent`, the
//! hop-by-hop headers and every `grpc-*` header) are neither passed on nor set. A `-bin` header travels
//! base64-encoded and is a `bytes_value` in metadata; every other header is a `string_value`.

use cloudstate_protocol::cloudstate::{Metadata, MetadataEntry, metadata_entry};
use http::HeaderMap;
use tonic::metadata::{KeyAndValueRef, MetadataKey, MetadataMap, MetadataValue};

use crate::deviation;

/// Headers that belong to HTTP or gRPC rather than to the call, besides every `grpc-*` header.
const TRANSPORT_HEADERS: [&str; 8] = [
    "content-type",
    "te",
    "user-agent",
    "connection",
    "keep-alive",
    "proxy-connection",
    "transfer-encoding",
    "upgrade",
];

/// Whether a header name (lower case) is one of the transport's own.
fn is_transport_header(name: &str) -> bool {
    name.starts_with(':') || name.starts_with("grpc-") || TRANSPORT_HEADERS.contains(&name)
}

/// The metadata of a client's call: one entry per value of each header that is not the transport's own,
/// or `None` when there is no such header.
pub(super) fn from_request_headers(headers: &HeaderMap) -> Option<Metadata> {
    let map = MetadataMap::from_headers(headers.clone());
    let mut seen = std::collections::HashSet::new();
    let entries: Vec<MetadataEntry> = map
        .iter()
        .filter_map(|pair| {
            let (key, value) = match pair {
                KeyAndValueRef::Ascii(key, value) => (
                    key.as_str(),
                    metadata_entry::Value::StringValue(
                        String::from_utf8_lossy(value.as_encoded_bytes()).into_owned(),
                    ),
                ),
                // A value that is not base64 cannot be given as bytes: it is left out.
                KeyAndValueRef::Binary(key, value) => (
                    key.as_str(),
                    deviation::frontend::binary_header(
                        value.as_encoded_bytes(),
                        value.to_bytes().ok().map(|bytes| bytes.to_vec()),
                    )?,
                ),
            };
            let again = !seen.insert(key.to_owned());
            if again && !deviation::frontend::repeated_header_kept() {
                return None;
            }
            (!is_transport_header(key)).then(|| MetadataEntry {
                key: key.to_owned(),
                value: Some(value),
            })
        })
        .collect();
    deviation::frontend::request_metadata((!entries.is_empty()).then_some(Metadata { entries }))
}

/// Adds the entries of a reply's metadata to `headers`, leaving out those FRONT-019 allows to leave out:
/// keys that are not header names or are the transport's own, and bytes under a key without `-bin`. A
/// text value under a `-bin` key is sent as its UTF-8 bytes.
pub(super) fn add_reply_headers(headers: &mut HeaderMap, metadata: Metadata) {
    let Some(metadata) = deviation::frontend::reply_headers(metadata) else {
        return;
    };
    let mut map = MetadataMap::new();
    for entry in metadata.entries {
        let key = entry.key.to_ascii_lowercase();
        if is_transport_header(&key) {
            continue;
        }
        let binary = key.ends_with("-bin");
        match entry.value {
            Some(metadata_entry::Value::StringValue(text)) if !binary => {
                let (Ok(key), Ok(value)) = (
                    MetadataKey::from_bytes(key.as_bytes()),
                    MetadataValue::try_from(text.as_str()),
                ) else {
                    continue;
                };
                map.append(key, value);
            }
            Some(metadata_entry::Value::StringValue(text)) => {
                if let Ok(key) = MetadataKey::from_bytes(key.as_bytes()) {
                    map.append_bin(key, MetadataValue::from_bytes(text.as_bytes()));
                }
            }
            Some(metadata_entry::Value::BytesValue(bytes)) if binary => {
                if let Ok(key) = MetadataKey::from_bytes(key.as_bytes()) {
                    map.append_bin(key, MetadataValue::from_bytes(&bytes));
                }
            }
            Some(metadata_entry::Value::BytesValue(_)) | None => {}
        }
    }
    for (name, value) in map.into_headers() {
        if let Some(name) = name {
            headers.append(name, value);
        }
    }
}

#[cfg(test)]
mod tests {
    use http::HeaderValue;

    use super::*;

    fn entry(key: &str, value: metadata_entry::Value) -> MetadataEntry {
        MetadataEntry {
            key: key.to_owned(),
            value: Some(value),
        }
    }

    #[test]
    fn request_headers_become_entries_without_the_transports_own() {
        let mut headers = HeaderMap::new();
        for (name, value) in [
            ("content-type", "application/grpc"),
            ("te", "trailers"),
            ("user-agent", "tonic"),
            ("grpc-timeout", "1S"),
            ("x-text", "hello"),
            ("x-text", "again"),
            ("x-data-bin", "AAH/"),
        ] {
            headers.append(name, HeaderValue::from_static(value));
        }
        let metadata = from_request_headers(&headers).unwrap();
        assert_eq!(
            metadata.entries,
            vec![
                entry("x-text", metadata_entry::Value::StringValue("hello".into())),
                entry("x-text", metadata_entry::Value::StringValue("again".into())),
                entry(
                    "x-data-bin",
                    metadata_entry::Value::BytesValue(vec![0, 1, 255])
                ),
            ]
        );
        let mut transport_only = HeaderMap::new();
        transport_only.insert("te", HeaderValue::from_static("trailers"));
        assert_eq!(from_request_headers(&transport_only), None);
    }

    #[test]
    fn reply_entries_become_headers_and_reserved_ones_are_left_out() {
        let metadata = Metadata {
            entries: vec![
                entry("X-Text", metadata_entry::Value::StringValue("hi".into())),
                entry(
                    "x-data-bin",
                    metadata_entry::Value::BytesValue(vec![0, 1, 255]),
                ),
                entry(
                    "grpc-status",
                    metadata_entry::Value::StringValue("5".into()),
                ),
                entry(
                    "content-type",
                    metadata_entry::Value::StringValue("x".into()),
                ),
                entry("x-bytes", metadata_entry::Value::BytesValue(vec![1])),
                entry("bad key", metadata_entry::Value::StringValue("x".into())),
            ],
        };
        let mut headers = HeaderMap::new();
        add_reply_headers(&mut headers, metadata);
        assert_eq!(headers.len(), 2, "{headers:?}");
        assert_eq!(headers["x-text"], "hi");
        let map = MetadataMap::from_headers(headers);
        let bytes = map.get_bin("x-data-bin").unwrap().to_bytes().unwrap();
        assert_eq!(bytes.as_ref(), [0, 1, 255]);
    }
}
