//! Discovery messages: the `ProxyInfo` the TCK announces when it plays the proxy, and reading the
//! `EntitySpec` a user function answers with.

use cloudstate_protocol::cloudstate::{EntitySpec, ProxyInfo};
use cloudstate_protocol::names::{ENTITY_TYPES, PROTOCOL_MAJOR_VERSION, PROTOCOL_MINOR_VERSION};
use prost_reflect::DescriptorPool;

use crate::case::CaseFailure;

/// The `ProxyInfo` the TCK announces when it plays the proxy.
pub(crate) fn tck_proxy_info() -> ProxyInfo {
    ProxyInfo {
        protocol_major_version: PROTOCOL_MAJOR_VERSION,
        protocol_minor_version: PROTOCOL_MINOR_VERSION,
        proxy_name: "cloudstate-tck".to_owned(),
        proxy_version: env!("CARGO_PKG_VERSION").to_owned(),
        supported_entity_types: ENTITY_TYPES.iter().map(|t| (*t).to_owned()).collect(),
    }
}

/// Decodes the descriptor set of a spec, whatever the order of its files.
pub(crate) fn decode_descriptors(spec: &EntitySpec) -> Result<DescriptorPool, CaseFailure> {
    cloudstate_protocol::decode_descriptor_set(&spec.proto).map_err(|error| {
        CaseFailure::fail(format!(
            "EntitySpec.proto is not a valid FileDescriptorSet ({} bytes): {error}",
            spec.proto.len()
        ))
    })
}

/// The announced entities in a canonical order: the order of `EntitySpec.entities` carries no
/// meaning, and an SDK that lists its entities from a hash map may change it between calls.
pub(crate) fn sorted_entities(spec: &EntitySpec) -> Vec<String> {
    let mut entities: Vec<String> = spec.entities.iter().map(|e| format!("{e:?}")).collect();
    entities.sort();
    entities
}
