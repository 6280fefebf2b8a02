//! Record and replay: real traffic between a proxy and its user function, turned into scenarios anyone
//! can rerun.
//!
//! [`Recorder`] sits between a proxy and a user function (the interceptor of proxy mode) and writes a
//! [`Transcript`]: every call, every message in both directions in order, with relative times,
//! half-closes, cancels and ends, messages as proto3 JSON ([`MessageCodec`]). [`ReplayPlan`] turns each
//! stream of a transcript into a case that plays the proxy's side against a user function and compares
//! the answers with the recorded ones.

mod codec;
mod compare;
mod from_json;
mod play;
mod recorder;
mod replay;
mod to_json;
mod transcript;
mod until_stopped;

pub(crate) use codec::MessageCodec;
pub(crate) use recorder::Recorder;
pub(crate) use replay::{ReplayCases, ReplayPlan};
pub use transcript::Transcript;
pub(crate) use until_stopped::record_until_stopped;
