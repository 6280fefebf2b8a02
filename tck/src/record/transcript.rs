//! The transcript file: every protocol call between a proxy and its user function, with every message
//! and stream event in order. `fixtures/README.md` documents the format for people who write one by hand.

use std::path::Path;

use serde::{Deserialize, Serialize};
use serde_json::Value as Json;

/// The version of the format this TCK writes and reads.
pub(crate) const FORMAT_VERSION: u32 = 1;

/// A recorded (or hand-written) session between a proxy and a user function.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Transcript {
    /// Always [`FORMAT_VERSION`]; a file of another version is refused.
    pub format_version: u32,
    /// Free text for people.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
    /// How the transcript was recorded; absent in hand-written files.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recorded: Option<Recording>,
    /// The calls, in the order they were opened.
    pub streams: Vec<Stream>,
}

/// Where and when a transcript was recorded.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Recording {
    /// The version of the TCK that recorded it.
    pub tck_version: String,
    /// When recording started, RFC 3339.
    pub started_at: String,
    /// How long recording lasted, in milliseconds.
    pub duration_ms: f64,
    /// Where the recorder listened (the proxy's user-function address).
    pub listen: String,
    /// The user function the recorder relayed to.
    pub upstream: String,
    /// Where the descriptors that expanded `Any` payloads came from.
    pub descriptors: String,
}

/// One gRPC call from the proxy to the user function.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Stream {
    /// The full service name, e.g. `cloudstate.eventsourced.EventSourced`.
    pub service: String,
    /// The method, e.g. `handle`.
    pub method: String,
    /// Free text for people.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
    /// The recorder's connection it came on (the proxy's client port); informative only.
    #[serde(default)]
    pub connection: u64,
    /// When the call opened, in milliseconds since recording started; informative only.
    #[serde(default)]
    pub opened_at_ms: f64,
    /// What happened on the call, in order.
    pub events: Vec<Event>,
}

impl Stream {
    /// The gRPC path, e.g. `/cloudstate.crdt.Crdt/handle`.
    pub fn path(&self) -> String {
        format!("/{}/{}", self.service, self.method)
    }
}

/// One thing that happened on a call, with its time.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Event {
    /// Milliseconds since the call opened; informative only (replay follows the order of events).
    #[serde(default)]
    pub at_ms: f64,
    /// What happened.
    #[serde(flatten)]
    pub kind: EventKind,
}

/// Which side sent a message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Side {
    /// The proxy (replay sends these).
    Proxy,
    /// The user function (replay expects these).
    UserFunction,
}

/// The kinds of events, tagged by `event`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum EventKind {
    /// A message, as transcript JSON (see [`MessageCodec`](super::MessageCodec)).
    Message {
        /// Who sent it.
        from: Side,
        /// The message.
        message: Json,
    },
    /// The proxy half-closed its side of the call.
    HalfClose,
    /// The user function ended the call with this gRPC status.
    End {
        /// The status code, as gRPC names it: `OK`, `UNKNOWN`, `INVALID_ARGUMENT`, …
        #[serde(default = "ok")]
        code: String,
        /// The status message; informative only.
        #[serde(default, skip_serializing_if = "String::is_empty")]
        message: String,
    },
    /// The proxy cancelled the call (or its connection went away).
    Cancel,
}

fn ok() -> String {
    "OK".to_owned()
}

/// The gRPC status codes by number, as gRPC names them.
pub(crate) const STATUS_CODES: [&str; 17] = [
    "OK",
    "CANCELLED",
    "UNKNOWN",
    "INVALID_ARGUMENT",
    "DEADLINE_EXCEEDED",
    "NOT_FOUND",
    "ALREADY_EXISTS",
    "PERMISSION_DENIED",
    "RESOURCE_EXHAUSTED",
    "FAILED_PRECONDITION",
    "ABORTED",
    "OUT_OF_RANGE",
    "UNIMPLEMENTED",
    "INTERNAL",
    "UNAVAILABLE",
    "DATA_LOSS",
    "UNAUTHENTICATED",
];

