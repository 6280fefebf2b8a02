//! The CRDT area: `Crdt` protocol cases in SDK mode, in proxy mode, and as generated properties (with
//! their scenarios, strategies, oracle and wire code).

pub(crate) mod property;
pub(crate) mod proxy;
pub(crate) mod sdk;
