//! Event-sourced properties in SDK mode: generated commands over several `EventSourcedTckModel` entities,
//! each answer checked against the oracle, with passivation and re-initialisation from what was stored.

use cloudstate_protocol::names::model::{EVENT_SOURCED_TCK_MODEL, EVENT_SOURCED_TWO};

use super::wire::{expected, replay, scenario_request, stored_init};
use crate::case::{Case, CaseFailure, Verdict, sdk_case};
use crate::messages::event_sourced::process_in;
use crate::property::oracle::{EsAnswer, EsEntity};
use crate::property::runner::check_property;
use crate::property::strategy::{self, ENTITIES, EsScenario, Step};
use crate::sdk::{EventSourcedStream, SdkCx};
use crate::wire::WireMessage as _;

/// What SDK scenarios name their forward and side-effect targets: `two-<n>`.
const TWO: &str = "two";

const REPLIES: &str = "event_sourced.sdk.property_replies";
const REHYDRATION: &str = "event_sourced.sdk.property_rehydration";

/// The event-sourced property cases.
pub(crate) static CASES: &[Case] = &[
    sdk_case! {
        id: "event_sourced.sdk.property_replies",
        summary: "generated emit, forward, effect and fail commands over several entities get exactly the oracle's replies, events, snapshots and side effects",
        requirements: ["ES-007", "ES-008", "ES-009", "ES-010", "ES-011", "ES-012", "ES-014", "ES-015", "ES-016", "ES-017", "ES-018", "ES-020"],
        services: &[EVENT_SOURCED_TCK_MODEL, EVENT_SOURCED_TWO],
        run: property_replies,
    },
    sdk_case! {
        id: "event_sourced.sdk.property_rehydration",
        summary: "generated commands with passivations: each entity reopened from the stored snapshot and later events answers as the oracle says",
        requirements: ["ES-006", "ES-011", "ES-019", "ES-022"],
        services: &[EVENT_SOURCED_TCK_MODEL, EVENT_SOURCED_TWO],
        run: property_rehydration,
    },
];

async fn property_replies(cx: SdkCx) -> Verdict {
    check(cx, REPLIES, false).await
}

async fn property_rehydration(cx: SdkCx) -> Verdict {
    check(cx, REHYDRATION, true).await
}

/// Runs property `case_id` on scenarios with passivations when `passivate` is set.
async fn check(cx: SdkCx, case_id: &str, passivate: bool) -> Verdict {
    let deadline = cx.deadline();
    check_property(
        case_id,
        cx.settings(),
        move || strategy::event_sourced(passivate),
        cx.trace(),
        deadline,
        |scenario| run(cx.clone(), scenario),
    )
    .await
}

/// An open stream and the id of its next command.
type Open = (EventSourcedStream, i64);

/// Plays one scenario, as the proxy, on fresh entities.
async fn run(cx: SdkCx, scenario: EsScenario) -> Verdict {
    let ids: Vec<String> = (0..ENTITIES).map(|_| cx.fresh_id("property")).collect();
    let mut entities = vec![EsEntity::default(); ids.len()];
    let mut streams: Vec<Option<Open>> = (0..ids.len()).map(|_| None).collect();
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
                let request = scenario_request(&ids[index], &actions, fail, TWO);
                stream.send(process_in(command_id, &request));
                let answer = entities[index].process(&actions, fail);
                if expect_answer(stream, command_id, &answer).await?
                    && let Some((stream, _)) = streams[index].take()
                {
                    stream.abandon();
                }
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

/// Opens the entity's stream with the stored snapshot and the stored events after it.
fn open(cx: &SdkCx, id: &str, entity: &EsEntity) -> EventSourcedStream {
    let mut stream = cx.event_sourced();
    stream.send(stored_init(EVENT_SOURCED_TCK_MODEL, id, entity));
    for event in replay(entity) {
        stream.send(event);
    }
    stream
}

/// Receives the answer to `command_id` and checks it; returns whether it was a failure with `restart`.
async fn expect_answer(
    stream: &mut EventSourcedStream,
    command_id: i64,
    answer: &EsAnswer,
) -> Result<bool, CaseFailure> {
    let expected = expected(command_id, answer, false, TWO);
    if !answer.restart_allowed {
        stream.expect(expected).await?;
        return Ok(false);
    }
    let actual = stream.recv().await.map_err(|mut failure| {
        failure.expected.get_or_insert_with(|| expected.pretty());
        failure
    })?;
    if actual == expected {
        return Ok(false);
    }
    if actual == self::expected(command_id, answer, true, TWO) {
        return Ok(true);
    }
    Err(CaseFailure::mismatch(
        format!(
            "{}: the answer to command {command_id} differs from the oracle's (`restart` may be true or false)",
            stream.label()
        ),
        expected.pretty(),
        actual.pretty(),
    ))
}
