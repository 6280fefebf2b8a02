//! What the user function announces about an entity's service in `discover`, checked against what the
//! model declares: shared by the discovery cases of every entity type.

use cloudstate_protocol::cloudstate::{
    Entity, EntityPassivationStrategy, TimeoutPassivationStrategy, entity_passivation_strategy,
};
use prost::Message as _;

use crate::case::{CaseFailure, Verdict};
use crate::sdk::SdkCx;
use crate::wire::render_pretty;

/// What the model declares for one of its services; `None` fields are not checked.
pub(crate) struct Declared {
    /// The service's full name.
    pub(crate) service: &'static str,
    /// The persistence id it must announce, when checked.
    pub(crate) persistence_id: Option<&'static str>,
    /// The passivation timeout it must announce, when checked.
    pub(crate) passivation_timeout_ms: Option<i64>,
}

/// Checks the entity announced for `declared.service` against its declaration: the entity type
/// `entity_type` always, the persistence id and the passivation timeout when given.
pub(crate) fn check_announced(cx: &SdkCx, entity_type: &str, declared: &Declared) -> Verdict {
    let actual = cx.entity(declared.service)?;
    let mut expected = actual.clone();
    entity_type.clone_into(&mut expected.entity_type);
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
    let mut wanted = vec![format!("entity type `{entity_type}`")];
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
