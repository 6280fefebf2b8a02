//! The built-in model service: our own user function, implementing the TCK model services exactly as a
//! conforming SDK must (action, value entity, event sourced, CRDT and event-log eventing).
//!
//! It is the reference the SDK-mode suite passes against, and the user function behind a proxy in proxy
//! mode. Start it with [`serve_model`]; [`entity_spec`] is what its `discover` answers.

mod action;
mod crdt;
mod discovery;
mod event_sourced;
mod eventing;
mod eventing_subscriber;
mod fault;
mod habits;
mod metadata;
mod payload;
mod server;
#[cfg(test)]
mod tests;
mod value_entity;

pub use discovery::entity_spec;
pub use fault::Fault;
pub(crate) use habits::Headers;
pub use server::{ModelOptions, serve_model};
