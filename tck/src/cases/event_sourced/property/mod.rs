//! Event-sourced properties: the SDK-mode cases, the proxy-mode case, and the protocol messages both
//! build from the oracle's answers.

mod proxy;
mod sdk;
mod wire;

pub(crate) use proxy::CASES as PROXY_CASES;
pub(crate) use sdk::CASES;
