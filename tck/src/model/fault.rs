//! Deliberate faults of the model service: each [`Fault`] is one small, named deviation from the
//! reference behaviour, of the kind real SDKs have had. `cloudstate-tck faults` serves the model under
//! each of them in turn and checks that some case fails, which proves that the suite can see the bug.
//!
//! The model consults the fault at a few hook points only: the helpers here rewrite what a stream
//! receives or answers ([`entity`], [`crdt`], [`action`], [`spec`]) and how it reads a command's payload
//! ([`payload`]), and the faults that change what an entity remembers or how it handles a message it did
//! not expect are one `if` each in the model's own code.

pub(crate) mod action;
pub(crate) mod crdt;
pub(crate) mod entity;
pub(crate) mod eventing;
pub(crate) mod metadata;
pub(crate) mod payload;
mod reply;
pub(crate) mod spec;
pub(crate) mod variant;

use std::fmt;
use std::str::FromStr;

pub(crate) use entity::StreamFaults;
pub(crate) use reply::{
    client_action, entity_reply, failure, forward, is_failure, reply, side_effects,
};

macro_rules! faults {
    (
        faults { $($fault:ident = $fault_name:literal, $fault_area:literal, $fault_description:literal;)* }
        variants { $($variant:ident = $variant_name:literal, $variant_area:literal, $variant_description:literal;)* }
    ) => {
        /// A deliberate deviation of the model service from its reference behaviour: a *fault*, which
        /// breaks the protocol and which some case must catch, or a *variant*, a choice the protocol
        /// leaves open that a public SDK makes differently from the model, which every case must accept.
        ///
        /// Names are kebab-case ([`Fault::name`]); [`Fault::ALL`] lists the faults and
        /// [`Fault::VARIANTS`] the variants, in catalog order.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Fault {
            $(#[doc = $fault_description] $fault,)*
            $(#[doc = $variant_description] $variant,)*
        }

        impl Fault {
            /// Every fault, in catalog order.
            pub const ALL: &'static [Fault] = &[$(Fault::$fault),*];

            /// Every variant, in catalog order.
            pub const VARIANTS: &'static [Fault] = &[$(Fault::$variant),*];

            /// The kebab-case name, as `--fault` or `--variant` takes it.
            pub fn name(self) -> &'static str {
                match self {
                    $(Fault::$fault => $fault_name,)*
                    $(Fault::$variant => $variant_name,)*
                }
            }

            /// The part of the model the deviation lives in: `discovery`, `action`, `entities`,
            /// `value entity`, `event sourced`, `crdt`, `eventing` or `metadata`.
            pub fn area(self) -> &'static str {
                match self {
                    $(Fault::$fault => $fault_area,)*
                    $(Fault::$variant => $variant_area,)*
                }
            }

            /// One line: what the model does differently.
            pub fn description(self) -> &'static str {
                match self {
                    $(Fault::$fault => $fault_description,)*
                    $(Fault::$variant => $variant_description,)*
                }
            }

            /// Whether this is a variant (an accepted alternative) rather than a fault.
            pub fn is_variant(self) -> bool {
                Fault::VARIANTS.contains(&self)
            }
        }
    };
}

