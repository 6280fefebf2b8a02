//! The metadata model (`MetadataTckModelAction`, an action, and `MetadataTckModelEntity`, a value entity):
//! each answers a `MetadataRequest` with the metadata its command carried, and attaches the metadata the
//! request names to its reply or forward and to its side effect.
//!
//! The action serves `Process` through `handleUnary` and `ProcessStreamedOut` through `handleStreamedOut`
//! (the same answer twice); the entity serves `Process` and never changes its state.

use cloudstate_protocol::cloudstate::action::action_response::Response as Outcome;
use cloudstate_protocol::cloudstate::action::{ActionCommand, ActionResponse};
use cloudstate_protocol::cloudstate::tck::model::metadata::{
    MetadataEntry as ModelEntry, MetadataRequest, MetadataResponse, metadata_entry as model_entry,
};
use cloudstate_protocol::cloudstate::{
    ClientAction, Forward, Metadata, MetadataEntry, Reply, SideEffect, client_action,
    metadata_entry,
};
use cloudstate_protocol::names::model::METADATA_TCK_MODEL_ACTION;
use prost_types::Any;
use tonic::Status;

use super::fault::{self, Fault};
use super::payload::pack;

/// The method both services serve.
pub(crate) const PROCESS: &str = "Process";
/// The streamed-out method of the action.
pub(crate) const PROCESS_STREAMED_OUT: &str = "ProcessStreamedOut";

/// The model's answer to one command: its outcome and its side effects.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Answer {
    /// The reply or the forward.
    pub(crate) outcome: client_action::Action,
    /// At most one side effect.
    pub(crate) side_effects: Vec<SideEffect>,
}

impl Answer {
    /// The answer as an action's response.
    pub(crate) fn into_action(self) -> ActionResponse {
        let response = match self.outcome {
            client_action::Action::Reply(reply) => Outcome::Reply(reply),
            client_action::Action::Forward(forward) => Outcome::Forward(forward),
            client_action::Action::Failure(failure) => Outcome::Failure(failure),
        };
        ActionResponse {
            response: Some(response),
            side_effects: self.side_effects,
        }
    }

    /// The answer as an entity's client action and side effects.
    pub(crate) fn into_entity(self) -> (ClientAction, Vec<SideEffect>) {
        let action = ClientAction {
            action: Some(self.outcome),
        };
        (action, self.side_effects)
    }
}

/// The model's metadata entries as protocol metadata: `None` when there are none.
fn to_metadata(fault: Option<Fault>, entries: &[ModelEntry]) -> Option<Metadata> {
    let metadata = (!entries.is_empty()).then(|| Metadata {
        entries: entries
            .iter()
            .map(|entry| MetadataEntry {
                key: entry.key.clone(),
                value: entry.value.as_ref().map(|value| match value {
                    model_entry::Value::Text(text) => {
                        metadata_entry::Value::StringValue(text.clone())
                    }
                    model_entry::Value::Binary(bytes) => {
                        metadata_entry::Value::BytesValue(bytes.clone())
                    }
                }),
            })
            .collect(),
    });
    fault::metadata::attached(fault, metadata)
}

/// Protocol metadata as the model's entries, in order.
fn to_entries(metadata: Option<&Metadata>) -> Vec<ModelEntry> {
    metadata
        .map(|metadata| metadata.entries.as_slice())
        .unwrap_or_default()
        .iter()
        .map(|entry| ModelEntry {
            key: entry.key.clone(),
            value: entry.value.as_ref().map(|value| match value {
                metadata_entry::Value::StringValue(text) => model_entry::Value::Text(text.clone()),
                metadata_entry::Value::BytesValue(bytes) => {
                    model_entry::Value::Binary(bytes.clone())
                }
            }),
        })
        .collect()
}

/// The command `MetadataTckModelAction.Process` with `MetadataRequest{id}`: the target of forwards and
/// side effects.
fn target(id: &str) -> (String, String, Option<Any>) {
    let request = MetadataRequest {
        id: id.to_owned(),
        ..MetadataRequest::default()
    };
    (
        METADATA_TCK_MODEL_ACTION.to_owned(),
        PROCESS.to_owned(),
        Some(pack(&request)),
    )
}

