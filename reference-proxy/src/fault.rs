//! Deliberate protocol deviations, to check that the TCK catches a proxy that gets things wrong.
//!
//! The deviations exist only in a build with the cargo feature `faults`: there the binary takes
//! `--fault NAME` (repeatable) to run with a deviation and `--list-faults` to print the names, one a line.
//! A few deviations are *variants*, not faults: choices the protocol leaves open, made the other way than
//! this proxy makes them (as the Akka proxy does). `--variant NAME` runs with one and `--list-variants`
//! lists them; every TCK case must pass under each.
//! This is the catalog; the deviations are applied at a dozen seams of the proxy's code, each a function
//! of `crate::deviation` that the core calls whatever the build. Without the feature [`active`] is a
//! constant `false`, so every seam is the identity and compiles away, and the names, descriptions, flag
//! parsing and the process-wide setting below are not compiled at all.

/// One deliberate deviation from what the protocol asks of a proxy. Each is a bug a real proxy could
/// have. With the feature, `Fault::name` gives the name `--fault` takes and `Fault::describe` a summary.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Fault {
    /// Event-sourced: the caller is answered before the reply's events are stored; a write-behind queue
    /// stores them a little later (about 200 ms), so a crash in between loses acknowledged events.
    ReplyBeforeStored,
    /// Event-sourced: a (re)started entity's stream opens with an init that has no snapshot and is not
    /// followed by the stored events.
    NoReplay,
    /// Entity streams number their commands from 0 instead of 1.
    CommandIdsFromZero,
    /// Entity streams give every command the same id, 1.
    CommandIdsRepeat,
    /// Value and event-sourced entities: the next waiting command is sent before the previous one is
    /// answered.
    TwoCommandsInFlight,
    /// Idle entities are never passivated.
    NoPassivation,
    /// Entities are passivated as soon as they are idle, whatever timeout the user function announced.
    PassivateImmediately,
    /// Synchronous side effects run in the background like asynchronous ones, so the caller may be
    /// answered before they finish.
    SyncSideEffectAfterReply,
    /// Asynchronous side effects are dropped.
    AsyncSideEffectsDropped,
    /// A forward or side effect to an unknown service or method is not reported with `reportError`.
    NoReportError,
    /// Over HTTP/JSON, a user function's failure (gRPC `UNKNOWN`) is answered 502 instead of 500.
    FailureHttp502,
    /// HTTP/JSON replies leave out fields that have their default value.
    JsonWithoutDefaults,
    /// Server reflection lists only itself, not the user function's services.
    ReflectionWithoutUserServices,
    /// Commands to value, event-sourced and CRDT entities carry an (empty) metadata.
    EntityCommandMetadata,
    /// Value entities: a new entity's init carries no state instead of a present but empty one.
    ValueEntityInitWithoutState,
    /// Value entities: a re-activated entity's init carries an empty state instead of the stored value.
    ValueEntityStateNotRecovered,
    /// CRDTs: a re-activated entity's init carries no delta, forgetting the value the proxy holds.
    CrdtInitWithoutState,
    /// A forward is answered with the forwarding command's own message (the forward's payload), and the
    /// forward's target is not called.
    ForwardAnsweredWithOwnReply,
    /// Events delivered to subscribers lack the CloudEvent attribute `ce-subject`.
    EventingWithoutSubject,
    /// `ProxyInfo` announces protocol version 0.1 instead of 0.2.
    WrongProtocolVersion,
    /// A failure in a bidirectional action call is dropped instead of ending the client's stream.
    DuplexFailureKeepsStream,
    /// Action command payloads are typed with the input message's simple name
    /// (`type.googleapis.com/Request`) instead of its full name.
    ActionPayloadShortTypeUrl,
    /// A user function's failure reaches the client as gRPC `INTERNAL` instead of `UNKNOWN`.
    FailureStatusInternal,
    /// Discovery: a user function is served whatever protocol version it announces.
    AcceptsAnyVersion,
    /// Discovery: an `EntitySpec` that cannot be served is not refused: an undecodable descriptor set
    /// counts as an empty one, and entities of an unknown type or with an undeclared service are left out.
    LenientEntitySpec,
    /// Discovery: a refused `EntitySpec` is not reported to the user function with `reportError`.
    NoReportErrorOnRefusal,
    /// Value and event-sourced entities: the idle timer also runs while a command is in flight, so an
    /// entity whose reply takes longer than its passivation timeout is passivated mid-command.
    PassivateDuringCommand,
    /// Value and event-sourced entities: a re-activated entity's stream numbers its commands on from where
    /// the previous stream stopped instead of from 1.
    CommandIdsContinue,
    /// A gRPC call of a method that no announced service has is answered `NOT_FOUND` instead of
    /// `UNIMPLEMENTED`.
    UnknownMethodNotFound,
    /// HTTP/JSON: a served path requested with another HTTP method is answered 404 instead of 405.
    HttpWrongMethod404,
    /// HTTP/JSON: a body that is not JSON, or does not fit the request message, is answered 500 instead
    /// of 400.
    HttpBadJson500,
    /// A client's request headers are not passed to the user function in the command's metadata.
    RequestHeadersDropped,
    /// A `-bin` request header reaches the command's metadata as its base64 text (`string_value`)
    /// instead of the decoded bytes (`bytes_value`).
    BinaryHeaderAsText,
    /// The metadata of a reply does not become response headers of the client's call.
    ReplyMetadataDropped,
    /// Request messages are refused over 4,000,000 bytes (a decimal 4 MB) instead of over 4 MiB.
    SizeLimitDecimal,
    /// A request message over the size limit ends the call with `OUT_OF_RANGE` (tonic's own status)
    /// instead of `RESOURCE_EXHAUSTED`.
    SizeLimitOutOfRange,
    /// Actions: a unary call's `handleUnary` call runs on in the background when the client goes away,
    /// instead of being cancelled.
    AbandonedActionCallKept,
    /// Value and event-sourced entities: when a command's client goes away, the entity stops waiting for
    /// the answer and sends its next command at once.
    AbandonedCommandFreesEntity,
    /// Value and event-sourced entities: a reply is taken as the answer to the command in flight,
    /// whatever command id it names.
    WrongCommandIdAccepted,
    /// Value and event-sourced entities: a reply naming a command already answered on the stream is taken
    /// as the answer to the command in flight (only ids never sent are refused).
    AnsweredCommandIdAccepted,
    /// Value and event-sourced entities: a `…StreamOut` with nothing set is skipped, and the command waits
    /// on for its reply.
    EmptyStreamOutSkipped,
    /// Value and event-sourced entities: a top-level `Failure` fails the command in flight like a command's
    /// failure, and the entity's stream stays open.
    StreamFailureKeepsStream,
    /// Entity streams: the proxy waits for the user function's response headers before it sends the
    /// first command, which hangs with the gRPC servers that send headers only with their first message.
    WaitForHeaders,
    /// The metadata of a forward does not reach the command of the forward's target.
    ForwardMetadataDropped,
    /// The metadata of a side effect does not reach the command of the side effect's target.
    SideEffectMetadataDropped,
    /// A command whose answer never comes holds its client (and the entity) for ever: there is no relay
    /// timeout.
    NoRelayTimeout,
    /// Side effects to value, event-sourced and CRDT entities are made twice: the target entity gets the
    /// command a second time, as a proxy that retries a delivery it already made would.
    SideEffectToEntityTwice,
    /// A forward's target is called twice and the caller gets the second answer, as a proxy that retries a
    /// forward it already made would.
    ForwardDeliveredTwice,
    /// Value, event-sourced and CRDT entities: the first activation after a passivation opens the entity
    /// as a new one, without what is stored or held for it (a crash and restart still find it).
    PassivationForgetsState,
    /// Event-sourced: the events of a reply whose client action is a forward are not stored.
    ForwardEventsDropped,
    /// Event-sourced: a snapshot is stored with the sequence number of its reply's first event instead of
    /// its last, so the next activation replays events the snapshot already holds.
    SnapshotSequenceOfFirstEvent,
    /// Actions: an error status that ends a streamed call's protocol call is taken for its normal end: a
    /// client-streaming call is answered with an empty response, a response stream completes with OK.
    ActionStreamErrorAsEnd,
    /// A request header sent with several values (the same name repeated) gives the command's metadata
    /// only its first value.
    RepeatedHeaderFirstValueOnly,
    /// CRDTs: commands carry no metadata, whatever request headers the client sent.
    CrdtCommandMetadataDropped,
    /// Actions: the header command of a client-streaming or bidirectional call carries no metadata.
    StreamedHeaderWithoutMetadata,
    /// Event-sourced: a top-level `Failure` is taken for a failure reply to the command it names: the
    /// client gets its description, but the entity's stream stays open.
    EventSourcedFailureAsReply,
    /// CRDTs: a streamed message's `end_stream` is ignored, so the client's stream stays open.
    CrdtEndStreamIgnored,
    /// CRDTs: the side effects of streamed messages are dropped.
    CrdtStreamedSideEffectsDropped,
    /// CRDTs: when a streamed message with `end_stream` ends a client's stream, the proxy also sends a
    /// `StreamCancelled` for that command, as if the client had gone away.
    CrdtCancelledAfterEndStream,
    /// CRDTs: a top-level `Failure` is only logged, whatever command it names, and that command waits on
    /// for an answer.
    CrdtStreamFailureIgnored,
    /// Variant. Event-sourced: after a reply with `restart`, the entity's new stream opens only when the
    /// next command comes, instead of at once.
    LazyRestart,
    /// Variant. Server reflection answers a symbol or file it does not know with an empty list of files
    /// instead of `NOT_FOUND` (as the Akka proxy does).
    EmptyReflectionAnswer,
}

/// Whether `fault` is on. Always `false` in a build without the feature `faults`.
#[cfg(not(feature = "faults"))]
#[inline]
pub const fn active(_fault: Fault) -> bool {
    false
}

#[cfg(feature = "faults")]
pub use enabled::{UnknownFault, UnknownVariant, activate, active};

#[cfg(feature = "faults")]
mod enabled;
