//! The deviations of a build with the feature `faults`: the process-wide setting, every name and
//! description, and the parsing of `--fault` and `--variant`.

use std::str::FromStr;
use std::sync::OnceLock;

use super::Fault;

/// The faults this process runs with, set once at start-up.
static ACTIVE: OnceLock<Vec<Fault>> = OnceLock::new();

/// Whether `fault` is on.
#[inline]
pub fn active(fault: Fault) -> bool {
    ACTIVE.get().is_some_and(|faults| faults.contains(&fault))
}

/// Turns these faults on for the rest of the process. Only the first call counts; it returns
/// whether it was the first.
pub fn activate(faults: &[Fault]) -> bool {
    ACTIVE.set(faults.to_vec()).is_ok()
}

impl Fault {
    /// Every fault, in the order `--list-faults` prints them.
    pub const ALL: [Fault; 60] = [
        Fault::ReplyBeforeStored,
        Fault::NoReplay,
        Fault::CommandIdsFromZero,
        Fault::CommandIdsRepeat,
        Fault::TwoCommandsInFlight,
        Fault::NoPassivation,
        Fault::PassivateImmediately,
        Fault::SyncSideEffectAfterReply,
        Fault::AsyncSideEffectsDropped,
        Fault::NoReportError,
        Fault::FailureHttp502,
        Fault::JsonWithoutDefaults,
        Fault::ReflectionWithoutUserServices,
        Fault::EntityCommandMetadata,
        Fault::ValueEntityInitWithoutState,
        Fault::ValueEntityStateNotRecovered,
        Fault::CrdtInitWithoutState,
        Fault::ForwardAnsweredWithOwnReply,
        Fault::EventingWithoutSubject,
        Fault::WrongProtocolVersion,
        Fault::DuplexFailureKeepsStream,
        Fault::ActionPayloadShortTypeUrl,
        Fault::FailureStatusInternal,
        Fault::AcceptsAnyVersion,
        Fault::LenientEntitySpec,
        Fault::NoReportErrorOnRefusal,
        Fault::PassivateDuringCommand,
        Fault::CommandIdsContinue,
        Fault::UnknownMethodNotFound,
        Fault::HttpWrongMethod404,
        Fault::HttpBadJson500,
        Fault::RequestHeadersDropped,
        Fault::BinaryHeaderAsText,
        Fault::ReplyMetadataDropped,
        Fault::SizeLimitDecimal,
        Fault::SizeLimitOutOfRange,
        Fault::AbandonedActionCallKept,
        Fault::AbandonedCommandFreesEntity,
        Fault::WrongCommandIdAccepted,
        Fault::AnsweredCommandIdAccepted,
        Fault::EmptyStreamOutSkipped,
        Fault::StreamFailureKeepsStream,
        Fault::WaitForHeaders,
        Fault::ForwardMetadataDropped,
        Fault::SideEffectMetadataDropped,
        Fault::NoRelayTimeout,
        Fault::SideEffectToEntityTwice,
        Fault::ForwardDeliveredTwice,
        Fault::PassivationForgetsState,
        Fault::ForwardEventsDropped,
        Fault::SnapshotSequenceOfFirstEvent,
        Fault::ActionStreamErrorAsEnd,
        Fault::RepeatedHeaderFirstValueOnly,
        Fault::CrdtCommandMetadataDropped,
        Fault::StreamedHeaderWithoutMetadata,
        Fault::EventSourcedFailureAsReply,
        Fault::CrdtEndStreamIgnored,
        Fault::CrdtStreamedSideEffectsDropped,
        Fault::CrdtCancelledAfterEndStream,
        Fault::CrdtStreamFailureIgnored,
    ];

    /// Every variant, in the order `--list-variants` prints them.
    pub const VARIANTS: [Fault; 2] = [Fault::LazyRestart, Fault::EmptyReflectionAnswer];

    /// A variant by the name `--variant` takes.
    pub fn variant(name: &str) -> Result<Fault, UnknownVariant> {
        Fault::VARIANTS
            .into_iter()
            .find(|variant| variant.name() == name)
            .ok_or_else(|| UnknownVariant(name.to_owned()))
    }

