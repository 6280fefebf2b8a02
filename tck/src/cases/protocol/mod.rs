//! The protocol area: input a user function did not expect (SDK mode), and what a proxy does with calls
//! it must refuse, metadata, message sizes and a misbehaving user function (proxy mode).

pub(crate) mod proxy;
pub(crate) mod sdk;
