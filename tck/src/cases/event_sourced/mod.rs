//! The event-sourced area: `EventSourced` protocol cases in SDK mode, in proxy mode, and as generated
//! properties.

pub(crate) mod property;
pub(crate) mod proxy;
pub(crate) mod sdk;
