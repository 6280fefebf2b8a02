//! The entities of one type that take one command at a time: value entities and event-sourced entities.
//!
//! Their activation, queues, limits and passivation are the `EntityTable` every entity type shares.
//! Each active entity has one protocol stream to the user function; its task sends exactly one command
//! at a time, in arrival order, with command IDs 1, 2, 3… per stream, and passivates the entity after
//! the service's idle time (see [`lifecycle`](super::lifecycle)).
//!
//! What differs between these two types (how state is recovered into the init messages, and what a
//! reply does to the store) is a [`Protocol`].

use std::sync::Arc;

use bytes::Bytes;
use cloudstate_protocol::cloudstate::{ClientAction, Command, Failure, Metadata, SideEffect};
use prost_types::Any;
use tokio::sync::{mpsc, oneshot};
use tonic::Status;

use crate::dispatch::{Call, MessageStream, ReplyMetadata};
use crate::effects::Outcome;
use crate::entity::EntityContext;
use crate::entity::activation::{EntityTable, QueuedCommand};
use crate::entity::entity_call::{EntityCall, Streaming};
use crate::store::StoreError;
use crate::user_function::EntityStream;
use crate::user_spec::ServiceSpec;

/// What a command's reply leaves for the caller once the entity's state is durable.
#[derive(Debug, Default)]
pub(crate) struct Answer {
    /// The reply, forward or failure for the caller.
    pub(crate) client_action: Option<ClientAction>,
    /// The side effects to run before the caller is answered.
    pub(crate) side_effects: Vec<SideEffect>,
}

/// A command waiting for its entity.
#[derive(Debug)]
pub(crate) struct Job {
    /// The simple method name (the command name).
    pub(crate) name: String,
    /// The request, wrapped.
    pub(crate) payload: Any,
    /// The client's request headers, for the command's `metadata`.
    pub(crate) metadata: Option<Metadata>,
    /// Where the answer goes.
    pub(crate) reply: oneshot::Sender<Result<Answer, Status>>,
}

impl QueuedCommand for Job {
    fn abandoned(&self) -> bool {
        self.reply.is_closed()
    }

    fn refuse(self, status: Status) {
        let _ = self.reply.send(Err(status));
    }
}

/// A message from the user function, sorted for the entity task.
#[derive(Debug)]
pub(crate) enum Incoming<R> {
    /// A reply to a command.
    Reply(i64, R),
    /// A stream-level failure.
    Failure(Failure),
    /// A message with nothing set.
    Empty,
}

/// What handling one reply did.
#[derive(Debug)]
pub(crate) enum Step {
    /// State is durable (or nothing was to be stored): answer the caller and go on.
    Done(Answer),
    /// Answer the caller, then close the stream and reopen it at once (event-sourced `restart`).
    Restart(Answer),
    /// Storing failed: fail the command with this status and close the stream, since the user function's
    /// state is now ahead of the store; the next command reopens it.
    Reset(Status),
    /// The user function broke the protocol: the entity crashes.
    Violation(String),
}

/// The part of an entity protocol that differs between entity types.
#[tonic::async_trait]
pub(crate) trait Protocol: Send + Sync + 'static {
    /// Messages to the user function.
    type In: Send + 'static;
    /// Messages from the user function.
    type Out: Send + 'static;
    /// A reply to a command.
    type Reply: Send + 'static;
    /// What the proxy tracks for an open stream (for example the last event's sequence number).
    type State: Send + 'static;

    /// Reads the entity's state from the store: the stream's state and the messages that open it.
    async fn recover(
        &self,
        service: &ServiceSpec,
        entity_id: &str,
    ) -> Result<(Self::State, Vec<Self::In>), Status>;
    /// Opens the protocol stream with these outgoing messages.
    async fn open(
        &self,
        requests: mpsc::UnboundedReceiver<Self::In>,
    ) -> Result<EntityStream<Self::Out>, Status>;
    /// Wraps a command.
    fn command(&self, command: Command) -> Self::In;
    /// Sorts an incoming message.
    fn classify(&self, message: Self::Out) -> Incoming<Self::Reply>;
    /// Makes a reply's state changes durable and says what comes next.
    async fn apply(
        &self,
        service: &ServiceSpec,
        entity_id: &str,
        state: &mut Self::State,
        reply: Self::Reply,
    ) -> Step;
}

/// The running entities of one entity type.
#[derive(Debug)]
pub(crate) struct Registry<P> {
    pub(crate) protocol: P,
    pub(crate) cx: EntityContext,
    /// The entities; they hold nothing while passivated, their state is in the store.
    pub(crate) entities: EntityTable<Job, ()>,
}

impl<P: Protocol> Registry<P> {
    /// An empty registry.
    pub(crate) fn new(protocol: P, cx: EntityContext) -> Arc<Registry<P>> {
        Arc::new(Registry {
            protocol,
            entities: EntityTable::new(cx.limits.clone()),
            cx,
        })
    }

    /// Serves a unary call: sends it to its entity as a command, waits for the state to be durable, runs
    /// the side effects, and answers with the reply, the forward's result, or the failure.
    pub(crate) async fn dispatch(self: &Arc<Self>, call: Call) -> Result<MessageStream, Status> {
        let call = EntityCall::read(call, Streaming::Unary).await?;
        let (reply, answer) = oneshot::channel();
        let job = Job {
            name: call.name,
            payload: call.payload,
            metadata: call.metadata,
            reply,
        };
        let registry = self.clone();
        self.entities.submit(call.key, job, |key, _, queue| {
            registry.run(call.service, key, queue)
        })?;
        let answer = answer
            .await
            .map_err(|_| Status::unavailable("the entity stopped before it answered"))??;
        // The entity is free again: its side effects and forward run outside it (so they may call it),
        // and in a task of their own, so that a caller who goes away does not cancel them.
        let effects = self.cx.effects.clone();
        let reply_metadata = ReplyMetadata::current();
        let finish = tokio::spawn(ReplyMetadata::within(reply_metadata, async move {
            effects.side_effects(answer.side_effects).await;
            effects.resolve(answer.client_action).await
        }));
        let outcome = finish
            .await
            .map_err(|error| Status::internal(format!("running the reply's effects: {error}")))??;
        let bytes = match outcome {
            Outcome::Reply(bytes) => bytes,
            // A unary call answers exactly one message: no client action means the empty message.
            Outcome::NoReply => Bytes::new(),
        };
        Ok(Box::pin(futures::stream::once(async move { Ok(bytes) })))
    }

    /// How many entities are running.
    #[cfg(test)]
    pub(crate) fn active(&self) -> usize {
        self.entities.active()
    }
}

/// A store failure, as the caller sees it.
pub(crate) fn unavailable(error: StoreError) -> Status {
    Status::unavailable(error.to_string())
}

/// The outgoing half of a protocol stream: the messages sent on `requests`, ending when its senders are
/// dropped.
pub(crate) fn outgoing<T: Send + 'static>(
    requests: mpsc::UnboundedReceiver<T>,
) -> impl futures::Stream<Item = T> + Send + 'static {
    futures::stream::unfold(requests, |mut requests| async move {
        requests.recv().await.map(|message| (message, requests))
    })
}
