//! The entity types: one handler per type, each driving the user function over its protocol.
//!
//! Value, event-sourced and CRDT entities share one `activation::EntityTable` (their names, activation
//! under the limits, queues, and passivation with the state a passivated entity holds) and one way of
//! reading a call (`entity_call`). Their protocol streams differ: value and event-sourced entities
//! take one command at a time (`registry`, `lifecycle`, with a `registry::Protocol` per type);
//! CRDTs take many at once and stream replies (`crdt_stream`).

mod action;
mod action_streams;
pub(crate) mod activation;
mod context;
mod crdt;
mod crdt_state;
mod crdt_stream;
mod entity_call;
mod event_sourced;
pub(crate) mod lifecycle;
pub(crate) mod registry;
mod value_entity;

#[cfg(test)]
mod tests;

pub use action::ActionHandler;
pub use context::{DEFAULT_RELAY_TIMEOUT, EntityContext, EventSink, NoEvents};
pub use crdt::CrdtHandler;
pub use crdt_state::CrdtState;
pub(crate) use event_sourced::EventSourcedHandler;
pub(crate) use value_entity::ValueEntityHandler;
