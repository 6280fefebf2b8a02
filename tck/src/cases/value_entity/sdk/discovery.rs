//! What the user function announces about the value-entity model services.

use cloudstate_protocol::names::VALUE_ENTITY;
use cloudstate_protocol::names::model::{
    VALUE_ENTITY_CONFIGURED, VALUE_ENTITY_TCK_MODEL, VALUE_ENTITY_TWO,
};

use crate::case::Verdict;
use crate::cases::shared::announced::{Declared, check_announced};
use crate::sdk::SdkCx;

/// Case 36: both model services are value entities with the model's persistence ids.
pub(super) async fn entity_discovery(cx: SdkCx) -> Verdict {
    check_announced(
        &cx,
        VALUE_ENTITY,
        &Declared {
            service: VALUE_ENTITY_TCK_MODEL,
            persistence_id: Some("value-entity-tck-model"),
            passivation_timeout_ms: None,
        },
    )?;
    check_announced(
        &cx,
        VALUE_ENTITY,
        &Declared {
            service: VALUE_ENTITY_TWO,
            persistence_id: Some("value-entity-tck-model-two"),
            passivation_timeout_ms: None,
        },
    )
}

/// Case 37: the configured service announces its persistence id and a 100 ms passivation timeout.
pub(super) async fn configured_entity(cx: SdkCx) -> Verdict {
    check_announced(
        &cx,
        VALUE_ENTITY,
        &Declared {
            service: VALUE_ENTITY_CONFIGURED,
            persistence_id: Some("value-entity-configured"),
            passivation_timeout_ms: Some(100),
        },
    )
}
