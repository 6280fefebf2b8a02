//! Event-sourced properties in SDK mode: generated commands over several `EventSourcedTckModel` entities,
//! each answer checked against the oracle, with passivation and re-initialisation from what was stored.

use cloudstate_protocol::cloudstate::eventsourced::{
    EventSourcedEvent, EventSourcedInit, EventSourcedReply, EventSourcedSnapshot,
    EventSourcedStreamIn, EventSourcedStreamOut, event_sourced_stream_in, event_sourced_stream_out,
};
use cloudstate_protocol::cloudstate::tck::model::{
    Effect, Emit, Fail, Forward, Persisted, Request, RequestAction, Response, request_action,
};
use cloudstate_protocol::cloudstate::{ClientAction, client_action};
use cloudstate_protocol::names::model::{EVENT_SOURCED_TCK_MODEL, EVENT_SOURCED_TWO};
use prost_types::Any;

use super::oracle::{EsAnswer, EsEntity, FAILURE, Outcome};
use super::runner::check_property;
use super::strategy::{self, ENTITIES, EsAction, EsScenario, Step, letter, two_id};
use crate::case::{Case, CaseFailure, Verdict, sdk_case};
use crate::sdk::{EventSourcedStream, SdkCx, command, failure_message, pack, reply, side_effect};
use crate::wire::WireMessage as _;

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
    let deadline = cx.deadline();
    check_property(
        REPLIES,
        strategy::event_sourced(false),
        cx.trace(),
        deadline,
        |scenario| run(cx.clone(), scenario),
    )
    .await
}

async fn property_rehydration(cx: SdkCx) -> Verdict {
    let deadline = cx.deadline();
    check_property(
        REHYDRATION,
        strategy::event_sourced(true),
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
                stream.send(process(&ids[index], command_id, &actions, fail));
                let answer = entities[index].process(&actions, fail);
                if expect_answer(stream, command_id, &answer).await? {
                    stream.close().await?;
                    streams[index] = None;
                }
            }
            Step::Passivate(entity) => {
                let index = usize::from(entity) % ids.len();
                if let Some((mut stream, _)) = streams[index].take() {
                    stream.close().await?;
                }
            }
        }
    }
    for (mut stream, _) in streams.into_iter().flatten() {
        stream.close().await?;
    }
    Ok(())
}

/// Opens the entity's stream with the stored snapshot and the stored events after it.
fn open(cx: &SdkCx, id: &str, entity: &EsEntity) -> EventSourcedStream {
    let mut stream = cx.event_sourced();
    let snapshot = entity
        .snapshot
        .as_ref()
        .map(|(sequence, state)| EventSourcedSnapshot {
            snapshot_sequence: *sequence,
            snapshot: Some(persisted(state)),
        });
    stream.send(EventSourcedStreamIn {
        message: Some(event_sourced_stream_in::Message::Init(EventSourcedInit {
            service_name: EVENT_SOURCED_TCK_MODEL.to_owned(),
            entity_id: id.to_owned(),
            snapshot,
        })),
    });
    for (sequence, value) in &entity.events {
        stream.send(EventSourcedStreamIn {
            message: Some(event_sourced_stream_in::Message::Event(EventSourcedEvent {
                sequence: *sequence,
                payload: Some(persisted(value)),
            })),
        });
    }
    stream
}

/// Receives the answer to `command_id` and checks it; returns whether it was a failure with `restart`.
async fn expect_answer(
    stream: &mut EventSourcedStream,
    command_id: i64,
    answer: &EsAnswer,
) -> Result<bool, CaseFailure> {
    let expected = expected(command_id, answer, false);
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
    if actual == self::expected(command_id, answer, true) {
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

/// The oracle's answer as the stream message.
fn expected(command_id: i64, answer: &EsAnswer, restart: bool) -> EventSourcedStreamOut {
    let client_action = match &answer.outcome {
        Outcome::Reply(message) => reply(pack(
            "cloudstate.tck.model.Response",
            &Response {
                message: message.clone(),
            },
        )),
        Outcome::Forward(id) => crate::sdk::forward(EVENT_SOURCED_TWO, "Call", request_to_two(id)),
        Outcome::Failure => Some(ClientAction {
            action: Some(client_action::Action::Failure(failure_message(
                command_id, FAILURE, restart,
            ))),
        }),
    };
    EventSourcedStreamOut {
        message: Some(event_sourced_stream_out::Message::Reply(
            EventSourcedReply {
                command_id,
                client_action,
                side_effects: answer
                    .effects
                    .iter()
                    .map(|(id, sync)| {
                        side_effect(EVENT_SOURCED_TWO, "Call", request_to_two(id), *sync)
                    })
                    .collect(),
                events: answer.events.iter().map(|value| persisted(value)).collect(),
                snapshot: answer.snapshot.as_deref().map(persisted),
            },
        )),
    }
}

/// Command `command_id` to `EventSourcedTckModel.Process` with these actions, then `Fail` if `fail`.
fn process(id: &str, command_id: i64, actions: &[EsAction], fail: bool) -> EventSourcedStreamIn {
    let mut request_actions: Vec<RequestAction> = actions
        .iter()
        .map(|action| match action {
            EsAction::Emit(n) => request_action::Action::Emit(Emit { value: letter(*n) }),
            EsAction::Forward(n) => request_action::Action::Forward(Forward { id: two_id(*n) }),
            EsAction::Effect(n, sync) => request_action::Action::Effect(Effect {
                id: two_id(*n),
                synchronous: *sync,
            }),
        })
        .map(|action| RequestAction {
            action: Some(action),
        })
        .collect();
    if fail {
        request_actions.push(RequestAction {
            action: Some(request_action::Action::Fail(Fail {
                message: FAILURE.to_owned(),
            })),
        });
    }
    let request = Request {
        id: id.to_owned(),
        actions: request_actions,
    };
    EventSourcedStreamIn {
        message: Some(event_sourced_stream_in::Message::Command(command(
            id,
            command_id,
            "Process",
            pack("cloudstate.tck.model.Request", &request),
        ))),
    }
}

/// `Persisted{value}`, packed.
fn persisted(value: &str) -> Any {
    pack(
        "cloudstate.tck.model.Persisted",
        &Persisted {
            value: value.to_owned(),
        },
    )
}

/// `Request{id}`, packed: the payload of forwards and side effects.
fn request_to_two(id: &str) -> Any {
    pack(
        "cloudstate.tck.model.Request",
        &Request {
            id: id.to_owned(),
            actions: Vec::new(),
        },
    )
}