faults! {
    faults {
    WrongProtocolVersion = "wrong-protocol-version", "discovery",
        "announces protocol version 0.1 instead of 0.2 in its service info";
    UnqualifiedEntityType = "unqualified-entity-type", "discovery",
        "announces entity types without their package (`EventSourced`, `Crdt`, ...)";
    MissingDescriptorFile = "missing-descriptor-file", "discovery",
        "leaves the CRDT model's proto file out of the descriptor set it announces";
    UnstableDiscovery = "unstable-discovery", "discovery",
        "leaves its last entity out of every other discover answer";
    WrongPersistenceId = "wrong-persistence-id", "discovery",
        "announces each entity's service name as its persistence id";
    AnonymousSupportLibrary = "anonymous-support-library", "discovery",
        "leaves the support library's name and version out of its service info";
    WrongPassivationTimeout = "wrong-passivation-timeout", "discovery",
        "announces passivation timeouts in whole seconds (0 for 100 ms)";
    DiscoverRefusesOtherVersions = "discover-refuses-other-versions", "discovery",
        "refuses `discover` with FAILED_PRECONDITION unless the proxy announces protocol version 0.2";
    ReportErrorUnimplemented = "report-error-unimplemented", "discovery",
        "answers `reportError` with status UNIMPLEMENTED";
    ActionFailureDropsSideEffects = "action-failure-drops-side-effects", "action",
        "drops the side effects of an action whose outcome is a failure";
    EmptyReplyWithoutOutcome = "empty-reply-without-outcome", "action",
        "answers an action that chose no outcome with an empty reply";
    NeverAnswersEmptyStream = "never-answers-empty-stream", "action",
        "never answers a streamed-in call half-closed right after its header";
    StreamEndsAfterFailure = "stream-ends-after-failure", "action",
        "ends a streamed-out or duplex action call after its first failure";
    ActionTwoNoReply = "action-two-no-reply", "action",
        "answers `ActionTwo.Call` with no outcome instead of an empty `Response`";
    CancelledCallPoisons = "cancelled-call-poisons", "action",
        "fails every later action call with UNAVAILABLE once the proxy has cancelled a streamed-out or duplex \
         call";
    NeverClosesStreams = "never-closes-streams", "entities",
        "never ends a protocol stream that the proxy half-closed (entities and streamed actions)";
    DuplexBatchesGroups = "duplex-batches-groups", "action",
        "answers each duplex request with one response for all its groups";
    StreamedInLastRequestOnly = "streamed-in-last-request-only", "action",
        "handles only the last request of a streamed-in call";
    ReplyMetadata = "reply-metadata", "entities",
        "adds an empty metadata to every reply";
    GarbageInAny = "garbage-in-any", "entities",
        "packs reply payloads length-delimited, so the `Any` holds a length prefix before the message";
    ForwardUnqualified = "forward-unqualified", "entities",
        "forwards to the target service's simple name, without its package";
    SideEffectsReversed = "side-effects-reversed", "entities",
        "sends side effects in the reverse of the order they were requested";
    SideEffectsAsynchronous = "side-effects-asynchronous", "entities",
        "sends every side effect as asynchronous, whatever it asked for";
    FailureDescriptionPrefixed = "failure-description-prefixed", "entities",
        "prefixes every failure description with `Error: `";
    RestartOnFailure = "restart-on-failure", "entities",
        "sets `restart` on every command failure";
    WrongCommandId = "wrong-command-id", "entities",
        "numbers replies from 0: the reply to command N names command N-1";
    NoReplyOnFailure = "no-reply-on-failure", "entities",
        "sends nothing for an entity command that fails (the error is only logged)";
    FailureKeepsSideEffects = "failure-keeps-side-effects", "entities",
        "keeps the side effects an entity command requested before it failed";
    CrashMidStream = "crash-mid-stream", "entities",
        "ends an entity stream with gRPC status INTERNAL at its second command";
    InitStateIgnored = "init-state-ignored", "entities",
        "ignores the stored state, snapshot or CRDT delta of an init";
    FailureKeepsState = "failure-keeps-state", "entities",
        "keeps the state changes a failed value-entity or event-sourced command made before failing";
    CommandBeforeInitAccepted = "command-before-init-accepted", "entities",
        "handles a command that comes before the init as a command to a new entity of the model service";
    SecondInitRestarts = "second-init-restarts", "entities",
        "starts the entity again from a second init on the same stream instead of failing the stream";
    EmptyMessageEndsStream = "empty-message-ends-stream", "entities",
        "ends an entity stream with status OK, without a Failure, at a message with no variant set";
    UnknownServiceServed = "unknown-service-served", "entities",
        "serves an init or an action call for a service it does not know as the model service";
    CommandNameIgnored = "command-name-ignored", "entities",
        "dispatches every entity command and action call to the service's main method, whatever its name";
    PayloadTypeUnchecked = "payload-type-unchecked", "entities",
        "decodes a command's payload as the method's input message whatever its type URL";
    UndecodablePayloadAsEmpty = "undecodable-payload-as-empty", "entities",
        "takes a command payload whose bytes do not decode as an empty request";
    CallRunsActions = "call-runs-actions", "entities",
        "runs the actions of a `Call` to the second or configured value-entity or event-sourced service as \
         `Process` would, instead of answering an empty `Response`";
    HalfCloseDropsInFlight = "half-close-drops-in-flight", "entities",
        "ends a protocol stream half-closed right after a message without answering that message";
    SmallMessageLimit = "small-message-limit", "entities",
        "accepts protocol messages of at most 1 MiB, below gRPC's default limit of 4 MiB";
    ReplyTwice = "reply-twice", "value entity",
        "sends the reply to every value-entity command twice";
    FirstStateActionWins = "first-state-action-wins", "value entity",
        "reports the first update or delete of a value-entity command instead of the last";
    DeleteKeepsValue = "delete-keeps-value", "value entity",
        "reports a value-entity delete but keeps the value in memory";
    EventsDropped = "events-dropped", "event sourced",
        "reports only the first event a command emits";
    EventsReordered = "events-reordered", "event sourced",
        "reports the events of a command in reverse order";
    EventsDuplicated = "events-duplicated", "event sourced",
        "reports the last event of a command twice";
    SnapshotNever = "snapshot-never", "event sourced",
        "never takes a snapshot";
    SnapshotStale = "snapshot-stale", "event sourced",
        "snapshots the state from before the command's events";
    ReplayedEventsIgnored = "replayed-events-ignored", "event sourced",
        "ignores the events replayed after the init";
    LateEventsApplied = "late-events-applied", "event sourced",
        "applies an event that arrives after the first command instead of failing the stream";
    SnapshotOnExactMultiple = "snapshot-on-exact-multiple", "event sourced",
        "takes a snapshot only when a reply's events end exactly on a multiple of the snapshot interval";
    SnapshotSequenceIgnored = "snapshot-sequence-ignored", "event sourced",
        "counts the snapshot interval from 0 after an init with a snapshot, ignoring its sequence number";
    ReplayBounded = "replay-bounded", "event sourced",
        "keeps only the first 1,000 events replayed after an init and drops the rest";
    GrossDeltas = "gross-deltas", "crdt",
        "reports every CRDT operation of a command, not their net change";
    ClearLosesAdds = "clear-loses-adds", "crdt",
        "reports an ORSet or ORMap clear without the additions made after it";
    RegisterIgnoresClock = "register-ignores-clock", "crdt",
        "reports every LWWRegister write with the default clock";
    VoteSendsTally = "vote-sends-tally", "crdt",
        "sends this node's vote counts with its own vote, as if it owned the tally";
    StreamNeverEnds = "stream-never-ends", "crdt",
        "never sets `end_stream` on a streamed CRDT command that reached its end state";
    CancellationIgnored = "cancellation-ignored", "crdt",
        "answers a stream cancellation without applying its cancel update, and keeps streaming";
    ReplicatedDeltasEchoed = "replicated-deltas-echoed", "crdt",
        "reports deltas received from the proxy back to it as local changes";
    WriteConsistencyLocal = "write-consistency-local", "crdt",
        "reports every CRDT change with write consistency LOCAL";
    OrMapUpdatesAsAdded = "ormap-updates-as-added", "crdt",
        "reports changed ORMap entries under `added` instead of `updated`";
    StreamedFlagMissing = "streamed-flag-missing", "crdt",
        "leaves `streamed` unset in the reply to a streamed CRDT command";
    StreamedEffectsDropped = "streamed-effects-dropped", "crdt",
        "sends streamed CRDT messages without the streamed command's side effects";
    ProxyDeleteUnsupported = "proxy-delete-unsupported", "crdt",
        "ends a CRDT stream with a failure when the proxy deletes the entity";
    FlagClearedByFalse = "flag-cleared-by-false", "crdt",
        "lets a received Flag delta `false` disable an enabled flag";
    UnknownCancellationFails = "unknown-cancellation-fails", "crdt",
        "ends the stream with a failure on a cancellation of a command that is not streaming";
    MismatchedDeltaIgnored = "mismatched-delta-ignored", "crdt",
        "ignores a received delta of another CRDT type than the entity's";
    CommandMetadataHidden = "command-metadata-hidden", "metadata",
        "gives the user code no metadata of the commands it handles";
    AttachedMetadataDropped = "attached-metadata-dropped", "metadata",
        "drops the metadata the user code attaches to a reply, a forward or a side effect";
    CommandMetadataCopied = "command-metadata-copied", "metadata",
        "copies a command's metadata into every reply, forward and side effect that has none of its own";
    SubjectFromSource = "subject-from-source", "eventing",
        "reads the emitting entity's id from a delivered event's `ce-source` instead of its `ce-subject`";
    SubscriberForwardDropped = "subscriber-forward-dropped", "eventing",
        "answers a subscriber's forward step with no outcome, dropping the forward";
    StreamedSubscriberEndsEarly = "streamed-subscriber-ends-early", "eventing",
        "ends a streamed subscriber's call after its first response";
    SubscriberDispatchedByPayloadType = "subscriber-dispatched-by-payload-type", "eventing",
        "dispatches a subscriber's unary command by its payload's type instead of its name, so an event \
         of a type no method takes (a JSON event) reaches the first method";
    UnsubscribedMethodUnserved = "unsubscribed-method-unserved", "eventing",
        "serves only the subscribing methods of an action with event subscriptions: `Effect` answers \
         NOT_FOUND";
    EventTypeUrlUnqualified = "event-type-url-unqualified", "eventing",
        "packs emitted protobuf events with the message's simple name (`type.googleapis.com/EventOne`)";
    JsonEventProtobufTypeUrl = "json-event-protobuf-type-url", "eventing",
        "emits a JSON event under the protobuf prefix (`type.googleapis.com/JsonEvent`)";
    JsonEventUnwrapped = "json-event-unwrapped", "eventing",
        "emits a JSON event's JSON text as the event's bytes, not as field 1 of a wrapper message";
    CallDeleteIgnored = "call-delete-ignored", "crdt",
        "ignores a `Delete` in a `Call` to `CrdtTwo` or `CrdtConfigured`";
    CommandIdOverwritten = "command-id-overwritten", "crdt",
        "answers CRDT commands and cancellations that arrive together all with the last one's id";
    DeltaDuringCommandLost = "delta-during-command-lost", "crdt",
        "drops a delta that arrives right after a command, before that command is answered";
    }
    variants {
    ReorderedDiscovery = "reordered-discovery", "discovery",
        "lists its entities in another order on every other discover call, as from a hash map";
    EmptyMessageIgnored = "empty-message-ignored", "entities",
        "ignores an entity stream message with no variant set (JavaScript and Go SDKs)";
    UnknownCommandAsFailure = "unknown-command-as-failure", "entities",
        "answers a command it cannot dispatch or decode with a failure of that command and keeps the \
         stream";
    UnknownCommandKeepsStream = "unknown-command-keeps-stream", "entities",
        "leaves the stream open after the top-level Failure for a command it cannot dispatch or decode \
         (JavaScript SDK)";
    CommandFailureWithoutId = "command-failure-without-id", "entities",
        "sends the top-level Failure for a command it cannot dispatch or decode with command_id 0 (the Go \
         SDK's CRDT support)";
    ValueEntityErrorStatus = "value-entity-error-status", "value entity",
        "ends a value-entity stream with an error status instead of a top-level Failure (Go SDK)";
    OrSetClearOnLastRemove = "orset-clear-on-last-remove", "crdt",
        "reports the removal of an ORSet's last elements as `cleared` (Java, JavaScript and Go SDKs)";
    OrMapClearOnLastRemove = "ormap-clear-on-last-remove", "crdt",
        "reports the removal of an ORMap's last keys as `cleared` (JavaScript and Go SDKs)";
    RegisterRewriteReported = "register-rewrite-reported", "crdt",
        "reports every LWWRegister write, even one that changes neither value nor clock (JavaScript \
         and Go SDKs)";
    EmptyClearUnreported = "empty-clear-unreported", "crdt",
        "does not report a clear of an ORSet or ORMap that was already empty (JavaScript SDK)";
    JsonEventClassName = "json-event-class-name", "eventing",
        "names a JSON event's type after the full name of a class (Java SDK)";
    JsonEventSpaced = "json-event-spaced", "eventing",
        "writes a JSON event's text with a space after the colon, `{\"message\": ...}` (Python's \
         `json.dumps`)";
    }
}

