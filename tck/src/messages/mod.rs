//! The protocol messages the TCK builds and expects, shared by SDK cases, proxy cases, property
//! scenarios and replays: one module per area.

pub(crate) mod action;
pub(crate) mod crdt;
mod discovery;
mod entity_request;
pub(crate) mod event_sourced;
pub(crate) mod eventing;
mod methods;
mod payload;
pub(crate) mod value_entity;

pub(crate) use discovery::sorted_entities;
pub(crate) use discovery::{decode_descriptors, tck_proxy_info};
pub(crate) use methods::message_names;
pub(crate) use payload::{command, failure, failure_message, forward, pack, reply, side_effect};
