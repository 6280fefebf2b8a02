//! CRDT entities (`cloudstate.crdt.Crdt`) on a single node.
//!
//! Each active entity has one `Crdt.handle` stream to the user function, run by its own task (see
//! `crdt_stream`). Unlike the other entity types, commands are pipelined: every command is sent at once
//! and the replies, which may come in any order, are matched by command id. The proxy keeps the CRDT's
//! value ([`CrdtState`]); it outlives the stream, so a passivated entity is re-opened with its value in
//! `CrdtInit`, and only a delete forgets it.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard};

use bytes::Bytes;
use cloudstate_protocol::cloudstate::{ClientAction, Metadata, SideEffect};
use cloudstate_protocol::names::PROTOBUF_TYPE_URL_PREFIX;
use futures::StreamExt as _;
use prost_types::Any;
use tokio::sync::mpsc;
use tonic::Status;

use super::EntityContext;
use super::crdt_state::CrdtState;
use super::crdt_stream::EntityTask;
use crate::dispatch::{Call, Dispatch, MessageStream, ReplyMetadata};
use crate::effects::{Effects, Outcome};
use crate::user_spec::ServiceSpec;

/// Serves the methods of CRDT services.
#[derive(Debug)]
pub struct CrdtHandler {
    entities: Arc<Entities>,
}

impl CrdtHandler {
    /// A handler with no active entity and no held state.
    pub fn new(cx: EntityContext) -> CrdtHandler {
        let entities = Entities {
            cx,
            slots: Mutex::new(HashMap::new()),
        };
        CrdtHandler {
            entities: Arc::new(entities),
        }
    }
}

#[tonic::async_trait]
impl Dispatch for CrdtHandler {
    async fn dispatch(&self, call: Call) -> Result<MessageStream, Status> {
        let Call {
            service,
            method,
            mut requests,
            metadata,
        } = call;
        if method.descriptor.is_client_streaming() {
            return Err(Status::unimplemented(format!(
                "{}/{} streams its input, which CRDT entities do not support",
                service.name,
                method.name()
            )));
        }
        let input = match requests.next().await {
            Some(input) => input?,
            None => {
                return Err(Status::invalid_argument(
                    "the call carries no request message",
                ));
            }
        };
        let entity_id = method.entity_id(&input)?;
        let streamed = method.descriptor.is_server_streaming();
        let (out, mut responses) = mpsc::unbounded_channel();
        let command = EntityCommand {
            name: method.name().to_owned(),
            payload: Any {
                type_url: format!("{PROTOBUF_TYPE_URL_PREFIX}{}", method.input().full_name()),
                value: input.to_vec(),
            },
            streamed,
            metadata,
            reply_metadata: ReplyMetadata::current(),
            out,
        };
        self.entities.submit(&service, entity_id, command)?;
        if streamed {
            // Dropping this stream is how the caller goes away; the command's delivery notices it.
            return Ok(Box::pin(futures::stream::poll_fn(move |cx| {
                responses.poll_recv(cx)
            })));
        }
        match responses.recv().await {
            Some(Ok(reply)) => Ok(Box::pin(futures::stream::once(async move { Ok(reply) }))),
            Some(Err(status)) => Err(status),
            None => Ok(Box::pin(futures::stream::empty())),
        }
    }
}

/// One command for an entity, on its way to the entity's task.
#[derive(Debug)]
pub(crate) struct EntityCommand {
    /// The method's simple name.
    pub(crate) name: String,
    /// The request, as `Any`.
    pub(crate) payload: Any,
    /// Whether the method streams its output.
    pub(crate) streamed: bool,
    /// The client's request headers, for the command's `metadata`.
    pub(crate) metadata: Option<Metadata>,
    /// Where the metadata of the command's reply goes, for the caller's response headers.
    pub(crate) reply_metadata: Option<ReplyMetadata>,
    /// Where the caller's messages go.
    pub(crate) out: Output,
}

/// The caller's side of a command: its output messages, or the status that ends the call.
pub(crate) type Output = mpsc::UnboundedSender<Result<Bytes, Status>>;

/// An entity is a service name and an entity id.
pub(crate) type EntityKey = (String, String);

#[derive(Debug)]
enum Slot {
    /// A task runs the entity; commands go to it.
    Active(mpsc::Sender<EntityCommand>),
    /// No stream is open; the entity's value waits for the next command.
    Dormant(CrdtState),
}

/// Every entity the proxy knows: the active ones and the held values of passivated ones.
#[derive(Debug)]
pub(crate) struct Entities {
    pub(crate) cx: EntityContext,
    slots: Mutex<HashMap<EntityKey, Slot>>,
}