    /// The name `--fault` takes.
    pub fn name(self) -> &'static str {
        self.about().0
    }

    /// What the proxy does wrong with this fault, in one sentence.
    pub fn describe(self) -> &'static str {
        self.about().1
    }

    fn about(self) -> (&'static str, &'static str) {
        match self {
            Fault::ReplyBeforeStored => (
                "reply-before-stored",
                "event-sourced: the caller is answered before the reply's events are stored (write-behind, ~200 ms)",
            ),
            Fault::NoReplay => (
                "no-replay",
                "event-sourced: an entity's init has no snapshot and no stored events follow it",
            ),
            Fault::CommandIdsFromZero => (
                "command-ids-from-zero",
                "entity streams number their commands from 0",
            ),
            Fault::CommandIdsRepeat => (
                "command-ids-repeat",
                "entity streams give every command the id 1",
            ),
            Fault::TwoCommandsInFlight => (
                "two-commands-in-flight",
                "value and event-sourced entities: the next waiting command is sent before the previous one is answered",
            ),
            Fault::NoPassivation => ("no-passivation", "idle entities are never passivated"),
            Fault::PassivateImmediately => (
                "passivate-immediately",
                "entities are passivated as soon as they are idle",
            ),
            Fault::SyncSideEffectAfterReply => (
                "sync-side-effect-after-reply",
                "synchronous side effects run in the background, so the caller may be answered first",
            ),
            Fault::AsyncSideEffectsDropped => (
                "async-side-effects-dropped",
                "asynchronous side effects are dropped",
            ),
            Fault::NoReportError => (
                "no-report-error",
                "a forward or side effect to an unknown method is not reported with reportError",
            ),
            Fault::FailureHttp502 => (
                "failure-http-502",
                "HTTP/JSON: a user function's failure is answered 502 instead of 500",
            ),
            Fault::JsonWithoutDefaults => (
                "json-without-defaults",
                "HTTP/JSON replies leave out default-valued fields",
            ),
            Fault::ReflectionWithoutUserServices => (
                "reflection-without-user-services",
                "server reflection lists only itself",
            ),
            Fault::EntityCommandMetadata => (
                "entity-command-metadata",
                "commands to value, event-sourced and CRDT entities carry an empty metadata",
            ),
            Fault::ValueEntityInitWithoutState => (
                "value-entity-init-without-state",
                "value entities: a new entity's init has no state instead of an empty one",
            ),
            Fault::ValueEntityStateNotRecovered => (
                "value-entity-state-not-recovered",
                "value entities: a re-activated entity's init has an empty state, not the stored value",
            ),
            Fault::CrdtInitWithoutState => (
                "crdt-init-without-state",
                "CRDTs: a re-activated entity's init has no delta, forgetting the held value",
            ),
            Fault::ForwardAnsweredWithOwnReply => (
                "forward-answered-with-own-reply",
                "a forward is answered with its own payload and its target is not called",
            ),
            Fault::EventingWithoutSubject => (
                "eventing-without-subject",
                "delivered events lack the CloudEvent attribute ce-subject",
            ),
            Fault::WrongProtocolVersion => (
                "wrong-protocol-version",
                "ProxyInfo announces protocol version 0.1",
            ),
            Fault::DuplexFailureKeepsStream => (
                "duplex-failure-keeps-stream",
                "a failure in a bidirectional action call does not end the client's stream",
            ),
            Fault::ActionPayloadShortTypeUrl => (
                "action-payload-short-type-url",
                "action command payloads are typed with the input message's simple name",
            ),
            Fault::FailureStatusInternal => (
                "failure-status-internal",
                "a user function's failure reaches the client as INTERNAL instead of UNKNOWN",
            ),
            Fault::AcceptsAnyVersion => (
                "accepts-any-version",
                "discovery: a user function is served whatever protocol version it announces",
            ),
            Fault::LenientEntitySpec => (
                "lenient-entity-spec",
                "discovery: entities that cannot be served are left out instead of refusing the spec",
            ),
            Fault::NoReportErrorOnRefusal => (
                "no-report-error-on-refusal",
                "discovery: a refused EntitySpec is not reported with reportError",
            ),
            Fault::PassivateDuringCommand => (
                "passivate-during-command",
                "entities: the idle timer runs while a command is in flight, passivating mid-command",
            ),
            Fault::CommandIdsContinue => (
                "command-ids-continue",
                "entities: a re-activated entity's commands are numbered on from the previous stream",
            ),
            Fault::UnknownMethodNotFound => (
                "unknown-method-not-found",
                "a gRPC call of an unknown method is answered NOT_FOUND instead of UNIMPLEMENTED",
            ),
            Fault::HttpWrongMethod404 => (
                "http-wrong-method-404",
                "HTTP/JSON: a served path with another HTTP method is answered 404 instead of 405",
            ),
            Fault::HttpBadJson500 => (
                "http-bad-json-500",
                "HTTP/JSON: a body that is not JSON or does not fit the message is answered 500 instead of 400",
            ),
            Fault::RequestHeadersDropped => (
                "request-headers-dropped",
                "a client's request headers do not reach the command's metadata",
            ),
            Fault::BinaryHeaderAsText => (
                "binary-header-as-text",
                "a -bin request header reaches the metadata as its base64 text instead of its bytes",
            ),
            Fault::ReplyMetadataDropped => (
                "reply-metadata-dropped",
                "the metadata of a reply does not become response headers",
            ),
            Fault::SizeLimitDecimal => (
                "size-limit-decimal",
                "request messages over 4,000,000 bytes are refused, not only those over 4 MiB",
            ),
            Fault::SizeLimitOutOfRange => (
                "size-limit-out-of-range",
                "an oversized request message is answered OUT_OF_RANGE instead of RESOURCE_EXHAUSTED",
            ),
            Fault::AbandonedActionCallKept => (
                "abandoned-action-call-kept",
                "actions: the protocol call of a unary call is not cancelled when its client goes away",
            ),
            Fault::AbandonedCommandFreesEntity => (
                "abandoned-command-frees-entity",
                "entities: a command whose client went away no longer holds the entity's next command back",
            ),
            Fault::WrongCommandIdAccepted => (
                "wrong-command-id-accepted",
                "entities: a reply answers the command in flight whatever command id it names",
            ),
            Fault::AnsweredCommandIdAccepted => (
                "answered-command-id-accepted",
                "entities: a second reply to an answered command is taken as the answer to the command in flight",
            ),
            Fault::EmptyStreamOutSkipped => (
                "empty-stream-out-skipped",
                "entities: an empty StreamOut message is skipped and the command goes on waiting",
            ),
            Fault::StreamFailureKeepsStream => (
                "stream-failure-keeps-stream",
                "entities: a top-level Failure fails the command but the entity's stream stays open",
            ),
            Fault::WaitForHeaders => (
                "wait-for-headers",
                "entity streams: the first command waits for the user function's response headers",
            ),
            Fault::ForwardMetadataDropped => (
                "forward-metadata-dropped",
                "the metadata of a forward does not reach its target's command",
            ),
            Fault::SideEffectMetadataDropped => (
                "side-effect-metadata-dropped",
                "the metadata of a side effect does not reach its target's command",
            ),
            Fault::NoRelayTimeout => (
                "no-relay-timeout",
                "a command the user function never answers holds its client for ever",
            ),
            Fault::SideEffectToEntityTwice => (
                "side-effect-to-entity-twice",
                "side effects to value, event-sourced and CRDT entities are made twice",
            ),
            Fault::ForwardDeliveredTwice => (
                "forward-delivered-twice",
                "a forward's target is called twice and the caller gets the second answer",
            ),
            Fault::PassivationForgetsState => (
                "passivation-forgets-state",
                "entities: the activation after a passivation ignores what is stored or held for them",
            ),
            Fault::ForwardEventsDropped => (
                "forward-events-dropped",
                "event-sourced: the events of a reply that forwards are not stored",
            ),
            Fault::SnapshotSequenceOfFirstEvent => (
                "snapshot-sequence-of-first-event",
                "event-sourced: a snapshot is stored with its reply's first event's sequence number",
            ),
            Fault::ActionStreamErrorAsEnd => (
                "action-stream-error-as-end",
                "actions: an error status ending a streamed call is passed on as the call's normal end",
            ),
            Fault::RepeatedHeaderFirstValueOnly => (
                "repeated-header-first-value-only",
                "a request header sent with several values gives the metadata only its first",
            ),
            Fault::CrdtCommandMetadataDropped => (
                "crdt-command-metadata-dropped",
                "CRDTs: commands carry no metadata, whatever headers the client sent",
            ),
            Fault::StreamedHeaderWithoutMetadata => (
                "streamed-header-without-metadata",
                "actions: the header command of a streamed-in or duplex call carries no metadata",
            ),
            Fault::EventSourcedFailureAsReply => (
                "event-sourced-failure-as-reply",
                "event-sourced: a top-level Failure is taken for a failure reply and the stream stays open",
            ),
            Fault::CrdtEndStreamIgnored => (
                "crdt-end-stream-ignored",
                "CRDTs: a streamed message's end_stream is ignored and the client's stream stays open",
            ),
            Fault::CrdtStreamedSideEffectsDropped => (
                "crdt-streamed-side-effects-dropped",
                "CRDTs: the side effects of streamed messages are dropped",
            ),
            Fault::CrdtCancelledAfterEndStream => (
                "crdt-cancelled-after-end-stream",
                "CRDTs: a client's stream ended by end_stream is also sent a StreamCancelled",
            ),
            Fault::CrdtStreamFailureIgnored => (
                "crdt-stream-failure-ignored",
                "CRDTs: a top-level Failure is only logged and the command it names waits on",
            ),
            Fault::LazyRestart => (
                "lazy-restart",
                "event-sourced: after a restart the new stream opens only with the next command",
            ),
            Fault::EmptyReflectionAnswer => (
                "empty-reflection-answer",
                "server reflection answers an unknown symbol or file with no files, not NOT_FOUND (Akka)",
            ),
        }
    }
}

