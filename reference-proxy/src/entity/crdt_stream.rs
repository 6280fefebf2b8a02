//! One CRDT entity's task: its `Crdt.handle` streams, one after another, and its value in between.
//!
//! A stream starts with `CrdtInit` carrying the held value, then carries every command for the entity,
//! numbered 1, 2, 3… Replies may come in any order. A streamed command stays open after a reply with
//! `streamed = true` until the user function ends it or the caller goes away (then the proxy sends
//! `StreamCancelled` and waits for the `CrdtStreamCancelledResponse`).
//!
//! A stream ends when the entity has been idle for the service's passivation time with no command or
//! cancellation outstanding and no streamed command open (the proxy half-closes and the user function
//! ends it; the value is kept), when the user function deletes the entity (the value is forgotten, the
//! proxy half-closes after answering), or on an error: a protocol violation (reported to the user
//! function, the stream is dropped) or the user function ending the stream. Commands arriving while a
//! stream closes wait for the next stream.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;
use std::time::Duration;

use cloudstate_protocol::cloudstate::crdt::{
    CrdtInit, CrdtStreamIn, CrdtStreamOut, crdt_stream_in,
};
use cloudstate_protocol::cloudstate::{Command, StreamCancelled};
use tokio::sync::mpsc;
use tokio::time::{Instant, sleep_until};
use tonic::Status;

use super::activation::EntityKey;
use super::crdt::{CrdtCommand, Delivery, Entities, Step};
use super::crdt_state::CrdtState;
use crate::deviation;
use crate::health::Waiting;
use crate::user_function::EntityStream;
use crate::user_spec::ServiceSpec;

/// The protocol method of CRDT entity streams.
const HANDLE: &str = "/cloudstate.crdt.Crdt/handle";

mod answers;

/// How long the proxy waits for the user function to end a stream it half-closed.
const CLOSE_GRACE: Duration = Duration::from_secs(10);

/// The task of one entity.
#[derive(Debug)]
pub(crate) struct EntityTask {
    entities: Arc<Entities>,
    service: Arc<ServiceSpec>,
    key: EntityKey,
    state: Option<CrdtState>,
    commands: mpsc::Receiver<CrdtCommand>,
}

/// A command sent to the user function and not answered yet.
#[derive(Debug)]
struct Pending {
    /// When it was sent, for the relay timeout.
    sent_at: Instant,
    streamed: bool,
    delivery: Delivery,
    /// The caller of a streamed command went away before the reply.
    cancelled: bool,
    /// The user function owes an answer, whether or not the caller still waits for it.
    _owed: Waiting,
}

/// Why a stream ended, which decides what its unanswered callers get.
#[derive(Debug)]
enum End {
    /// The user function ended the stream (after the proxy half-closed it, if `closing`).
    Closed,
    /// The stream failed.
    Failed(Status),
    /// The user function broke the protocol.
    Violation(String),
    /// A command's answer did not come within the relay timeout.
    Unanswered,
}

/// The state of one open stream.
#[derive(Debug)]
struct Session<'a> {
    task: &'a mut EntityTask,
    /// Towards the user function; `None` once half-closed.
    to_user: Option<mpsc::UnboundedSender<CrdtStreamIn>>,
    next_id: i64,
    pending: HashMap<i64, Pending>,
    /// Streamed commands answered with `streamed = true` and not ended.
    open: HashMap<i64, Delivery>,
    /// Streamed commands whose caller went away: `StreamCancelled` sent, response awaited.
    cancelling: HashSet<i64>,
    /// Cancelled streams the user function ended before it saw the cancellation; their cancellation
    /// response may still come.
    ended_while_cancelling: HashSet<i64>,
    /// Ids of streamed commands whose caller went away.
    gone: (mpsc::UnboundedSender<i64>, mpsc::UnboundedReceiver<i64>),
    deleted: bool,
    last_activity: Instant,
    close_deadline: Instant,
}

impl EntityTask {
    /// The task of the entity `key` of `service`, holding `state`; its first command waits in
    /// `commands`.
    pub(crate) fn new(
        entities: Arc<Entities>,
        service: Arc<ServiceSpec>,
        key: EntityKey,
        state: Option<CrdtState>,
        commands: mpsc::Receiver<CrdtCommand>,
    ) -> EntityTask {
        EntityTask {
            entities,
            service,
            key,
            state,
            commands,
        }
    }

