//! The subscriber of the event-log eventing model, `EventLogSubscriberModel`, an action, and the
//! `cloudstate.action.ActionProtocol` service that serves it beside the action model.
//!
//! Every `Response` carries as `id` the emitting entity's id, which the subscriber reads from the
//! command's CloudEvent metadata entry `ce-subject` (the empty string when there is none):
//!
//! - `ProcessEventOne(EventOne)` (`handleUnary`) acts on the event's step: `reply{message}` answers
//!   `Response{id, message}`, `forward{message}` forwards to `EventLogSubscriberModel.Effect` with
//!   `EffectRequest{id, message}`, and an event with no step fails;
//! - `ProcessEventTwo(EventTwo)` (`handleStreamedOut`) answers one response per step, in order;
//! - `Effect(EffectRequest)` answers `Response{id, message}` from the request;
//! - `ProcessAnyEvent(google.protobuf.Any)` takes a JSON event (type URL `json.cloudstate.io/...`)
//!   and answers `Response{id, message}` with the JSON's `message`.
//!
//! A payload of the wrong type or that does not decode ends the call with `INVALID_ARGUMENT`; another
//! command of the subscriber with `NOT_FOUND`.

use cloudstate_protocol::cloudstate::action::action_protocol_server::ActionProtocol;
use cloudstate_protocol::cloudstate::action::action_response::Response as Outcome;
use cloudstate_protocol::cloudstate::action::{ActionCommand, ActionResponse};
use cloudstate_protocol::cloudstate::tck::model::eventlogeventing::{
    EffectRequest, EventOne, EventTwo, ProcessStep, Response as EventingResponse, process_step,
};
use cloudstate_protocol::cloudstate::{Failure, Forward, Reply};
use cloudstate_protocol::names::model::EVENT_LOG_SUBSCRIBER_MODEL;
use tonic::{Request, Response, Status, Streaming};

use super::action::ModelAction;
use super::eventing::json_event_message;
use super::fault::{self, Fault};
use super::payload::{ModelMessage, pack, unpack};
use super::server::ResponseStream;
use crate::messages::eventing::{EFFECT, PROCESS_ANY_EVENT, PROCESS_EVENT_ONE, PROCESS_EVENT_TWO};

fn reply(id: &str, message: &str) -> ActionResponse {
    ActionResponse {
        response: Some(Outcome::Reply(Reply {
            payload: Some(pack(&EventingResponse {
                id: id.to_owned(),
                message: message.to_owned(),
            })),
            metadata: None,
        })),
        side_effects: Vec::new(),
    }
}

/// What the subscriber answers for one step of an event emitted by entity `id`.
pub(crate) fn step_response(id: &str, step: Option<&ProcessStep>) -> ActionResponse {
    match step.and_then(|step| step.step.as_ref()) {
        Some(process_step::Step::Reply(step)) => reply(id, &step.message),
        Some(process_step::Step::Forward(step)) => ActionResponse {
            response: Some(Outcome::Forward(Forward {
                service_name: EVENT_LOG_SUBSCRIBER_MODEL.to_owned(),
                command_name: EFFECT.to_owned(),
                payload: Some(pack(&EffectRequest {
                    id: id.to_owned(),
                    message: step.message.clone(),
                })),
                metadata: None,
            })),
            side_effects: Vec::new(),
        },
        None => ActionResponse {
            response: Some(Outcome::Failure(Failure {
                command_id: 0,
                description: "the event has no reply or forward step".to_owned(),
                restart: false,
            })),
            side_effects: Vec::new(),
        },
    }
}

fn decode<M: ModelMessage>(command: &ActionCommand) -> Result<M, Status> {
    unpack::<M>(command.payload.as_ref())
        .map_err(|error| Status::invalid_argument(error.to_string()))
}

fn unknown(command: &ActionCommand, call: &str) -> Status {
    Status::not_found(format!(
        "the eventing model serves no command {:?} of {EVENT_LOG_SUBSCRIBER_MODEL} through {call}",
        command.name
    ))
}

/// A unary command to `EventLogSubscriberModel`, answered as the model served with `fault` answers it.
pub(crate) fn unary(
    fault: Option<Fault>,
    command: &ActionCommand,
) -> Result<ActionResponse, Status> {
    let subject = fault::eventing::entity_id(fault, command.metadata.as_ref());
    let method = fault::eventing::dispatched_method(fault, &command.name, command.payload.as_ref());
    if !fault::eventing::serves(fault, method) {
        return Err(unknown(command, "handleUnary"));
    }
    let mut response = match method {
        PROCESS_EVENT_ONE => {
            let event = decode::<EventOne>(command)?;
            step_response(subject, event.step.as_ref())
        }
        EFFECT => {
            let request = decode::<EffectRequest>(command)?;
            reply(&request.id, &request.message)
        }
        PROCESS_ANY_EVENT => {
            let Some(event) = command.payload.as_ref() else {
                return Err(Status::invalid_argument("ProcessAnyEvent: missing payload"));
            };
            let message = json_event_message(event).map_err(Status::invalid_argument)?;
            reply(subject, &message)
        }
        _ => return Err(unknown(command, "handleUnary")),
    };
    fault::eventing::subscriber_response(fault, &mut response);
    Ok(response)
}

