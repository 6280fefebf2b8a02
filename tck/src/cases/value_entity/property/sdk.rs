//! Value-entity properties in SDK mode: generated update, delete, forward, effect and fail commands over
//! several `ValueEntityTckModel` entities, with passivation and re-initialisation from the stored value.

use cloudstate_protocol::names::model::{VALUE_ENTITY_TCK_MODEL, VALUE_ENTITY_TWO};

use super::wire::{command_in, expected, init, request};
use crate::case::{Case, Verdict, sdk_case};
use crate::property::oracle::VeEntity;
use crate::property::runner::check_property;
use crate::property::strategy::{self, ENTITIES, Step, VeScenario};
use crate::sdk::{SdkCx, ValueEntityStream};

const REPLIES: &str = "value_entity.sdk.property_replies";

/// What SDK scenarios name their forward and side-effect targets: `two-<n>`.
const TWO: &str = "two";

/// The value-entity property cases.
pub(crate) static CASES: &[Case] = &[sdk_case! {
    id: "value_entity.sdk.property_replies",
    summary: "generated update, delete, forward, effect and fail commands with passivations get exactly the oracle's replies, state actions and side effects",
    requirements: ["VE-006", "VE-007", "VE-008", "VE-009", "VE-011", "VE-012", "VE-013", "VE-014", "VE-015", "VE-016"],
    services: &[VALUE_ENTITY_TCK_MODEL, VALUE_ENTITY_TWO],
    run: property_replies,
}];

async fn property_replies(cx: SdkCx) -> Verdict {
    let deadline = cx.deadline();
    check_property(
        REPLIES,
        cx.settings(),
        strategy::value_entity,
        cx.trace(),
        deadline,
        |scenario| run(cx.clone(), scenario),
    )
    .await
}

/// Plays one scenario, as the proxy, on fresh entities.
async fn run(cx: SdkCx, scenario: VeScenario) -> Verdict {
    let ids: Vec<String> = (0..ENTITIES).map(|_| cx.fresh_id("property")).collect();
    let mut entities = vec![VeEntity::default(); ids.len()];
    let mut streams: Vec<Option<(ValueEntityStream, i64)>> = (0..ids.len()).map(|_| None).collect();
    for step in scenario.0 {
        match step {
            Step::Command {
                entity,
                actions,
                fail,
            } => {
                let index = usize::from(entity) % ids.len();
                let (stream, next) = streams[index]
                    .get_or_insert_with(|| (open(&cx, &ids[index], &entities[index]), 1));
                let command_id = *next;
                *next += 1;
                let request = request(&ids[index], &actions, fail, TWO);
                stream.send(command_in(command_id, "Process", &request));
                let answer = entities[index].process(&actions, fail);
                stream.expect(expected(command_id, &answer, TWO)).await?;
            }
            Step::Passivate(entity) => {
                let index = usize::from(entity) % ids.len();
                if let Some((stream, _)) = streams[index].take() {
                    stream.abandon();
                }
            }
        }
    }
    for (stream, _) in streams.into_iter().flatten() {
        stream.abandon();
    }
    Ok(())
}

/// Opens the entity's stream with its stored value, if any.
fn open(cx: &SdkCx, id: &str, entity: &VeEntity) -> ValueEntityStream {
    let mut stream = cx.value_entity();
    stream.send(init(VALUE_ENTITY_TCK_MODEL, id, entity.stored.as_deref()));
    stream
}
