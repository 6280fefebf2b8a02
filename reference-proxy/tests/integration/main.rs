//! Integration tests of the reference proxy, in one test binary: each module exercises one part through
//! its public API, against small fake user functions served on loopback.

mod action;
mod action_support;
mod crdt_entity;
mod crdt_state;
mod crdt_support;
mod entity_keys;
mod eventing;
mod frontend;
mod frontend_hostile;
mod frontend_metadata;
mod frontend_reflection;
mod frontend_rules;
mod frontend_support;
mod limits;
mod sqlite_store;
mod startup;
