//! What the user function announces about the event-sourced model services.

use cloudstate_protocol::names::EVENT_SOURCED;
use cloudstate_protocol::names::model::{
    EVENT_SOURCED_CONFIGURED, EVENT_SOURCED_TCK_MODEL, EVENT_SOURCED_TWO,
};

use crate::case::{Case, Verdict, sdk_case};
use crate::cases::shared::announced::{Declared, check_announced};
use crate::sdk::SdkCx;

/// The cases of this file, in run order.
pub(super) const CASES: &[Case] = &[
    sdk_case! {
        id: "event_sourced.sdk.entity_discovery",
        summary: "both event-sourced model services are announced as event-sourced entities, the main one with its persistence id",
        requirements: ["ES-001", "ES-002"],
        services: &[EVENT_SOURCED_TCK_MODEL, EVENT_SOURCED_TWO],
        run: entity_discovery,
    },
    sdk_case! {
        id: "event_sourced.sdk.configured_entity",
        summary: "the configured event-sourced entity announces its persistence id and a 100 ms passivation timeout",
        requirements: ["ES-001", "ES-002", "ES-003"],
        services: &[EVENT_SOURCED_CONFIGURED],
        run: configured_entity,
    },
];

/// Case 55: both model services are event-sourced entities, the main one with its persistence id.
pub(super) async fn entity_discovery(cx: SdkCx) -> Verdict {
    check_announced(
        &cx,
        EVENT_SOURCED,
        &Declared {
            service: EVENT_SOURCED_TCK_MODEL,
            persistence_id: Some("event-sourced-tck-model"),
            passivation_timeout_ms: None,
        },
    )?;
    // The model leaves the persistence id of the second service open.
    check_announced(
        &cx,
        EVENT_SOURCED,
        &Declared {
            service: EVENT_SOURCED_TWO,
            persistence_id: None,
            passivation_timeout_ms: None,
        },
    )
}

/// Case 56: the configured service announces its persistence id and a 100 ms passivation timeout.
pub(super) async fn configured_entity(cx: SdkCx) -> Verdict {
    check_announced(
        &cx,
        EVENT_SOURCED,
        &Declared {
            service: EVENT_SOURCED_CONFIGURED,
            persistence_id: Some("event-sourced-configured"),
            passivation_timeout_ms: Some(100),
        },
    )
}
