//! Value-entity properties in SDK mode: generated update, delete, forward, effect and fail commands over
//! several `ValueEntityTckModel` entities, with passivation and re-initialisation from the stored value.

use cloudstate_protocol::cloudstate::tck::model::valueentity::{
    Delete, Effect, Fail, Forward, Persisted, Request, RequestAction, Response, Update,
    request_action,
};
use cloudstate_protocol::cloudstate::valueentity::{
    ValueEntityAction, ValueEntityDelete, ValueEntityInit, ValueEntityInitState, ValueEntityReply,
    ValueEntityStreamIn, ValueEntityStreamOut, ValueEntityUpdate, value_entity_action,
    value_entity_stream_in, value_entity_stream_out,
};
use cloudstate_protocol::names::model::{VALUE_ENTITY_TCK_MODEL, VALUE_ENTITY_TWO};
use prost_types::Any;

use super::oracle::{FAILURE, Outcome, StateAction, VeAnswer, VeEntity};
use super::runner::check_property;
use super::strategy::{self, ENTITIES, Step, VeAction, VeScenario, two_id};
use crate::case::{Case, Verdict, sdk_case};
use crate::sdk::{SdkCx, ValueEntityStream, command, failure, pack, reply, side_effect};

const REPLIES: &str = "value_entity.sdk.property_replies";

/// Full name of the model's request message.
const REQUEST: &str = "cloudstate.tck.model.valueentity.Request";

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
        strategy::value_entity(),
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
                stream.send(process(&ids[index], command_id, &actions, fail));
                let answer = entities[index].process(&actions, fail);
                stream.expect(expected(command_id, &answer)).await?;
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

/// Opens the entity's stream with its stored value, if any.
fn open(cx: &SdkCx, id: &str, entity: &VeEntity) -> ValueEntityStream {
    let mut stream = cx.value_entity();
    stream.send(ValueEntityStreamIn {
        message: Some(value_entity_stream_in::Message::Init(ValueEntityInit {
            service_name: VALUE_ENTITY_TCK_MODEL.to_owned(),
            entity_id: id.to_owned(),
            state: Some(ValueEntityInitState {
                value: entity.stored.as_deref().map(persisted),
            }),
        })),
    });
    stream
}

/// The oracle's answer as the stream message.
fn expected(command_id: i64, answer: &VeAnswer) -> ValueEntityStreamOut {
    let client_action = match &answer.outcome {
        Outcome::Reply(message) => reply(pack(
            "cloudstate.tck.model.valueentity.Response",
            &Response {
                message: message.clone(),
            },
        )),
        Outcome::Forward(id) => crate::sdk::forward(VALUE_ENTITY_TWO, "Call", request_to_two(id)),
        Outcome::Failure => failure(command_id, FAILURE),
    };
    let state_action = answer
        .state_action
        .as_ref()
        .map(|action| ValueEntityAction {
            action: Some(match action {
                StateAction::Update(value) => {
                    value_entity_action::Action::Update(ValueEntityUpdate {
                        value: Some(persisted(value)),
                    })
                }
                StateAction::Delete => value_entity_action::Action::Delete(ValueEntityDelete {}),
            }),
        });
    ValueEntityStreamOut {
        message: Some(value_entity_stream_out::Message::Reply(ValueEntityReply {
            command_id,
            client_action,
            side_effects: answer
                .effects
                .iter()
                .map(|(id, sync)| side_effect(VALUE_ENTITY_TWO, "Call", request_to_two(id), *sync))
                .collect(),
            state_action,
        })),
    }
}

/// Command `command_id` to `ValueEntityTckModel.Process` with these actions, then `Fail` if `fail`.
fn process(id: &str, command_id: i64, actions: &[VeAction], fail: bool) -> ValueEntityStreamIn {
    let mut request_actions: Vec<RequestAction> = actions
        .iter()
        .map(|action| match action {
            VeAction::Update(n) => request_action::Action::Update(Update {
                value: format!("v{n}"),
            }),
            VeAction::Delete => request_action::Action::Delete(Delete {}),
            VeAction::Forward(n) => request_action::Action::Forward(Forward { id: two_id(*n) }),
            VeAction::Effect(n, sync) => request_action::Action::Effect(Effect {
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
    ValueEntityStreamIn {
        message: Some(value_entity_stream_in::Message::Command(command(
            id,
            command_id,
            "Process",
            pack(REQUEST, &request),
        ))),
    }
}

/// `Persisted{value}`, packed: the model's stored state.
fn persisted(value: &str) -> Any {
    pack(
        "cloudstate.tck.model.valueentity.Persisted",
        &Persisted {
            value: value.to_owned(),
        },
    )
}

/// `Request{id}`, packed: the payload of forwards and side effects.
fn request_to_two(id: &str) -> Any {
    pack(
        REQUEST,
        &Request {
            id: id.to_owned(),
            actions: Vec::new(),
        },
    )
}
