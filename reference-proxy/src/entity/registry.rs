//! The running entities of one entity type (value entities or event-sourced entities).
//!
//! Every active entity, named by (service, entity ID), is one task with a queue of commands and one
//! protocol stream to the user function. The task sends exactly one command at a time, in arrival order,
//! with command IDs 1, 2, 3… per stream, and passivates the entity after the service's idle time (see
//! [`lifecycle`](super::lifecycle)). A command for an entity that is not running starts it.
//!
//! What differs between the entity types (how state is recovered into the init messages, and what a reply
//! does to the store) is a [`Protocol`].

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use bytes::Bytes;
use cloudstate_protocol::cloudstate::{ClientAction, Command, Failure, Metadata, SideEffect};
use cloudstate_protocol::names::PROTOBUF_TYPE_URL_PREFIX;
use futures::StreamExt as _;
use prost_types::Any;
use tokio::sync::{mpsc, oneshot};
use tonic::Status;

use crate::dispatch::{Call, MessageStream, ReplyMetadata};
use crate::effects::Outcome;
use crate::entity::EntityContext;
use crate::store::StoreError;
use crate::user_function::EntityStream;
use crate::user_spec::ServiceSpec;

/// An entity's name: the full service name and the entity ID.
pub(crate) type EntityKey = (String, String);

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
    /// The service, so that the task that starts the entity knows it.
    pub(crate) service: Arc<ServiceSpec>,
    /// The simple method name (the command name).
    pub(crate) name: String,
    /// The request, wrapped.
    pub(crate) payload: Any,
    /// The client's request headers, for the command's `metadata`.
    pub(crate) metadata: Option<Metadata>,
    /// Where the answer goes.
    pub(crate) reply: oneshot::Sender<Result<Answer, Status>>,
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
    entities: Mutex<HashMap<EntityKey, mpsc::Sender<Job>>>,
}

impl<P: Protocol> Registry<P> {
    /// An empty registry.
    pub(crate) fn new(protocol: P, cx: EntityContext) -> Arc<Registry<P>> {
        Arc::new(Registry {
            protocol,
            cx,
            entities: Mutex::new(HashMap::new()),
        })
    }

    /// Serves a unary call: sends it to its entity as a command, waits for the state to be durable, runs
    /// the side effects, and answers with the reply, the forward's result, or the failure.
    pub(crate) async fn dispatch(self: &Arc<Self>, call: Call) -> Result<MessageStream, Status> {
        let Call {
            service,
            method,
            mut requests,
            metadata,
        } = call;
        if method.descriptor.is_client_streaming() || method.descriptor.is_server_streaming() {
            return Err(Status::unimplemented(format!(
                "{}/{} is a streamed method, which {:?} entities do not serve",
                service.name,
                method.name(),
                service.entity_type
            )));
        }
        let request = match requests.next().await {
            Some(request) => request?,
            None => return Err(Status::invalid_argument("the call has no request message")),
        };
        let entity_id = method.entity_id(&request)?;
        let payload = Any {
            type_url: format!("{PROTOBUF_TYPE_URL_PREFIX}{}", method.input().full_name()),
            value: request.to_vec(),
        };
        let (reply, answer) = oneshot::channel();
        let key = (service.name.clone(), entity_id);
        self.enqueue(
            key,
            Job {
                service,
                name: method.name().to_owned(),
                payload,
                metadata,
                reply,
            },
        )?;
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

    /// Queues a command for its entity, starting the entity if it is not running. Fails with
    /// `RESOURCE_EXHAUSTED` when the entity's queue is full, or when starting it would pass the limit of
    /// active entities.
    fn enqueue(self: &Arc<Self>, key: EntityKey, job: Job) -> Result<(), Status> {
        let limits = &self.cx.limits;
        let mut entities = self.lock();
        let job = match entities.get(&key) {
            Some(queue) => match queue.try_send(job) {
                Ok(()) => return Ok(()),
                Err(mpsc::error::TrySendError::Full(_)) => {
                    return Err(limits.queue_full(&key.0, &key.1));
                }
                // The task has gone without removing itself (it panicked): replace it.
                Err(mpsc::error::TrySendError::Closed(job)) => job,
            },
            None => job,
        };
        let slot = limits.admit(&key.0, &key.1)?;
        let (queue, receiver) = mpsc::channel(limits.max_queued);
        let service = job.service.clone();
        if queue.try_send(job).is_ok() {
            entities.insert(key.clone(), queue);
            drop(entities);
            let registry = self.clone();
            tokio::spawn(async move {
                let _slot = slot;
                registry.run(service, key, receiver).await;
            });
        }
        Ok(())
    }

    /// The entity map. Held only for map updates, never across an await.
    pub(crate) fn lock(&self) -> MutexGuard<'_, HashMap<EntityKey, mpsc::Sender<Job>>> {
        self.entities.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Takes the next queued command, or, if there is none, removes the entity from the map so that the
    /// next command starts a new one. Commands are queued under the same lock, so none can be lost.
    pub(crate) fn next_or_remove(
        &self,
        key: &EntityKey,
        queue: &mut mpsc::Receiver<Job>,
    ) -> Option<Job> {
        let mut entities = self.lock();
        match queue.try_recv() {
            Ok(job) => Some(job),
            Err(_) => {
                entities.remove(key);
                None
            }
        }
    }

    /// Removes the entity and fails every queued command.
    pub(crate) fn remove_and_fail(&self, key: &EntityKey, queue: &mut mpsc::Receiver<Job>) {
        self.lock().remove(key);
        queue.close();
        while let Ok(job) = queue.try_recv() {
            let _ = job.reply.send(Err(Status::unavailable(format!(
                "entity {} of {} terminated before it handled this command",
                key.1, key.0
            ))));
        }
    }

    /// How many entities are running.
    #[cfg(test)]
    pub(crate) fn active(&self) -> usize {
        self.lock().len()
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