/// What the model served with `fault` answers to `request`, whose command carried `metadata`.
pub(crate) fn answer(
    fault: Option<Fault>,
    request: &MetadataRequest,
    metadata: Option<&Metadata>,
) -> Answer {
    let outcome = if request.forward {
        let (service_name, command_name, payload) = target(&request.id);
        client_action::Action::Forward(Forward {
            service_name,
            command_name,
            payload,
            metadata: to_metadata(fault, &request.metadata),
        })
    } else {
        let seen = to_entries(fault::metadata::seen(fault, metadata));
        client_action::Action::Reply(Reply {
            payload: Some(pack(&MetadataResponse { seen })),
            metadata: to_metadata(fault, &request.metadata),
        })
    };
    let mut side_effects = Vec::new();
    if request.effect {
        let (service_name, command_name, payload) = target(&request.id);
        side_effects.push(SideEffect {
            service_name,
            command_name,
            payload,
            synchronous: false,
            metadata: to_metadata(fault, &request.effect_metadata),
        });
    }
    Answer {
        outcome,
        side_effects,
    }
}

/// Decodes the `MetadataRequest` of a command's payload, as the model served with `fault` reads it.
pub(crate) fn request(
    fault: Option<Fault>,
    payload: Option<&Any>,
) -> Result<MetadataRequest, String> {
    fault::payload::unpack_command::<MetadataRequest>(fault, payload)
        .map_err(|error| error.to_string())
}

/// The action's answer to `command`, which must name `method`; `call` names the call shape for errors.
fn action_answer(
    fault: Option<Fault>,
    command: &ActionCommand,
    method: &str,
    call: &str,
) -> Result<ActionResponse, Status> {
    if command.name != method {
        return Err(Status::not_found(format!(
            "the metadata model serves no command {:?} of {METADATA_TCK_MODEL_ACTION} through {call}",
            command.name
        )));
    }
    let request = request(fault, command.payload.as_ref()).map_err(Status::invalid_argument)?;
    Ok(answer(fault, &request, command.metadata.as_ref()).into_action())
}

/// The action's answer to a `handleUnary` command: `Process`.
pub(crate) fn action_unary(
    fault: Option<Fault>,
    command: &ActionCommand,
) -> Result<ActionResponse, Status> {
    action_answer(fault, command, PROCESS, "handleUnary")
}

/// The action's answers to a `handleStreamedOut` command: `ProcessStreamedOut`, the same answer twice.
pub(crate) fn action_streamed_out(
    fault: Option<Fault>,
    command: &ActionCommand,
) -> Result<Vec<ActionResponse>, Status> {
    let response = action_answer(fault, command, PROCESS_STREAMED_OUT, "handleStreamedOut")?;
    Ok(vec![response.clone(), response])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::payload::unpack;

    fn text(key: &str, value: &str) -> ModelEntry {
        ModelEntry {
            key: key.into(),
            value: Some(model_entry::Value::Text(value.into())),
        }
    }

    #[test]
    fn a_reply_lists_what_the_command_carried_and_carries_what_the_request_names() {
        let carried = Metadata {
            entries: vec![MetadataEntry {
                key: "x-b-bin".into(),
                value: Some(metadata_entry::Value::BytesValue(vec![0, 255])),
            }],
        };
        let request = MetadataRequest {
            metadata: vec![text("x-a", "1")],
            effect: true,
            ..MetadataRequest::default()
        };
        let answer = answer(None, &request, Some(&carried));
        let client_action::Action::Reply(reply) = &answer.outcome else {
            panic!("not a reply: {answer:?}");
        };
        let seen = unpack::<MetadataResponse>(reply.payload.as_ref()).map(|r| r.seen);
        assert_eq!(
            seen,
            Ok(vec![ModelEntry {
                key: "x-b-bin".into(),
                value: Some(model_entry::Value::Binary(vec![0, 255])),
            }])
        );
        assert_eq!(reply.metadata, to_metadata(None, &[text("x-a", "1")]));
        assert_eq!(answer.side_effects.len(), 1);
        assert_eq!(answer.side_effects[0].metadata, None);
    }

    #[test]
    fn a_forward_carries_the_metadata_and_the_faults_bite() {
        let request = MetadataRequest {
            id: "e".into(),
            forward: true,
            metadata: vec![text("x-a", "1")],
            ..MetadataRequest::default()
        };
        let client_action::Action::Forward(forward) = answer(None, &request, None).outcome else {
            panic!("not a forward");
        };
        assert_eq!(forward.service_name, METADATA_TCK_MODEL_ACTION);
        assert!(forward.metadata.is_some());
        let dropped = answer(Some(Fault::AttachedMetadataDropped), &request, None);
        assert!(matches!(
            dropped.outcome,
            client_action::Action::Forward(Forward { metadata: None, .. })
        ));
    }
}
