//! CRDT messages: the model's requests, the protocol messages that carry them, and the replies the
//! model must answer with, as every mode builds and expects them.
//!
//! `request` names the model's messages and commands and builds its requests; `stream_in` builds
//! what a proxy sends on a `Crdt.handle` stream; `values` builds deltas and states; `reply` builds
//! the answers the TCK expects; `normalise` puts a message in the form the TCK compares.

mod normalise;
mod reply;
mod request;
mod stream_in;
mod values;

pub(crate) use normalise::{normalise_crdt_out, normalise_delta};
pub(crate) use reply::{Expected, Streamed, cancelled_response};
pub(crate) use request::{
    CALL, EXPECTED_FAILURE, PROCESS, PROCESS_STREAMED, REQUEST, STREAMED_REQUEST, change, delete,
    effect, fail, flag_enable, forward_to, gset_add, increment, lww_set, lww_set_with, ormap_add,
    ormap_clear, ormap_remove, ormap_update, orset_add, orset_clear, orset_remove, request,
    update_action, updates, vote, with_consistency,
};
pub(crate) use stream_in::{
    HANDLE, call, cancelled, command_in, deleted, init, init_of, process, process_streamed,
    replicated,
};
pub(crate) use values::{
    MapDelta, STRING_TYPE_URL, flag, flag_delta, gcounter, gcounter_delta, gset, gset_delta, lww,
    lww_delta, lww_delta_with, ormap, orset, orset_added, orset_delta, pncounter, pncounter_delta,
    response, vote_delta, vote_state,
};
