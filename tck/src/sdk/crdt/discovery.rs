//! What the user function announces about the CRDT model services.

use cloudstate_protocol::cloudstate::{
    Entity, EntityPassivationStrategy, TimeoutPassivationStrategy, entity_passivation_strategy,
};
use cloudstate_protocol::names::CRDT;
use cloudstate_protocol::names::model::{CRDT_CONFIGURED, CRDT_TCK_MODEL, CRDT_TWO};
use prost::Message as _;

use super::support::{CONFIGURED, MODEL};
use crate::case::{Case, CaseFailure, Verdict, sdk_case};
use crate::sdk::SdkCx;
use crate::wire::render_pretty;

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
fn check_announced(cx: &SdkCx, service: &str, timeout_ms: Option<i64>) -> Verdict {
    let actual = cx.entity(service)?;
    let mut expected = actual.clone();
    CRDT.clone_into(&mut expected.entity_type);
    if let Some(timeout) = timeout_ms {
        expected.passivation_strategy = Some(EntityPassivationStrategy {
            strategy: Some(entity_passivation_strategy::Strategy::Timeout(
                TimeoutPassivationStrategy { timeout },
            )),
        });
    }
    if &expected == actual {
        return Ok(());
    }
    let mut wanted = format!("entity type `{CRDT}`");
    if let Some(timeout) = timeout_ms {
        wanted.push_str(&format!(" and a passivation timeout of {timeout} ms"));
    }
    Err(CaseFailure::mismatch(
        format!("the entity announced for `{service}` should have {wanted}"),
        render(&expected),
        render(actual),
    ))
}

fn render(entity: &Entity) -> String {
    render_pretty("cloudstate.Entity", &entity.encode_to_vec())
}

/// Case 76: both model services are announced as CRDT entities.
pub(super) async fn entity_discovery(cx: SdkCx) -> Verdict {
    check_announced(&cx, CRDT_TCK_MODEL, None)?;
    check_announced(&cx, CRDT_TWO, None)
}

/// Case 77: the configured service is a CRDT entity with a 100 ms passivation timeout.
pub(super) async fn configured_entity(cx: SdkCx) -> Verdict {
    check_announced(&cx, CRDT_CONFIGURED, Some(100))
}