impl fmt::Display for Fault {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A fault name that names no fault.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown fault {0:?} (`--list-faults` lists them)")]
pub struct UnknownFault(pub String);

/// A variant name that names no variant.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown variant {0:?} (`--list-variants` lists them)")]
pub struct UnknownVariant(pub String);

impl FromStr for Fault {
    type Err = UnknownFault;

    /// A fault by name; variants are not faults and do not parse here ([`Fault::variant`]).
    fn from_str(name: &str) -> Result<Self, Self::Err> {
        Fault::ALL
            .iter()
            .copied()
            .find(|fault| fault.name() == name)
            .ok_or_else(|| UnknownFault(name.to_owned()))
    }
}

impl Fault {
    /// A variant by name.
    pub fn variant(name: &str) -> Result<Fault, UnknownVariant> {
        Fault::VARIANTS
            .iter()
            .copied()
            .find(|variant| variant.name() == name)
            .ok_or_else(|| UnknownVariant(name.to_owned()))
    }
}

impl Fault {
    /// Whether the model, served with this fault, reads the input of a protocol stream in batches of the
    /// messages that arrive together, as an SDK that queues its input might.
    pub(crate) fn reads_batches(self) -> bool {
        matches!(
            self,
            Fault::HalfCloseDropsInFlight
                | Fault::CommandIdOverwritten
                | Fault::DeltaDuringCommandLost
        )
    }
}

#[cfg(test)]
#[path = "fault_tests.rs"]
mod tests;