impl std::fmt::Display for Fault {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// A `--fault` name that names no fault.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{0}` is not a fault; `--list-faults` prints the names")]
pub struct UnknownFault(pub String);

/// A `--variant` name that names no variant.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{0}` is not a variant; `--list-variants` prints the names")]
pub struct UnknownVariant(pub String);

impl FromStr for Fault {
    type Err = UnknownFault;

    fn from_str(name: &str) -> Result<Self, Self::Err> {
        Fault::ALL
            .into_iter()
            .find(|fault| fault.name() == name)
            .ok_or_else(|| UnknownFault(name.to_owned()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn names_are_distinct_kebab_case_and_parse_back() {
        let names: HashSet<&str> = Fault::ALL.iter().map(|fault| fault.name()).collect();
        assert_eq!(names.len(), Fault::ALL.len());
        for fault in Fault::ALL {
            let name = fault.name();
            assert!(
                name.chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'),
                "{name}"
            );
            assert_eq!(name.parse::<Fault>(), Ok(fault));
            assert!(!fault.describe().is_empty());
        }
        assert!("no-such-fault".parse::<Fault>().is_err());
        for variant in Fault::VARIANTS {
            assert_eq!(Fault::variant(variant.name()), Ok(variant));
            assert!(variant.name().parse::<Fault>().is_err(), "not a fault");
            assert!(!names.contains(variant.name()));
        }
    }

    #[test]
    fn every_fault_is_listed_once_in_declaration_order() {
        for (index, fault) in Fault::ALL.into_iter().enumerate() {
            assert_eq!(fault as usize, index, "{fault}");
        }
        // Variants are declared after every fault: a fault missing from Fault::ALL shifts them.
        for (index, variant) in Fault::VARIANTS.into_iter().enumerate() {
            assert_eq!(variant as usize, Fault::ALL.len() + index, "{variant}");
        }
    }
}
