//! The TCK model services, announced as a user function would, for the fuzz targets.

use std::sync::Arc;

use cloudstate_protocol::cloudstate::{Entity, EntitySpec};
use cloudstate_protocol::names;
use reference_proxy::user_spec::{MethodSpec, UserSpec};

/// Every method of the event-sourced and value-entity TCK models.
pub(crate) fn methods() -> Vec<Arc<MethodSpec>> {
    let entity = |entity_type: &str, service_name: &str| Entity {
        entity_type: entity_type.to_owned(),
        service_name: service_name.to_owned(),
        persistence_id: service_name.to_owned(),
        passivation_strategy: None,
    };
    let spec = UserSpec::new(EntitySpec {
        proto: cloudstate_protocol::FILE_DESCRIPTOR_SET.to_vec(),
        entities: vec![
            entity(names::EVENT_SOURCED, names::model::EVENT_SOURCED_TCK_MODEL),
            entity(names::VALUE_ENTITY, names::model::VALUE_ENTITY_TCK_MODEL),
            entity(names::VALUE_ENTITY, names::model::VALUE_ENTITY_TWO),
        ],
        service_info: None,
    })
    .expect("the TCK spec is valid");
    spec.services
        .values()
        .flat_map(|service| service.methods.values().cloned())
        .collect()
}
