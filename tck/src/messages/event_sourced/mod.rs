//! Event-sourced messages: the model's requests, the protocol messages that carry them, and the replies the
//! model must answer with, as every mode builds and expects them.
//!
//! `model` names the model's messages and commands and builds its requests and payloads; `stream_in`
//! builds what a proxy sends on an `EventSourced.handle` stream; `replies` builds the answers the TCK
//! expects.

mod model;
mod replies;
mod stream_in;

pub(crate) use model::{
    CALL, EXPECTED_FAILURE, HANDLE, PROCESS, PROCESS_METHOD, REQUEST, call_request, effect,
    effects, emit, emits, fail, forward_to, request,
};
pub(crate) use replies::{Expected, response};
pub(crate) use stream_in::{
    call_in, command_in, event_in, init, init_snapshot, process, process_in,
};
