//! What a `CrdtStreamedMessage` does at the proxy: `end_stream` ends the client's stream of that
//! command, after which no `StreamCancelled` is sent for it (spec CRDT-027, CRDT-029), and its side
//! effects are carried out (CRDT-041).
//!
//! Faults applied here: `crdt-end-stream-ignored`, `crdt-cancelled-after-end-stream` and
//! `crdt-streamed-side-effects-dropped`.

use cloudstate_protocol::cloudstate::SideEffect;

use crate::fault::{self, Fault};

/// Whether a streamed message ends its command's stream: when it says so with `end_stream`.
pub(crate) fn ends_stream(end_stream: bool) -> bool {
    end_stream && !fault::active(Fault::CrdtEndStreamIgnored)
}

/// Whether the proxy sends `StreamCancelled` for a command whose stream the user function ended: never.
pub(crate) fn cancels_ended_stream() -> bool {
    fault::active(Fault::CrdtCancelledAfterEndStream)
}

/// The side effects of a streamed message that the proxy carries out: all of them.
pub(crate) fn streamed_side_effects(side_effects: Vec<SideEffect>) -> Vec<SideEffect> {
    if fault::active(Fault::CrdtStreamedSideEffectsDropped) {
        Vec::new()
    } else {
        side_effects
    }
}
