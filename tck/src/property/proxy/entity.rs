//! What the proxy-mode property runner needs to know of one entity type of the TCK model: its client call
//! and requests, the protocol messages on its streams, and how the oracle's answers look to the client
//! and on the wire. Each entity type implements these traits in its own `proxy` module.

use std::fmt;

use crate::session::TargetChannel;
use tonic::Status;

use crate::property::oracle::{Effect, Outcome};
use crate::wire::WireMessage;

/// How a command ends for the client, by the oracle.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum ClientOutcome<T> {
    /// A reply with this response message.
    Reply(T),
    /// A forward to the scenario's `n`th target, whose `Call` answers with an empty response.
    Forward(u8),
    /// The command's failure.
    Failure,
}

impl<T> ClientOutcome<T> {
    /// The client's outcome of an event-sourced or value-entity answer, whose reply `Response{message}`
    /// `response` builds.
    pub(crate) fn of(outcome: &Outcome, response: impl FnOnce(String) -> T) -> Self {
        match outcome {
            Outcome::Reply(message) => ClientOutcome::Reply(response(message.clone())),
            Outcome::Forward(n) => ClientOutcome::Forward(*n),
            Outcome::Failure => ClientOutcome::Failure,
        }
    }
}

/// An entity type of the TCK model, as the proxy-mode properties call it through the proxy and watch its
/// streams through the interceptor.
pub(crate) trait ProxyEntity: Send + Sync + 'static {
    /// What the proxy sends on the entity's stream.
    type In: WireMessage;
    /// The model's request message.
    type Request: prost::Message + Clone + PartialEq + Send + Sync + 'static;
    /// The model's response message.
    type Response: fmt::Debug + PartialEq + Default + Send + Sync + 'static;
    /// One action of a generated call.
    type Action: Send + Sync;
    /// The oracle's view of one entity.
    type Oracle: Send + Sync;
    /// The oracle's answer to one command.
    type Answer: Send + Sync;

    /// The protocol method of the entity type, as the interceptor sees calls to it.
    const HANDLE: &'static str;
    /// The client's method, as traces and failure reports name it, e.g. `CrdtTckModel.Process`.
    const METHOD: &'static str;
    /// Full name of [`Self::Request`].
    const REQUEST: &'static str;

    /// The client's call of the model's `Process` through the proxy on `channel`.
    fn call(
        channel: TargetChannel,
        request: Self::Request,
    ) -> impl Future<Output = Result<tonic::Response<Self::Response>, Status>> + Send;

    /// The entity an init names; `None` when `sent` is no init.
    fn entity_of(sent: &Self::In) -> Option<String>;

    /// Whether an init the proxy sent counts as the one expected; byte for byte unless a type says
    /// otherwise.
    fn same_init(sent: &Self::In, expected: &Self::In) -> bool {
        sent == expected
    }

    /// The request of a generated call of entity `id`: its actions, then a failure when `fail` is set;
    /// forward and side-effect targets are named after `two`.
    fn request(id: &str, actions: &[Self::Action], fail: bool, two: &str) -> Self::Request;

    /// A request to entity `id` whose answer from the model carries `marker`, so that the interceptor can
    /// crash the stream on it; it changes nothing the oracle keeps.
    fn marked(id: &str, marker: &str) -> Self::Request;

    /// Command `command_id` to `name` carrying `request`, for the entity the request names.
    fn command_in(command_id: i64, name: &str, request: &Self::Request) -> Self::In;

    /// The init of a new stream for entity `id`, with what the oracle says the proxy holds.
    fn init(id: &str, oracle: &Self::Oracle) -> Self::In;

    /// What the proxy sends after the init, before the first command: none unless a type says otherwise.
    fn replay(_oracle: &Self::Oracle) -> Vec<Self::In> {
        Vec::new()
    }

    /// The oracle's answer to a command with `actions` (then a failure when `fail` is set).
    fn answer(oracle: &mut Self::Oracle, actions: &[Self::Action], fail: bool) -> Self::Answer;

    /// The side effects of an answer.
    fn effects(answer: &Self::Answer) -> &[Effect];

    /// What the client gets for an answer.
    fn outcome(answer: &Self::Answer) -> ClientOutcome<Self::Response>;
}

/// An entity type whose streams carry one command at a time, in order (event-sourced and value
/// entities), and whose targets' streams do the same.
pub(crate) trait OneCommandAtATime: ProxyEntity<Oracle: Default> {
    /// What the user function answers on the entity's stream.
    type Out: WireMessage;

    /// What the scenario's entity and target ids start with.
    const PREFIX: &'static str;

    /// The oracle's answer to command `command_id` as the reply on the stream.
    fn expected(command_id: i64, answer: &Self::Answer, two: &str) -> Self::Out;

    /// The other reply the answer may take, if any: a failure that restarts the entity.
    fn restarting(_command_id: i64, _answer: &Self::Answer, _two: &str) -> Option<Self::Out> {
        None
    }

    /// The init of a new stream for target `id`, with nothing stored.
    fn target_init(id: &str) -> Self::In;

    /// `Request{id}`: the request of a forward or side effect, as target `id` receives it.
    fn target_request(id: &str) -> Self::Request;

    /// The reply of a target's `Call`: an empty response and nothing else.
    fn empty_reply(command_id: i64) -> Self::Out;
}
