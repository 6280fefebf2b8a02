//! What becomes of a reply's client action and side effects: the status of a failure, where a forward
//! goes, when a side effect runs, which metadata reaches the target, and whether a target that does not
//! exist is reported.
//!
//! Faults applied here: `failure-status-internal`, `forward-answered-with-own-reply`,
//! `forward-metadata-dropped`, `side-effect-metadata-dropped`, `sync-side-effect-after-reply`,
//! `async-side-effects-dropped`, `no-report-error`, `side-effect-to-entity-twice` and
//! `forward-delivered-twice`.

use bytes::Bytes;
use cloudstate_protocol::cloudstate::{Forward, Metadata};
use tonic::Status;

use crate::fault::{self, Fault};
use crate::user_spec::EntityType;

/// The status a reply's failure ends its caller's call with: `UNKNOWN`, with the failure's description.
pub(crate) fn failure_status(description: String) -> Status {
    if fault::active(Fault::FailureStatusInternal) {
        Status::internal(description)
    } else {
        Status::unknown(description)
    }
}

/// The reply a forward is answered with without calling its target: none, the target answers it.
pub(crate) fn forward_answered_without_target(forward: &Forward) -> Option<Bytes> {
    fault::active(Fault::ForwardAnsweredWithOwnReply).then(|| {
        let payload = forward.payload.as_ref().map(|any| any.value.clone());
        Bytes::from(payload.unwrap_or_default())
    })
}

/// The metadata a forward's target gets in its command: the forward's.
pub(crate) fn forward_metadata(metadata: Option<Metadata>) -> Option<Metadata> {
    metadata.filter(|_| !fault::active(Fault::ForwardMetadataDropped))
}

/// The metadata a side effect's target gets in its command: the side effect's.
pub(crate) fn side_effect_metadata(metadata: Option<Metadata>) -> Option<Metadata> {
    metadata.filter(|_| !fault::active(Fault::SideEffectMetadataDropped))
}

/// When a side effect runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Schedule {
    /// Before the caller is answered (and before the next side effect).
    BeforeReply,
    /// In the background.
    InBackground,
    /// Never.
    Dropped,
}

/// When a side effect runs: a synchronous one before the caller is answered, an asynchronous one in the
/// background.
pub(crate) fn schedule(synchronous: bool) -> Schedule {
    match synchronous {
        true if fault::active(Fault::SyncSideEffectAfterReply) => Schedule::InBackground,
        true => Schedule::BeforeReply,
        false if fault::active(Fault::AsyncSideEffectsDropped) => Schedule::Dropped,
        false => Schedule::InBackground,
    }
}

/// Whether a forward or side effect to a service or method that was not announced is reported to the
/// user function with `reportError`.
pub(crate) fn reports_unknown_target() -> bool {
    !fault::active(Fault::NoReportError)
}

/// What a call made on the user function's behalf is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Delivery {
    /// A forward: the caller gets its target's reply.
    Forward,
    /// A side effect, synchronous or not.
    SideEffect,
}

/// Whether a forward or side effect to a target of `entity_type` is made twice (the first answer
/// dropped, as a retry would) instead of once.
pub(crate) fn delivered_twice(delivery: Delivery, entity_type: EntityType) -> bool {
    match delivery {
        Delivery::SideEffect => {
            entity_type != EntityType::Action && fault::active(Fault::SideEffectToEntityTwice)
        }
        Delivery::Forward => fault::active(Fault::ForwardDeliveredTwice),
    }
}
