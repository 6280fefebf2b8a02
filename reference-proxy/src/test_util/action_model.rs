//! Actions by the TCK action model's rules: each request's groups of steps become responses (a reply,
//! a forward, a failure, side effects), and every command and how each command stream ended is handed
//! to the test as an [`ActionSeen`].

use cloudstate_protocol::cloudstate::action::action_protocol_server::ActionProtocol;
use cloudstate_protocol::cloudstate::action::{ActionCommand, ActionResponse, action_response};
use cloudstate_protocol::cloudstate::tck::model::action::{
    OtherRequest, ProcessStep, Request, Response, process_step,
};
use cloudstate_protocol::cloudstate::{Failure, Forward, Reply, SideEffect};
use cloudstate_protocol::names::model;
use futures::stream::BoxStream;
use futures::{Stream, StreamExt as _};
use prost::Message as _;
use prost_types::Any;
use tonic::{Request as GrpcRequest, Response as GrpcResponse, Status, Streaming};

use super::user_function::FakeUserFunction;

/// What the fake user function saw, per protocol call (`rpc` is the protocol method's name).
#[derive(Debug, Clone, PartialEq)]
pub enum ActionSeen {
    /// A command arrived.
    Command(&'static str, ActionCommand),
    /// The proxy half-closed its command stream.
    HalfClosed(&'static str),
    /// The proxy's command stream ended with an error (the call was cancelled).
    Cancelled(&'static str),
}

/// The response of a group of steps, by the TCK action model's rules.
fn fold(response: &mut ActionResponse, steps: &[ProcessStep]) {
    for step in steps.iter().filter_map(|step| step.step.as_ref()) {
        match step {
            process_step::Step::Reply(reply) => {
                let payload = pack(
                    "Response",
                    Response {
                        message: reply.message.clone(),
                    },
                );
                response.response = Some(action_response::Response::Reply(Reply {
                    payload: Some(payload),
                    metadata: None,
                }));
            }
            process_step::Step::Forward(forward) => {
                response.response = Some(action_response::Response::Forward(Forward {
                    service_name: model::ACTION_TWO.to_owned(),
                    command_name: "Call".to_owned(),
                    payload: Some(pack(
                        "OtherRequest",
                        OtherRequest {
                            id: forward.id.clone(),
                        },
                    )),
                    metadata: None,
                }));
            }
            process_step::Step::Fail(fail) => {
                let failure = Failure {
                    command_id: 0,
                    description: fail.message.clone(),
                    restart: false,
                };
                response.response = Some(action_response::Response::Failure(failure));
            }
            process_step::Step::Effect(effect) => response.side_effects.push(SideEffect {
                service_name: model::ACTION_TWO.to_owned(),
                command_name: "Call".to_owned(),
                payload: Some(pack(
                    "OtherRequest",
                    OtherRequest {
                        id: effect.id.clone(),
                    },
                )),
                synchronous: effect.synchronous,
                metadata: None,
            }),
        }
    }
}

/// Packs a message of the action model as `type.googleapis.com/cloudstate.tck.model.action.<name>`.
pub fn pack<M: prost::Message>(name: &str, message: M) -> Any {
    Any {
        type_url: format!("type.googleapis.com/cloudstate.tck.model.action.{name}"),
        value: message.encode_to_vec(),
    }
}

fn request_of(command: &ActionCommand) -> Request {
    command
        .payload
        .as_ref()
        .and_then(|payload| Request::decode(payload.value.as_slice()).ok())
        .unwrap_or_default()
}

impl FakeUserFunction {
    /// Reads a command stream, reporting each command and how the stream ends.
    fn read(
        &self,
        rpc: &'static str,
        commands: Streaming<ActionCommand>,
    ) -> impl Stream<Item = ActionCommand> + Send + 'static {
        let seen = self.actions.clone();
        futures::stream::unfold(Some(commands), move |commands| {
            let seen = seen.clone();
            async move {
                let mut commands = commands?;
                match commands.next().await {
                    Some(Ok(command)) => {
                        let _ = seen.send(ActionSeen::Command(rpc, command.clone()));
                        Some((command, Some(commands)))
                    }
                    Some(Err(_)) => {
                        let _ = seen.send(ActionSeen::Cancelled(rpc));
                        None
                    }
                    None => {
                        let _ = seen.send(ActionSeen::HalfClosed(rpc));
                        None
                    }
                }
            }
        })
    }
}

type Responses = BoxStream<'static, Result<ActionResponse, Status>>;

#[tonic::async_trait]
impl ActionProtocol for FakeUserFunction {
    async fn handle_unary(
        &self,
        request: GrpcRequest<ActionCommand>,
    ) -> Result<GrpcResponse<ActionResponse>, Status> {
        let command = request.into_inner();
        let _ = self
            .actions
            .send(ActionSeen::Command("handleUnary", command.clone()));
        let mut response = ActionResponse::default();
        for group in request_of(&command).groups {
            fold(&mut response, &group.steps);
        }
        Ok(GrpcResponse::new(response))
    }

    async fn handle_streamed_in(
        &self,
        request: GrpcRequest<Streaming<ActionCommand>>,
    ) -> Result<GrpcResponse<ActionResponse>, Status> {
        let mut commands = Box::pin(self.read("handleStreamedIn", request.into_inner()));
        let mut response = ActionResponse::default();
        while let Some(command) = commands.next().await {
            for group in request_of(&command).groups {
                fold(&mut response, &group.steps);
            }
        }
        Ok(GrpcResponse::new(response))
    }

    type handleStreamedOutStream = Responses;

    async fn handle_streamed_out(
        &self,
        request: GrpcRequest<ActionCommand>,
    ) -> Result<GrpcResponse<Responses>, Status> {
        let command = request.into_inner();
        let _ = self
            .actions
            .send(ActionSeen::Command("handleStreamedOut", command.clone()));
        let responses = request_of(&command).groups.into_iter().map(|group| {
            let mut response = ActionResponse::default();
            fold(&mut response, &group.steps);
            Ok(response)
        });
        Ok(GrpcResponse::new(
            futures::stream::iter(responses.collect::<Vec<_>>()).boxed(),
        ))
    }

    type handleStreamedStream = Responses;

    async fn handle_streamed(
        &self,
        request: GrpcRequest<Streaming<ActionCommand>>,
    ) -> Result<GrpcResponse<Responses>, Status> {
        let responses = self
            .read("handleStreamed", request.into_inner())
            .flat_map(|command| {
                let responses: Vec<_> = request_of(&command)
                    .groups
                    .into_iter()
                    .map(|group| {
                        let mut response = ActionResponse::default();
                        fold(&mut response, &group.steps);
                        Ok(response)
                    })
                    .collect();
                futures::stream::iter(responses)
            });
        Ok(GrpcResponse::new(responses.boxed()))
    }
}