/// A server-streaming command to `EventLogSubscriberModel`: one response per step of an `EventTwo`, as the
/// model served with `fault` answers them.
pub(crate) fn streamed_out(
    fault: Option<Fault>,
    command: &ActionCommand,
) -> Result<Vec<ActionResponse>, Status> {
    if command.name != PROCESS_EVENT_TWO {
        return Err(unknown(command, "handleStreamedOut"));
    }
    let subject = fault::eventing::entity_id(fault, command.metadata.as_ref());
    let event = decode::<EventTwo>(command)?;
    let mut responses: Vec<ActionResponse> = event
        .step
        .iter()
        .map(|step| step_response(subject, Some(step)))
        .collect();
    for response in &mut responses {
        fault::eventing::subscriber_response(fault, response);
    }
    fault::eventing::streamed_subscriber(fault, &mut responses);
    Ok(responses)
}

/// The `cloudstate.action.ActionProtocol` service of the whole model: `EventLogSubscriberModel` here,
/// every other service by the action model.
#[derive(Debug, Clone)]
pub(crate) struct ModelActions {
    model: ModelAction,
}

impl ModelActions {
    /// The service, serving the action model through `model`.
    pub(crate) fn new(model: ModelAction) -> Self {
        Self { model }
    }
}

#[tonic::async_trait]
impl ActionProtocol for ModelActions {
    async fn handle_unary(
        &self,
        request: Request<ActionCommand>,
    ) -> Result<Response<ActionResponse>, Status> {
        if request.get_ref().service_name == EVENT_LOG_SUBSCRIBER_MODEL {
            return unary(self.model.fault, request.get_ref()).map(Response::new);
        }
        self.model.handle_unary(request).await
    }

    async fn handle_streamed_in(
        &self,
        request: Request<Streaming<ActionCommand>>,
    ) -> Result<Response<ActionResponse>, Status> {
        self.model.handle_streamed_in(request).await
    }

    type handleStreamedOutStream = ResponseStream<ActionResponse>;

    async fn handle_streamed_out(
        &self,
        request: Request<ActionCommand>,
    ) -> Result<Response<Self::handleStreamedOutStream>, Status> {
        if request.get_ref().service_name == EVENT_LOG_SUBSCRIBER_MODEL {
            let responses = streamed_out(self.model.fault, request.get_ref())?;
            let stream: ResponseStream<ActionResponse> =
                Box::pin(futures::stream::iter(responses.into_iter().map(Ok)));
            return Ok(Response::new(stream));
        }
        self.model.handle_streamed_out(request).await
    }

    type handleStreamedStream = ResponseStream<ActionResponse>;

    async fn handle_streamed(
        &self,
        request: Request<Streaming<ActionCommand>>,
    ) -> Result<Response<Self::handleStreamedStream>, Status> {
        self.model.handle_streamed(request).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::eventing::json_event;
    use cloudstate_protocol::cloudstate::tck::model::eventlogeventing::{
        Forward as ForwardStep, Reply as ReplyStep,
    };
    use cloudstate_protocol::cloudstate::{Metadata, MetadataEntry, metadata_entry};

    fn command(name: &str, payload: prost_types::Any, subject: Option<&str>) -> ActionCommand {
        ActionCommand {
            service_name: EVENT_LOG_SUBSCRIBER_MODEL.into(),
            name: name.into(),
            payload: Some(payload),
            metadata: subject.map(|subject| Metadata {
                entries: vec![MetadataEntry {
                    key: "ce-subject".into(),
                    value: Some(metadata_entry::Value::StringValue(subject.into())),
                }],
            }),
        }
    }

    fn step(step: process_step::Step) -> ProcessStep {
        ProcessStep { step: Some(step) }
    }

    #[test]
    fn event_one_replies_or_forwards_with_the_subject_as_id() {
        let replying = EventOne {
            step: Some(step(process_step::Step::Reply(ReplyStep {
                message: "m".into(),
            }))),
        };
        let answer = unary(
            None,
            &command("ProcessEventOne", pack(&replying), Some("e-1")),
        );
        assert_eq!(answer.ok(), Some(reply("e-1", "m")));
        let forwarding = EventOne {
            step: Some(step(process_step::Step::Forward(ForwardStep {
                message: "f".into(),
            }))),
        };
        let answer = unary(None, &command("ProcessEventOne", pack(&forwarding), None));
        let Some(Outcome::Forward(forward)) = answer.ok().and_then(|a| a.response) else {
            panic!("not a forward");
        };
        assert_eq!(forward.command_name, "Effect");
        assert_eq!(
            forward.payload,
            Some(pack(&EffectRequest {
                id: String::new(),
                message: "f".into()
            }))
        );
    }

    #[test]
    fn effect_any_event_and_event_two() {
        let effect = EffectRequest {
            id: "x".into(),
            message: "y".into(),
        };
        assert_eq!(
            unary(None, &command("Effect", pack(&effect), Some("ignored"))).ok(),
            Some(reply("x", "y"))
        );
        let json = command("ProcessAnyEvent", json_event("hello"), Some("e-3"));
        assert_eq!(unary(None, &json).ok(), Some(reply("e-3", "hello")));
        let not_json = command("ProcessAnyEvent", pack(&effect), Some("e-3"));
        assert!(unary(None, &not_json).is_err());
        let two = EventTwo {
            step: vec![
                step(process_step::Step::Reply(ReplyStep {
                    message: "a".into(),
                })),
                step(process_step::Step::Reply(ReplyStep {
                    message: "b".into(),
                })),
            ],
        };
        let answers = streamed_out(None, &command("ProcessEventTwo", pack(&two), Some("e-2")));
        assert_eq!(
            answers.ok(),
            Some(vec![reply("e-2", "a"), reply("e-2", "b")])
        );
        assert!(unary(None, &command("Nope", pack(&two), None)).is_err());
    }
}