    /// Opens streams while commands come, then hands the value back to the handler.
    pub(crate) async fn run(mut self) {
        let entities = self.entities.clone();
        tracing::debug!(entity_id = ?self.key.entity_id, service = %self.key.service, "CRDT entity started");
        while let Some(first) =
            entities
                .table
                .next_or_passivate(&self.key, &mut self.commands, &mut self.state)
        {
            let init = deviation::init::crdt(CrdtInit {
                service_name: self.service.name.clone(),
                entity_id: self.key.entity_id.clone(),
                delta: self.state.as_ref().map(CrdtState::to_delta),
            });
            let init =
                match deviation::init::forgets_stored_state(&self.key.service, &self.key.entity_id)
                {
                    true => CrdtInit {
                        delta: None,
                        ..init
                    },
                    false => init,
                };
            let (to_user, mut requests) = mpsc::unbounded_channel();
            let _ = to_user.send(CrdtStreamIn {
                message: Some(crdt_stream_in::Message::Init(init)),
            });
            let requests = futures::stream::poll_fn(move |cx| requests.poll_recv(cx));
            let user_function = self.entities.cx.user_function.clone();
            let mut session = Session::new(&mut self, to_user);
            session.command(first);
            match user_function.open_stream(HANDLE, requests).await {
                Ok(from_user) => session.run(from_user).await,
                Err(status) => session.finish(End::Failed(status)),
            }
        }
        tracing::debug!(entity_id = ?self.key.entity_id, service = %self.key.service, "CRDT entity stopped");
    }
}

