//! What the user function announces about the event-sourced model services.

use cloudstate_protocol::cloudstate::{
    Entity, EntityPassivationStrategy, TimeoutPassivationStrategy, entity_passivation_strategy,
};
use cloudstate_protocol::names::EVENT_SOURCED;
use cloudstate_protocol::names::model::{
    EVENT_SOURCED_CONFIGURED, EVENT_SOURCED_TCK_MODEL, EVENT_SOURCED_TWO,
};
use prost::Message as _;

use crate::case::{CaseFailure, Verdict};
use crate::sdk::SdkCx;
use crate::wire::render_pretty;

/// What the model declares for one of its services; `None` fields are not checked.
struct Declared {
    service: &'static str,
    persistence_id: Option<&'static str>,
    passivation_timeout_ms: Option<i64>,
}

/// Checks the entity announced for `declared.service` against its declaration: the entity type always,
/// the persistence id and the passivation timeout when given.
fn check_announced(cx: &SdkCx, declared: &Declared) -> Verdict {
    let actual = cx.entity(declared.service)?;
    let mut expected = actual.clone();
    expected.entity_type = EVENT_SOURCED.to_owned();
    if let Some(persistence_id) = declared.persistence_id {
        expected.persistence_id = persistence_id.to_owned();
    }
    if let Some(timeout) = declared.passivation_timeout_ms {
        expected.passivation_strategy = Some(EntityPassivationStrategy {
            strategy: Some(entity_passivation_strategy::Strategy::Timeout(
                TimeoutPassivationStrategy { timeout },
            )),
        });
    }
    if &expected == actual {
        return Ok(());
    }
    let mut wanted = vec![format!("entity type `{EVENT_SOURCED}`")];
    if let Some(persistence_id) = declared.persistence_id {
        wanted.push(format!("persistence id `{persistence_id}`"));
    }
    if let Some(timeout) = declared.passivation_timeout_ms {
        wanted.push(format!("a passivation timeout of {timeout} ms"));
    }
    Err(CaseFailure::mismatch(
        format!(
            "the entity announced for `{}` should have {}",
            declared.service,
            wanted.join(", ")
        ),
        render(&expected),
        render(actual),
    ))
}

fn render(entity: &Entity) -> String {
    render_pretty("cloudstate.Entity", &entity.encode_to_vec())
}

/// Case 55: both model services are event-sourced entities, the main one with its persistence id.
pub(super) async fn entity_discovery(cx: SdkCx) -> Verdict {
    check_announced(
        &cx,
        &Declared {
            service: EVENT_SOURCED_TCK_MODEL,
            persistence_id: Some("event-sourced-tck-model"),
            passivation_timeout_ms: None,
        },
    )?;
    // The model leaves the persistence id of the second service open.
    check_announced(
        &cx,
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
        &Declared {
            service: EVENT_SOURCED_CONFIGURED,
            persistence_id: Some("event-sourced-configured"),
            passivation_timeout_ms: Some(100),
        },
    )
}
