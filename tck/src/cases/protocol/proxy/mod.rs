//! Proxy-mode protocol cases: the proxy's frontend (unknown methods, metadata, message sizes) and its
//! robustness against a user function that misbehaves or a client that gives up.

pub(crate) mod frontend;
pub(crate) mod robustness;
