//! The streams of an action call: client messages turned into `ActionCommand`s, and `ActionResponse`s
//! turned into the caller's output messages after their side effects and forwards have run.

use std::future::ready;
use std::sync::Arc;

use bytes::Bytes;
use cloudstate_protocol::cloudstate::action::{ActionCommand, ActionResponse, action_response};
use cloudstate_protocol::cloudstate::{ClientAction, client_action};
use cloudstate_protocol::names::PROTOBUF_TYPE_URL_PREFIX;
use futures::stream::{self, BoxStream};
use futures::{Stream, StreamExt as _};
use prost::Message as _;
use prost_types::Any;
use tokio::sync::{mpsc, oneshot};
use tonic::Status;

use crate::deviation;
use crate::dispatch::MessageStream;
use crate::effects::{Effects, Outcome};
use crate::user_spec::MethodSpec;

/// The full name of `google.protobuf.Any`.
const ANY: &str = "google.protobuf.Any";

/// How a method's input messages become command payloads.
#[derive(Debug, Clone)]
pub(crate) struct Payloads {
    /// `type.googleapis.com/<input type>`.
    type_url: String,
    /// The input type is `google.protobuf.Any`.
    any_input: bool,
}

impl Payloads {
    /// The payloads of `method`'s input type.
    pub(crate) fn for_method(method: &MethodSpec) -> Payloads {
        let input = method.input();
        let name = deviation::actions::payload_type_name(&input);
        Payloads {
            type_url: format!("{PROTOBUF_TYPE_URL_PREFIX}{name}"),
            any_input: input.full_name() == ANY,
        }
    }

    /// Wraps an encoded input message as a payload: `Any{type.googleapis.com/<input type>, bytes}`. A
    /// method whose input is itself a `google.protobuf.Any` gets that `Any` as is, so that a subscriber
    /// taking `Any` sees the event's own type URL (for example `json.cloudstate.io/...`).
    pub(crate) fn wrap(&self, bytes: Bytes) -> Result<Any, Status> {
        if self.any_input {
            Any::decode(bytes).map_err(|error| {
                Status::invalid_argument(format!("the request is not a valid {ANY}: {error}"))
            })
        } else {
            Ok(Any {
                type_url: self.type_url.clone(),
                value: bytes.to_vec(),
            })
        }
    }
}

/// The commands of a client-streaming or bidirectional call: `header` first, then one payload-only command
/// per client message. The stream ends (a half-close) when the client's stream ends, or as soon as `stop`
/// is dropped: the proxy drops it when the call is over for the caller, so that the client's request
/// stream is released even if the client never finishes it. If the client's stream fails, or a message
/// cannot be wrapped, the status is sent on `failed` and the stream waits for `stop`, so that the call ends
/// for the caller first.
pub(crate) fn commands(
    header: ActionCommand,
    requests: MessageStream,
    payloads: Payloads,
    failed: mpsc::Sender<Status>,
    stop: oneshot::Receiver<()>,
) -> impl Stream<Item = ActionCommand> + Send + 'static {
    let rest = stream::unfold(
        (requests, payloads, failed),
        |(mut requests, payloads, failed)| async move {
            let status = match requests.next().await {
                None => return None,
                Some(Ok(bytes)) => match payloads.wrap(bytes) {
                    Ok(payload) => {
                        let command = ActionCommand {
                            payload: Some(payload),
                            ..ActionCommand::default()
                        };
                        return Some((command, (requests, payloads, failed)));
                    }
                    Err(status) => status,
                },
                Some(Err(status)) => status,
            };
            // Capacity 1 and one send per call: this never waits.
            let _ = failed.try_send(status);
            futures::future::pending().await
        },
    );
    stream::once(ready(header)).chain(rest).take_until(stop)
}

/// The user function's responses, ended early with the client's status if the client's stream fails
/// (`failure` receives it, see [`commands`]).
pub(crate) fn with_client_failure<S>(
    responses: S,
    failure: mpsc::Receiver<Status>,
) -> BoxStream<'static, Result<ActionResponse, Status>>
where
    S: Stream<Item = Result<ActionResponse, Status>> + Send + 'static,
{
    // `None` marks the end of the user function's stream, which ends the merged stream too.
    let responses = responses.map(Some).chain(stream::once(ready(None)));
    let failures = stream::unfold(failure, |mut failure| async move {
        failure
            .recv()
            .await
            .map(|status| (Some(Err(status)), failure))
    });
    stream::select(responses, failures)
        .take_while(|item| ready(item.is_some()))
        .filter_map(ready)
        .boxed()
}

/// Runs one response: its side effects (the synchronous ones finished first), then its outcome.
pub(crate) async fn respond(
    effects: &Arc<Effects>,
    response: ActionResponse,
) -> Result<Outcome, Status> {
    effects.side_effects(response.side_effects).await;
    let action = response.response.map(|response| match response {
        action_response::Response::Reply(reply) => client_action::Action::Reply(reply),
        action_response::Response::Forward(forward) => client_action::Action::Forward(forward),
        action_response::Response::Failure(failure) => client_action::Action::Failure(failure),
    });
    effects
        .resolve(action.map(|action| ClientAction {
            action: Some(action),
        }))
        .await
}

/// The caller's output stream for a stream of responses: one message per reply or forward, nothing for a
/// response without an outcome. A failure (or an error of the user function's stream) ends the output
/// with that status; the user function's call is then dropped, and so is `stop` (see [`commands`]), which
/// ends the call.
pub(crate) fn responses(
    responses: BoxStream<'static, Result<ActionResponse, Status>>,
    effects: Arc<Effects>,
    stop: Option<oneshot::Sender<()>>,
) -> MessageStream {
    stream::unfold(Some((responses, effects, stop)), |state| async move {
        let (mut responses, effects, stop) = state?;
        loop {
            let response = match responses.next().await {
                None => return None,
                Some(Err(_)) if !deviation::actions::stream_error_reaches_client() => return None,
                Some(Err(status)) => return Some((Err(status), None)),
                Some(Ok(response)) => response,
            };
            match respond(&effects, response).await {
                Ok(Outcome::Reply(bytes)) => {
                    return Some((Ok(bytes), Some((responses, effects, stop))));
                }
                Ok(Outcome::NoReply) => {}
                Err(_) if !deviation::actions::failure_ends_stream(stop.is_some()) => {}
                Err(status) => return Some((Err(status), None)),
            }
        }
    })
    .boxed()
}
