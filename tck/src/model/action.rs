//! The action model (`ActionTckModel`, `ActionTwo`) behind `cloudstate.action.ActionProtocol`.
//!
//! Commands of the metadata model's action go to [`metadata`]. Otherwise dispatch is on the command's
//! `service_name` and `name`, per call shape: `handleUnary` serves `ActionTckModel/ProcessUnary` and
//! `ActionTwo/Call`, and each streamed shape serves the matching `ActionTckModel/ProcessStreamed…` method. Anything else ends the call with gRPC status `NOT_FOUND`; a
//! missing payload, a payload of the wrong type or bytes that do not decode end it with `INVALID_ARGUMENT`.
//! A streamed-in or duplex header that carries a payload is accepted, and the payload is handled as the
//! first request.

use cloudstate_protocol::cloudstate::action::action_protocol_server::ActionProtocol;
use cloudstate_protocol::cloudstate::action::action_response::Response as Outcome;
use cloudstate_protocol::cloudstate::action::{ActionCommand, ActionResponse};
use cloudstate_protocol::cloudstate::tck::model::action::process_step::Step;
use cloudstate_protocol::cloudstate::tck::model::action::{
    OtherRequest, ProcessGroup, ProcessStep, Request as ModelRequest, Response as ModelResponse,
};
use cloudstate_protocol::cloudstate::{Failure, Forward, Reply, SideEffect};
use cloudstate_protocol::names::model::{ACTION_TCK_MODEL, ACTION_TWO, METADATA_TCK_MODEL_ACTION};
use tonic::{Request, Response, Status, Streaming};

use super::fault::action::Poison;
use super::fault::{self, Fault};
use super::metadata;
use super::payload::pack;
use super::server::{Reaction, ResponseStream, Session, drive};
use crate::messages::action::{
    CALL, PROCESS_STREAMED, PROCESS_STREAMED_IN, PROCESS_STREAMED_OUT, PROCESS_UNARY,
};

/// Applies `steps` in order to `response`: a reply, forward or failure replaces the current outcome, and a
/// side effect is appended. A step with no case set is ignored.
pub(crate) fn fold_steps<'a>(
    response: &mut ActionResponse,
    steps: impl IntoIterator<Item = &'a ProcessStep>,
) {
    for step in steps {
        match &step.step {
            Some(Step::Reply(reply)) => {
                response.response = Some(Outcome::Reply(Reply {
                    payload: Some(pack(&ModelResponse {
                        message: reply.message.clone(),
                    })),
                    metadata: None,
                }));
            }
            Some(Step::Forward(forward)) => {
                response.response = Some(Outcome::Forward(Forward {
                    service_name: ACTION_TWO.to_owned(),
                    command_name: CALL.to_owned(),
                    payload: Some(pack(&OtherRequest {
                        id: forward.id.clone(),
                    })),
                    metadata: None,
                }));
            }
            Some(Step::Fail(fail)) => {
                response.response = Some(Outcome::Failure(Failure {
                    command_id: 0,
                    description: fail.message.clone(),
                    restart: false,
                }));
            }
            Some(Step::Effect(effect)) => response.side_effects.push(SideEffect {
                service_name: ACTION_TWO.to_owned(),
                command_name: CALL.to_owned(),
                payload: Some(pack(&OtherRequest {
                    id: effect.id.clone(),
                })),
                synchronous: effect.synchronous,
                metadata: None,
            }),
            None => {}
        }
    }
}

/// Folds every step of every group into `response` (unary and streamed-in calls).
pub(crate) fn fold_request(response: &mut ActionResponse, request: &ModelRequest) {
    fold_steps(response, request.groups.iter().flat_map(|g| &g.steps));
}

/// One response per group (streamed-out and duplex calls).
pub(crate) fn per_group(request: &ModelRequest) -> Vec<ActionResponse> {
    request.groups.iter().map(group_response).collect()
}

fn group_response(group: &ProcessGroup) -> ActionResponse {
    let mut response = ActionResponse::default();
    fold_steps(&mut response, &group.steps);
    response
}

/// The answer of `ActionTwo/Call`: a reply with an empty `Response`.
pub(crate) fn empty_reply() -> ActionResponse {
    ActionResponse {
        response: Some(Outcome::Reply(Reply {
            payload: Some(pack(&ModelResponse::default())),
            metadata: None,
        })),
        side_effects: Vec::new(),
    }
}

/// Checks that a command names `ActionTckModel/<method>`, as the model served with `fault` checks it
/// ([`Fault::UnknownServiceServed`] takes any service, [`Fault::CommandNameIgnored`] any method).
fn expect_method(
    fault: Option<Fault>,
    command: &ActionCommand,
    method: &str,
    call: &str,
) -> Result<(), Status> {
    let service_known = command.service_name == ACTION_TCK_MODEL
        || (fault == Some(Fault::UnknownServiceServed) && command.service_name != ACTION_TWO);
    let method_known = command.name == method || fault == Some(Fault::CommandNameIgnored);
    if service_known && method_known {
        Ok(())
    } else {
        Err(unknown(command, call))
    }
}

fn unknown(command: &ActionCommand, call: &str) -> Status {
    Status::not_found(format!(
        "the action model serves no command {:?} of service {:?} through {call}",
        command.name, command.service_name
    ))
}

/// Decodes the payload of a command as a model `Request`, as the model served with `fault` reads it.
fn model_request(fault: Option<Fault>, command: &ActionCommand) -> Result<ModelRequest, Status> {
    fault::payload::unpack_command::<ModelRequest>(fault, command.payload.as_ref())
        .map_err(|error| Status::invalid_argument(error.to_string()))
}

