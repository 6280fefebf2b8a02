//! CRDT entities (`cloudstate.crdt.Crdt`) on a single node.
//!
//! Each active entity has one `Crdt.handle` stream to the user function, run by its own task (see
//! `crdt_stream`). Unlike the other entity types, commands are pipelined: every command is sent at once
//! and the replies, which may come in any order, are matched by command id. The proxy keeps the CRDT's
//! value ([`CrdtState`]); it outlives the stream, so a passivated entity is re-opened with its value in
//! `CrdtInit`, and only a delete forgets it.

use std::sync::Arc;

use bytes::Bytes;
use cloudstate_protocol::cloudstate::{ClientAction, Metadata, SideEffect};
use prost_types::Any;
use tokio::sync::mpsc;
use tonic::Status;

use super::EntityContext;
use super::activation::{EntityKey, EntityTable, QueuedCommand};
use super::crdt_state::CrdtState;
use super::crdt_stream::EntityTask;
use super::entity_call::{EntityCall, Streaming};
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
            table: EntityTable::new(cx.limits.clone()),
            cx,
        };
        CrdtHandler {
            entities: Arc::new(entities),
        }
    }
}

#[tonic::async_trait]
impl Dispatch for CrdtHandler {
    async fn dispatch(&self, call: Call) -> Result<MessageStream, Status> {
        let call = EntityCall::read(call, Streaming::Output).await?;
        let streamed = call.streamed;
        let (out, mut responses) = mpsc::unbounded_channel();
        let command = CrdtCommand {
            name: call.name,
            payload: call.payload,
            streamed,
            metadata: call.metadata,
            reply_metadata: ReplyMetadata::current(),
            out,
        };
        self.entities.submit(call.service, call.key, command)?;
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

/// One command for a CRDT entity, on its way to the entity's task.
#[derive(Debug)]
pub(crate) struct CrdtCommand {
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

impl QueuedCommand for CrdtCommand {
    fn abandoned(&self) -> bool {
        self.out.is_closed()
    }

    fn refuse(self, status: Status) {
        let _ = self.out.send(Err(status));
    }
}

/// Every CRDT entity the proxy knows: the active ones and the values held by passivated ones.
#[derive(Debug)]
pub(crate) struct Entities {
    pub(crate) cx: EntityContext,
    pub(crate) table: EntityTable<CrdtCommand, CrdtState>,
}

impl Entities {
    /// Hands a command to the entity's task, starting one (with the held value) if none runs.
    fn submit(
        self: &Arc<Self>,
        service: Arc<ServiceSpec>,
        key: EntityKey,
        command: CrdtCommand,
    ) -> Result<(), Status> {
        let entities = self.clone();
        self.table.submit(key, command, |key, held, commands| {
            EntityTask::new(entities, service, key, held, commands).run()
        })
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