impl Entities {
    fn slots(&self) -> MutexGuard<'_, HashMap<EntityKey, Slot>> {
        self.slots
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Hands a command to the entity's task, starting one (with the held value) if none runs. Fails with
    /// `RESOURCE_EXHAUSTED` when the task's queue is full, or when starting it would pass the limit of
    /// active entities.
    fn submit(
        self: &Arc<Self>,
        service: &Arc<ServiceSpec>,
        entity_id: String,
        command: EntityCommand,
    ) -> Result<(), Status> {
        let limits = &self.cx.limits;
        let key = (service.name.clone(), entity_id);
        let mut slots = self.slots();
        let command = match slots.get(&key) {
            Some(Slot::Active(task)) => match task.try_send(command) {
                Ok(()) => return Ok(()),
                Err(mpsc::error::TrySendError::Full(_)) => {
                    return Err(limits.queue_full(&key.0, &key.1));
                }
                Err(mpsc::error::TrySendError::Closed(command)) => command,
            },
            _ => command,
        };
        let slot = limits.admit(&key.0, &key.1)?;
        let state = match slots.remove(&key) {
            Some(Slot::Dormant(state)) => Some(state),
            _ => None,
        };
        let (task, commands) = mpsc::channel(limits.max_queued);
        // The receiver is alive: it is moved into the task below.
        let _ = task.try_send(command);
        slots.insert(key.clone(), Slot::Active(task));
        let entity = EntityTask::new(self.clone(), service.clone(), key.1, state, commands);
        tokio::spawn(async move {
            let _slot = slot;
            entity.run().await;
        });
        Ok(())
    }

    /// Called by an entity's task between streams: the next waiting command, or `None` after the
    /// task's slot was given up (keeping `state`, if any). Commands are sent under the same lock, so
    /// none can be lost in between.
    pub(crate) fn next_or_retire(
        &self,
        key: &EntityKey,
        commands: &mut mpsc::Receiver<EntityCommand>,
        state: &mut Option<CrdtState>,
    ) -> Option<EntityCommand> {
        let mut slots = self.slots();
        while let Ok(command) = commands.try_recv() {
            // A command whose caller went away before it was sent is never sent.
            if !command.out.is_closed() {
                return Some(command);
            }
        }
        match state.take() {
            Some(state) => slots.insert(key.clone(), Slot::Dormant(state)),
            None => slots.remove(key),
        };
        None
    }

    /// Runs side effects that have no caller to wait for them, in the background.
    pub(crate) fn side_effects(&self, side_effects: Vec<SideEffect>) {
        if side_effects.is_empty() {
            return;
        }
        let effects = self.cx.effects.clone();
        tokio::spawn(async move { effects.side_effects(side_effects).await });
    }
}

/// One step of what a command's caller gets.
#[derive(Debug)]
pub(crate) enum Step {
    /// Run the side effects, then resolve the client action (a reply, a forward, a failure or nothing).
    Answer(Option<ClientAction>, Vec<SideEffect>),
    /// End the call with this status.
    Fail(Status),
}

/// Delivers one command's steps to its caller in order, on a task of its own, so that forwards and
/// side effects (which may call this very entity) never hold up the entity's stream. The caller's
/// messages end when the `Delivery` is dropped and its queued steps are done.
#[derive(Debug)]
pub(crate) struct Delivery {
    steps: mpsc::UnboundedSender<Step>,
}

impl Delivery {
    /// Starts delivering to `out`. With `watch`, the caller going away sends the command id there once.
    /// The replies' metadata goes to `reply_metadata`, the slot of the caller's call.
    pub(crate) fn spawn(
        effects: Arc<Effects>,
        out: Output,
        watch: Option<(i64, mpsc::UnboundedSender<i64>)>,
        reply_metadata: Option<ReplyMetadata>,
    ) -> Delivery {
        let (steps, queue) = mpsc::unbounded_channel();
        tokio::spawn(ReplyMetadata::within(
            reply_metadata,
            deliver(effects, queue, out, watch),
        ));
        Delivery { steps }
    }

    /// Queues a step.
    pub(crate) fn send(&self, step: Step) {
        // The task ends only after this sender is dropped.
        let _ = self.steps.send(step);
    }
}

async fn deliver(
    effects: Arc<Effects>,
    mut steps: mpsc::UnboundedReceiver<Step>,
    out: Output,
    mut watch: Option<(i64, mpsc::UnboundedSender<i64>)>,
) {
    loop {
        tokio::select! {
            step = steps.recv() => {
                let message = match step {
                    None => return,
                    Some(Step::Fail(status)) => Some(Err(status)),
                    Some(Step::Answer(action, side_effects)) => {
                        effects.side_effects(side_effects).await;
                        match effects.resolve(action).await {
                            Ok(Outcome::Reply(reply)) => Some(Ok(reply)),
                            Ok(Outcome::NoReply) => None,
                            Err(status) => Some(Err(status)),
                        }
                    }
                };
                if let Some(message) = message {
                    // A caller that went away still gets its side effects run, not its messages.
                    let _ = out.send(message);
                }
            }
            () = out.closed(), if watch.is_some() => {
                if let Some((id, gone)) = watch.take() {
                    let _ = gone.send(id);
                }
            }
        }
    }
}
