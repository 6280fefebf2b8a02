//! What the user function announces about the CRDT model services.

use cloudstate_protocol::names::CRDT;
use cloudstate_protocol::names::model::{CRDT_CONFIGURED, CRDT_TCK_MODEL, CRDT_TWO};

use super::support::{CONFIGURED, MODEL};
use crate::case::{Case, Verdict, sdk_case};
use crate::cases::shared::announced::{Declared, check_announced};
use crate::sdk::SdkCx;

/// The cases of this file, in run order.
pub(super) const CASES: &[Case] = &[
    sdk_case! {
        id: "crdt.sdk.entity_discovery",
        summary: "both CRDT model services are announced as CRDT entities",
        requirements: ["CRDT-001"],
        services: MODEL,
        run: entity_discovery,
    },
    sdk_case! {
        id: "crdt.sdk.configured_entity",
        summary: "the configured CRDT entity announces a 100 ms passivation timeout",
        requirements: ["CRDT-001", "CRDT-002"],
        services: CONFIGURED,
        run: configured_entity,
    },
];

/// Checks that the entity announced for `service` is a CRDT entity and, when `timeout_ms` is given, that
/// it announces that passivation timeout. The persistence id is not checked.
fn check_crdt(cx: &SdkCx, service: &'static str, timeout_ms: Option<i64>) -> Verdict {
    let declared = Declared {
        service,
        persistence_id: None,
        passivation_timeout_ms: timeout_ms,
    };
    check_announced(cx, CRDT, &declared)
}

/// Case 76: both model services are announced as CRDT entities.
pub(super) async fn entity_discovery(cx: SdkCx) -> Verdict {
    check_crdt(&cx, CRDT_TCK_MODEL, None)?;
    check_crdt(&cx, CRDT_TWO, None)
}

/// Case 77: the configured service is a CRDT entity with a 100 ms passivation timeout.
pub(super) async fn configured_entity(cx: SdkCx) -> Verdict {
    check_crdt(&cx, CRDT_CONFIGURED, Some(100))
}
