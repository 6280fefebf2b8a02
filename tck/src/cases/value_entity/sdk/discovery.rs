//! What the user function announces about the value-entity model services.

use cloudstate_protocol::names::VALUE_ENTITY;
use cloudstate_protocol::names::model::{
    VALUE_ENTITY_CONFIGURED, VALUE_ENTITY_TCK_MODEL, VALUE_ENTITY_TWO,
};

use crate::case::{Case, Verdict, sdk_case};
use crate::cases::shared::announced::{Declared, check_announced};
use crate::sdk::SdkCx;

/// The cases of this file, in run order.
pub(super) const CASES: &[Case] = &[
    sdk_case! {
        id: "value_entity.sdk.entity_discovery",
        summary: "both value-entity model services are announced as value entities with their persistence ids",
        requirements: ["VE-001", "VE-002"],
        services: &[VALUE_ENTITY_TCK_MODEL, VALUE_ENTITY_TWO],
        run: entity_discovery,
    },
    sdk_case! {
        id: "value_entity.sdk.configured_entity",
        summary: "the configured value entity announces its persistence id and a 100 ms passivation timeout",
        requirements: ["VE-001", "VE-002", "VE-003"],
        services: &[VALUE_ENTITY_CONFIGURED],
        run: configured_entity,
    },
];

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
