//! Deliberate protocol deviations, to check that the TCK catches a proxy that gets things wrong.
//!
//! The deviations exist only in a build with the cargo feature `faults`: there the binary takes
//! `--fault NAME` (repeatable) to run with a deviation and `--list-faults` to print the names, one a line.
//! The proxy's code carries one small hook per deviation, `if fault::active(Fault::X) { … }`. Without the
//! feature [`active`] is a constant `false`, so every hook is dead code the compiler drops, and the names,
//! descriptions, flag parsing and the process-wide setting below are not compiled at all.

/// One deliberate deviation from what the protocol asks of a proxy. Each is a bug a real proxy could
/// have. With the feature, `Fault::name` gives the name `--fault` takes and `Fault::describe` a summary.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Fault {
    /// Event-sourced: the caller is answered before the reply's events are stored (they are stored in
    /// the background).
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
}

/// Whether `fault` is on. Always `false` in a build without the feature `faults`.
#[cfg(not(feature = "faults"))]
#[inline]
pub const fn active(_fault: Fault) -> bool {
    false
}

#[cfg(feature = "faults")]
pub use enabled::{UnknownFault, activate, active};

#[cfg(feature = "faults")]
mod enabled {
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
        pub const ALL: [Fault; 23] = [
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
        ];

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
                    "event-sourced: the caller is answered before the reply's events are stored",
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
        use std::collections::HashSet;

        use super::*;

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
        }

        #[test]
        fn every_fault_is_listed_once_in_declaration_order() {
            for (index, fault) in Fault::ALL.into_iter().enumerate() {
                assert_eq!(fault as usize, index, "{fault}");
            }
            assert_eq!(
                Fault::FailureStatusInternal as usize + 1,
                Fault::ALL.len(),
                "a fault declared after the last listed one is missing from Fault::ALL"
            );
        }
    }
}