/// The `cloudstate.action.ActionProtocol` service of the model.
#[derive(Debug, Clone, Default)]
pub(crate) struct ModelAction {
    /// The deliberate fault the model is served with, if any.
    pub(crate) fault: Option<Fault>,
    /// Whether a cancelled streamed-out call stopped the model ([`Fault::CancelledCallPoisons`]).
    poison: Poison,
}

impl ModelAction {
    /// The action model served with `fault`.
    pub(crate) fn new(fault: Option<Fault>) -> Self {
        Self {
            fault,
            poison: Poison::default(),
        }
    }
}

#[tonic::async_trait]
impl ActionProtocol for ModelAction {
    async fn handle_unary(
        &self,
        request: Request<ActionCommand>,
    ) -> Result<Response<ActionResponse>, Status> {
        self.poison.check(self.fault)?;
        let command = request.into_inner();
        if command.service_name == METADATA_TCK_MODEL_ACTION {
            return metadata::action_unary(self.fault, &command).map(Response::new);
        }
        if command.service_name == ACTION_TWO && command.name == CALL {
            fault::payload::unpack_command::<OtherRequest>(self.fault, command.payload.as_ref())
                .map_err(|error| Status::invalid_argument(error.to_string()))?;
            if self.fault == Some(Fault::ActionTwoNoReply) {
                return Ok(Response::new(ActionResponse::default()));
            }
            return Ok(Response::new(empty_reply()));
        }
        expect_method(self.fault, &command, PROCESS_UNARY, "handleUnary")?;
        let mut response = ActionResponse::default();
        fold_request(&mut response, &model_request(self.fault, &command)?);
        fault::action::response(self.fault, &mut response);
        fault::metadata::copy_into_action(self.fault, command.metadata.as_ref(), &mut response);
        Ok(Response::new(response))
    }

    async fn handle_streamed_in(
        &self,
        request: Request<Streaming<ActionCommand>>,
    ) -> Result<Response<ActionResponse>, Status> {
        self.poison.check(self.fault)?;
        let mut inbound = request.into_inner();
        let Some(header) = inbound.message().await? else {
            return Err(Status::invalid_argument(
                "handleStreamedIn: the stream ended before the header command",
            ));
        };
        expect_method(self.fault, &header, PROCESS_STREAMED_IN, "handleStreamedIn")?;
        let mut response = ActionResponse::default();
        let mut requests = 0;
        if header.payload.is_some() {
            fold_request(&mut response, &model_request(self.fault, &header)?);
            requests += 1;
        }
        while let Some(command) = inbound.message().await? {
            if self.fault == Some(Fault::StreamedInLastRequestOnly) {
                response = ActionResponse::default();
            }
            fold_request(&mut response, &model_request(self.fault, &command)?);
            requests += 1;
        }
        if requests == 0 && self.fault == Some(Fault::NeverAnswersEmptyStream) {
            std::future::pending::<()>().await;
        }
        fault::action::response(self.fault, &mut response);
        Ok(Response::new(response))
    }

    type handleStreamedOutStream = ResponseStream<ActionResponse>;

    async fn handle_streamed_out(
        &self,
        request: Request<ActionCommand>,
    ) -> Result<Response<Self::handleStreamedOutStream>, Status> {
        self.poison.check(self.fault)?;
        let command = request.into_inner();
        let responses = if command.service_name == METADATA_TCK_MODEL_ACTION {
            metadata::action_streamed_out(self.fault, &command)?
        } else {
            expect_method(
                self.fault,
                &command,
                PROCESS_STREAMED_OUT,
                "handleStreamedOut",
            )?;
            let mut responses = per_group(&model_request(self.fault, &command)?);
            fault::action::stream(self.fault, &mut responses);
            for response in &mut responses {
                fault::metadata::copy_into_action(self.fault, command.metadata.as_ref(), response);
            }
            responses
        };
        let stream: ResponseStream<ActionResponse> =
            Box::pin(futures::stream::iter(responses.into_iter().map(Ok)));
        Ok(Response::new(self.poison.watch(self.fault, stream)))
    }

    type handleStreamedStream = ResponseStream<ActionResponse>;

    async fn handle_streamed(
        &self,
        request: Request<Streaming<ActionCommand>>,
    ) -> Result<Response<Self::handleStreamedStream>, Status> {
        self.poison.check(self.fault)?;
        let session = DuplexSession {
            header_seen: false,
            fault: self.fault,
        };
        let responses = drive(request.into_inner(), session, self.fault);
        Ok(Response::new(self.poison.watch(self.fault, responses)))
    }
}

/// A duplex `ProcessStreamed` call: the header, then one response per group of each request.
#[derive(Debug, Default)]
struct DuplexSession {
    header_seen: bool,
    fault: Option<Fault>,
}

impl Session for DuplexSession {
    type In = ActionCommand;
    type Out = ActionResponse;

    fn on_message(&mut self, command: ActionCommand) -> Reaction<ActionResponse> {
        if !self.header_seen {
            if let Err(status) =
                expect_method(self.fault, &command, PROCESS_STREAMED, "handleStreamed")
            {
                return Reaction::fail(status);
            }
            self.header_seen = true;
            if command.payload.is_none() {
                return Reaction::send(Vec::new());
            }
        }
        let request = match model_request(self.fault, &command) {
            Ok(request) => request,
            Err(status) => return Reaction::fail(status),
        };
        let mut responses = if self.fault == Some(Fault::DuplexBatchesGroups) {
            let mut response = ActionResponse::default();
            fold_request(&mut response, &request);
            vec![response]
        } else {
            per_group(&request)
        };
        let end = fault::action::stream(self.fault, &mut responses);
        Reaction {
            out: responses.into_iter().map(Ok).collect(),
            end,
        }
    }
}

#[cfg(test)]
#[path = "action_tests.rs"]
mod tests;