impl<'a> Session<'a> {
    fn new(task: &'a mut EntityTask, to_user: mpsc::UnboundedSender<CrdtStreamIn>) -> Session<'a> {
        let now = Instant::now();
        Session {
            task,
            to_user: Some(to_user),
            next_id: deviation::commands::first_id(),
            pending: HashMap::new(),
            open: HashMap::new(),
            cancelling: HashSet::new(),
            ended_while_cancelling: HashSet::new(),
            gone: mpsc::unbounded_channel(),
            deleted: false,
            last_activity: now,
            close_deadline: now,
        }
    }

    async fn run(mut self, mut from_user: EntityStream<CrdtStreamOut>) {
        let end = loop {
            let idle =
                self.pending.is_empty() && self.open.is_empty() && self.cancelling.is_empty();
            let passivation = deviation::entity_stream::idle_time(self.task.service.passivation);
            // A passivation time too long to represent never comes.
            let passivate_at = self.last_activity.checked_add(passivation);
            let unanswered_at = self.relay_deadline();
            let accepting = self.to_user.is_some();
            tokio::select! {
                biased;
                command = self.task.commands.recv(), if accepting => match command {
                    Some(command) => self.command(command),
                    // The handler is gone: the proxy is stopping.
                    None => self.half_close(),
                },
                Some(id) = self.gone.1.recv() => self.caller_gone(id),
                message = from_user.message() => match message {
                    Ok(Some(message)) => {
                        self.last_activity = Instant::now();
                        self.task.entities.cx.health.heard();
                        if let Err(violation) = self.receive(message) {
                            break End::Violation(violation);
                        }
                    }
                    Ok(None) => break End::Closed,
                    Err(status) => break End::Failed(status),
                },
                () = sleep_until(passivate_at.unwrap_or(self.last_activity)),
                    if accepting && idle && passivate_at.is_some() => {
                        deviation::init::passivated(&self.task.key);
                        self.half_close();
                    }
                () = sleep_until(unanswered_at.unwrap_or(self.last_activity)), if unanswered_at.is_some() => {
                    break End::Unanswered;
                }
                () = sleep_until(self.close_deadline), if !accepting => {
                    break End::Failed(Status::deadline_exceeded("the user function did not end the entity stream"));
                }
            }
        };
        self.finish(end);
    }

    /// When the oldest command in flight runs out of time for its answer; `None` when no command waits.
    fn relay_deadline(&self) -> Option<Instant> {
        let oldest = self.pending.values().map(|pending| pending.sent_at).min()?;
        oldest.checked_add(deviation::entity_stream::relay_timeout(
            self.task.entities.cx.relay_timeout,
        ))
    }

    fn entity_id(&self) -> String {
        self.task.key.entity_id.clone()
    }

    fn send(&self, message: crdt_stream_in::Message) -> bool {
        let Some(to_user) = &self.to_user else {
            return false;
        };
        to_user
            .send(CrdtStreamIn {
                message: Some(message),
            })
            .is_ok()
    }

    fn half_close(&mut self) {
        self.to_user = None;
        self.close_deadline = Instant::now() + CLOSE_GRACE;
    }

    fn command(&mut self, command: CrdtCommand) {
        self.last_activity = Instant::now();
        // A command whose caller went away before it was sent is never sent.
        if command.out.is_closed() {
            return;
        }
        let id = self.next_id;
        self.next_id = deviation::commands::next_id(id);
        let watch = command.streamed.then(|| (id, self.gone.0.clone()));
        let delivery = Delivery::spawn(
            self.task.entities.cx.effects.clone(),
            command.out,
            watch,
            command.reply_metadata,
        );
        let message = Command {
            entity_id: self.entity_id(),
            id,
            name: command.name,
            payload: Some(command.payload),
            streamed: command.streamed,
            metadata: deviation::commands::crdt_metadata(command.metadata),
        };
        if self.send(crdt_stream_in::Message::Command(message)) {
            self.pending.insert(
                id,
                Pending {
                    sent_at: Instant::now(),
                    streamed: command.streamed,
                    delivery,
                    cancelled: false,
                    _owed: self.task.entities.cx.health.waiting(),
                },
            );
        } else {
            delivery.send(Step::Fail(Status::unavailable(
                "the entity stream to the user function is closed",
            )));
        }
    }

    /// The caller of streamed command `id` dropped its response stream.
    fn caller_gone(&mut self, id: i64) {
        if let Some(pending) = self.pending.get_mut(&id) {
            pending.cancelled = true;
        } else if self.open.remove(&id).is_some() {
            self.cancel(id);
        }
    }

    fn cancel(&mut self, id: i64) {
        let cancelled = StreamCancelled {
            entity_id: self.entity_id(),
            id,
        };
        if self.send(crdt_stream_in::Message::StreamCancelled(cancelled)) {
            self.cancelling.insert(id);
        }
    }

    /// Answers whatever is still open when the stream ends, and reports a violation.
    fn finish(mut self, end: End) {
        let closed_by_proxy = self.to_user.is_none();
        let status = match &end {
            End::Closed if closed_by_proxy => {
                Status::unavailable("the entity stream closed before the command was answered")
            }
            End::Closed => {
                Status::unavailable("the user function ended the entity stream unexpectedly")
            }
            End::Failed(status) => {
                Status::unavailable(format!("the entity stream failed: {}", status.message()))
            }
            End::Violation(violation) => Status::unknown(format!(
                "the user function broke the CRDT protocol: {violation}"
            )),
            End::Unanswered => Status::deadline_exceeded(format!(
                "the user function did not answer within the relay timeout of {} ms",
                self.task.entities.cx.relay_timeout.as_millis()
            )),
        };
        for (_, pending) in self.pending.drain() {
            pending.delivery.send(Step::Fail(status.clone()));
        }
        for (_, delivery) in self.open.drain() {
            // Streams still open when a deleted or passivated entity closes simply end.
            if !(closed_by_proxy && matches!(end, End::Closed)) {
                delivery.send(Step::Fail(status.clone()));
            }
        }
        let what = format!(
            "CRDT entity {} of {}",
            self.task.key.entity_id, self.task.key.service
        );
        match end {
            End::Closed if closed_by_proxy => {}
            End::Closed | End::Failed(_) | End::Unanswered => tracing::warn!(
                entity_id = ?self.task.key.entity_id,
                service = %self.task.key.service,
                message = ?status.message(),
                "a CRDT entity's stream ended"
            ),
            End::Violation(violation) => {
                let user_function = self.task.entities.cx.user_function.clone();
                let message = format!("{what}: {violation}");
                tokio::spawn(async move { user_function.report_error(&message).await });
            }
        }
    }
}
