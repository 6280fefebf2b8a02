//! Actions (`cloudstate.action.ActionProtocol`): stateless calls. Each call the proxy serves becomes one
//! protocol call of the same shape as the called method:
//!
//! | method shape       | protocol call       | commands sent                                    |
//! |--------------------|---------------------|--------------------------------------------------|
//! | unary              | `handleUnary`       | one full `ActionCommand`                         |
//! | server streaming   | `handleStreamedOut` | one full `ActionCommand`                         |
//! | client streaming   | `handleStreamedIn`  | a header (service and name only), then payloads  |
//! | bidirectional      | `handleStreamed`    | a header (service and name only), then payloads  |
//!
//! Every `ActionResponse` is handled the same way: its side effects first (the synchronous ones finished
//! before anything is passed on), then its outcome: a reply's payload, a forward's result, or a failure,
//! which the caller gets as `UNKNOWN` with the failure's description. In a stream a failure ends the
//! caller's response stream, and the proxy cancels the rest of the call.

use std::sync::Arc;

use bytes::Bytes;
use cloudstate_protocol::cloudstate::Metadata;
use cloudstate_protocol::cloudstate::action::ActionCommand;
use cloudstate_protocol::cloudstate::action::action_protocol_client::ActionProtocolClient;
use futures::StreamExt as _;
use tokio::sync::{mpsc, oneshot};
use tonic::Status;
use tonic::transport::Channel;

use super::EntityContext;
use super::action_streams::{Payloads, commands, respond, responses, with_client_failure};
use crate::deviation;
use crate::deviation::actions::UnaryCall;
use crate::dispatch::{Call, Dispatch, MessageStream};
use crate::effects::Outcome;
use crate::user_spec::{MethodSpec, ServiceSpec};

/// Serves the calls to action services by calling the user function's `ActionProtocol`.
#[derive(Debug, Clone)]
pub struct ActionHandler {
    cx: EntityContext,
}

impl ActionHandler {
    /// A handler that calls the user function of `cx` and runs effects through `cx.effects`.
    pub fn new(cx: EntityContext) -> ActionHandler {
        ActionHandler { cx }
    }

    fn client(&self) -> ActionProtocolClient<Channel> {
        ActionProtocolClient::new(self.cx.user_function.channel.clone())
    }

    /// `handleUnary`: one full command, one response, one output message.
    async fn unary(&self, call: Call) -> Result<MessageStream, Status> {
        let Call {
            service,
            method,
            requests,
            metadata,
        } = call;
        let command = full_command(&service, &method, requests, metadata).await?;
        let mut client = self.client();
        let call = async move { client.handle_unary(command).await };
        let response = match deviation::actions::unary_call(call, self.cx.relay_timeout).await {
            UnaryCall::Done(response) => response?,
            UnaryCall::TimedOut => {
                return Err(Status::deadline_exceeded(format!(
                    "the user function did not answer {}/{} within the relay timeout of {} ms",
                    service.name,
                    method.name(),
                    self.cx.relay_timeout.as_millis()
                )));
            }
        };
        let outcome = respond(&self.cx.effects, response.into_inner()).await?;
        Ok(single(outcome))
    }

    /// `handleStreamedOut`: one full command, a stream of responses.
    async fn streamed_out(&self, call: Call) -> Result<MessageStream, Status> {
        let Call {
            service,
            method,
            requests,
            metadata,
        } = call;
        let command = full_command(&service, &method, requests, metadata).await?;
        let stream = self
            .client()
            .handle_streamed_out(command)
            .await?
            .into_inner();
        Ok(responses(stream.boxed(), self.cx.effects.clone(), None))
    }

    /// `handleStreamedIn`: a header, then one command per client message; one response once the client
    /// has finished. If the client's stream fails, the protocol call is dropped and the caller gets the
    /// client's status.
    async fn streamed_in(&self, call: Call) -> Result<MessageStream, Status> {
        let (failed, mut failure) = mpsc::channel(1);
        // Dropped when this returns: the commands end even if the user function answered first.
        let (_stop, stop) = oneshot::channel::<()>();
        let header = header(&call.service, &call.method, call.metadata);
        let commands = commands(
            header,
            call.requests,
            Payloads::for_method(&call.method),
            failed,
            stop,
        );
        let mut client = self.client();
        let response = tokio::select! {
            result = client.handle_streamed_in(commands) => match result {
                Ok(response) => response.into_inner(),
                Err(_) if !deviation::actions::stream_error_reaches_client() => {
                    return Ok(single(Outcome::Reply(Bytes::new())));
                }
                Err(status) => return Err(status),
            },
            Some(status) = failure.recv() => return Err(status),
        };
        let outcome = respond(&self.cx.effects, response).await?;
        Ok(single(outcome))
    }

    /// `handleStreamed`: a header, then one command per client message, and a stream of responses. A
    /// failure of the client's stream ends the output with the client's status.
    async fn streamed(&self, call: Call) -> Result<MessageStream, Status> {
        let (failed, mut failure) = mpsc::channel(1);
        let (stop_sender, stop) = oneshot::channel::<()>();
        let header = header(&call.service, &call.method, call.metadata);
        let commands = commands(
            header,
            call.requests,
            Payloads::for_method(&call.method),
            failed,
            stop,
        );
        let mut client = self.client();
        let stream = tokio::select! {
            result = client.handle_streamed(commands) => result?.into_inner(),
            Some(status) = failure.recv() => return Err(status),
        };
        let stream = with_client_failure(stream, failure);
        Ok(responses(
            stream,
            self.cx.effects.clone(),
            Some(stop_sender),
        ))
    }
}

#[tonic::async_trait]
impl Dispatch for ActionHandler {
    async fn dispatch(&self, call: Call) -> Result<MessageStream, Status> {
        let descriptor = &call.method.descriptor;
        match (
            descriptor.is_client_streaming(),
            descriptor.is_server_streaming(),
        ) {
            (false, false) => self.unary(call).await,
            (false, true) => self.streamed_out(call).await,
            (true, false) => self.streamed_in(call).await,
            (true, true) => self.streamed(call).await,
        }
    }
}

/// The command of a unary or server-streaming call: service, name, the one input message and metadata.
async fn full_command(
    service: &ServiceSpec,
    method: &Arc<MethodSpec>,
    mut requests: MessageStream,
    metadata: Option<Metadata>,
) -> Result<ActionCommand, Status> {
    let request = match requests.next().await {
        Some(request) => request?,
        None => {
            return Err(Status::invalid_argument(format!(
                "{} takes one request message, got none",
                method.name()
            )));
        }
    };
    let payload = Payloads::for_method(method).wrap(request)?;
    Ok(ActionCommand {
        service_name: service.name.clone(),
        name: method.name().to_owned(),
        payload: Some(payload),
        metadata,
    })
}

/// The first command of a client-streaming or bidirectional call: service, name and metadata only.
fn header(service: &ServiceSpec, method: &MethodSpec, metadata: Option<Metadata>) -> ActionCommand {
    ActionCommand {
        service_name: service.name.clone(),
        name: method.name().to_owned(),
        payload: None,
        metadata: deviation::actions::header_metadata(metadata),
    }
}

/// The one output message of a unary or client-streaming call; an action that answered nothing gives an
/// empty message.
fn single(outcome: Outcome) -> MessageStream {
    let bytes = match outcome {
        Outcome::Reply(bytes) => bytes,
        Outcome::NoReply => Bytes::new(),
    };
    futures::stream::once(async move { Ok(bytes) }).boxed()
}