/// The gRPC name of a status code.
pub(crate) fn code_name(code: tonic::Code) -> &'static str {
    STATUS_CODES
        .get(code as usize)
        .copied()
        .unwrap_or("UNKNOWN")
}

/// The status code of a gRPC name (or of tonic's spelling, e.g. `InvalidArgument`).
pub(crate) fn parse_code(name: &str) -> Option<tonic::Code> {
    (0..17)
        .map(tonic::Code::from_i32)
        .find(|code| code_name(*code) == name || format!("{code:?}") == name)
}

impl Transcript {
    /// Reads and checks a transcript file.
    pub fn load(path: &Path) -> Result<Transcript, String> {
        let text = std::fs::read_to_string(path)
            .map_err(|error| format!("cannot read {}: {error}", path.display()))?;
        Self::parse(&text).map_err(|error| format!("{}: {error}", path.display()))
    }

    /// Parses and checks the text of a transcript.
    pub fn parse(text: &str) -> Result<Transcript, String> {
        // The version first, so that a file of another version gets a clear message.
        let version = serde_json::from_str::<Json>(text)
            .map_err(|error| format!("not JSON: {error}"))?
            .get("format_version")
            .and_then(Json::as_u64);
        match version {
            Some(version) if version == u64::from(FORMAT_VERSION) => {}
            Some(other) => {
                return Err(format!(
                    "format_version {other} is not supported (this TCK reads {FORMAT_VERSION})"
                ));
            }
            None => return Err("`format_version` is missing".to_owned()),
        }
        serde_json::from_str(text).map_err(|error| format!("not a transcript: {error}"))
    }

    /// Writes the transcript as pretty JSON.
    pub fn save(&self, path: &Path) -> Result<(), String> {
        let mut text = serde_json::to_string_pretty(self).map_err(|error| error.to_string())?;
        text.push('\n');
        std::fs::write(path, text)
            .map_err(|error| format!("cannot write {}: {error}", path.display()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn events_read_as_documented() {
        let text = r#"{"format_version": 1, "streams": [{"service": "cloudstate.crdt.Crdt",
            "method": "handle", "events": [
              {"at_ms": 1.5, "event": "message", "from": "proxy", "message": {"init": {}}},
              {"event": "half_close"},
              {"event": "end"},
              {"event": "end", "code": "UNKNOWN", "message": "boom"},
              {"event": "cancel"}]}]}"#;
        let transcript = Transcript::parse(text).expect("valid");
        let events: Vec<&EventKind> = transcript.streams[0]
            .events
            .iter()
            .map(|event| &event.kind)
            .collect();
        assert!(matches!(
            events[0],
            EventKind::Message {
                from: Side::Proxy,
                ..
            }
        ));
        assert_eq!(*events[1], EventKind::HalfClose);
        assert!(matches!(events[2], EventKind::End { code, .. } if code == "OK"));
        assert_eq!(parse_code("UNKNOWN"), Some(tonic::Code::Unknown));
        assert_eq!(
            parse_code("InvalidArgument"),
            Some(tonic::Code::InvalidArgument)
        );
        assert_eq!(code_name(tonic::Code::Unavailable), "UNAVAILABLE");
        assert_eq!(transcript.streams[0].path(), "/cloudstate.crdt.Crdt/handle");
        let again = Transcript::parse(&serde_json::to_string(&transcript).expect("serializes"));
        assert_eq!(again.expect("round trip"), transcript);
    }

    #[test]
    fn other_versions_are_refused() {
        let error = Transcript::parse(r#"{"format_version": 2, "streams": []}"#).expect_err("v2");
        assert!(error.contains("format_version 2"), "{error}");
        assert!(Transcript::parse(r#"{"streams": []}"#).is_err());
    }
}
