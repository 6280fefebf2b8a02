//! The discovery area: what a user function announces in `discover` (SDK mode), and what a proxy
//! announces, accepts and refuses when it discovers a user function (proxy mode).

pub(crate) mod proxy;
pub(crate) mod sdk;
