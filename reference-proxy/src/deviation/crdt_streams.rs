//! What a `CrdtStreamedMessage` does at the proxy: `end_stream` ends the client's stream of that
//! command, after which no `StreamCancelled` is sent for it (spec CRDT-027, CRDT-029), and its side
//! effects are carried out (CRDT-041); and what a top-level `Failure` on a CRDT stream does to the
//! command it names (FAIL-008).
//!
//! Faults applied here: `crdt-end-stream-ignored`, `crdt-cancelled-after-end-stream`,
//! `crdt-streamed-side-effects-dropped` and `crdt-stream-failure-ignored`.

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

/// The command a top-level `Failure` naming `command_id` fails: that one (0 names none).
pub(crate) fn failed_command(command_id: i64) -> i64 {
    if fault::active(Fault::CrdtStreamFailureIgnored) {
        0
    } else {
        command_id
    }
}
