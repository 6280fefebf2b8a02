//! Action messages: the model's requests, the protocol messages that carry them, and the replies the
//! model must answer with, as every mode builds and expects them.

mod request;
mod response;

pub(crate) use request::{
    CALL, PROCESS_STREAMED, PROCESS_STREAMED_IN, PROCESS_STREAMED_OUT, PROCESS_UNARY, REQUEST,
    RESPONSE, UNKNOWN_SERVICE, effect, effect_of, fail, forward, full_command, group, header,
    payload_only, process_unary, reply, request, single, sync_effect, two_call,
};
pub(crate) use response::{
    effect_to, effects, failed, forwarded, no_reply, replied, response, strip_metadata,
    sync_effects, without_metadata_command, without_metadata_response,
};
