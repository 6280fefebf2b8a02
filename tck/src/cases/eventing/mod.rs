//! Eventing cases: events of the eventing model's event-sourced entities and the subscriber action that
//! consumes them. `proxy/` checks that a proxy delivers events (through its interceptor); `sdk/` plays
//! the proxy and checks that a user function emits events and answers their deliveries.

pub(crate) mod proxy;
pub(crate) mod sdk;
