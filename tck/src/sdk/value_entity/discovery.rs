//! What the user function announces about the value-entity model services.

use cloudstate_protocol::cloudstate::{
    Entity, EntityPassivationStrategy, TimeoutPassivationStrategy, entity_passivation_strategy,
};
use cloudstate_protocol::names::VALUE_ENTITY;
use cloudstate_protocol::names::model::{
    VALUE_ENTITY_CONFIGURED, VALUE_ENTITY_TCK_MODEL, VALUE_ENTITY_TWO,
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
    expected.entity_type = VALUE_ENTITY.to_owned();
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
    let mut wanted = vec![format!("entity type `{VALUE_ENTITY}`")];
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

/// Case 36: both model services are value entities with the model's persistence ids.
pub(super) async fn entity_discovery(cx: SdkCx) -> Verdict {
    check_announced(
        &cx,
        &Declared {
            service: VALUE_ENTITY_TCK_MODEL,
            persistence_id: Some("value-entity-tck-model"),
            passivation_timeout_ms: None,
        },
    )?;
    check_announced(
        &cx,
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
        &Declared {
            service: VALUE_ENTITY_CONFIGURED,
            persistence_id: Some("value-entity-configured"),
            passivation_timeout_ms: Some(100),
        },
    )
}
