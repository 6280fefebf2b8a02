//! The life of one entity: activation (open the stream with the recovered state), one command at a time,
//! passivation after idleness, restart, and crashing on protocol violations.
//!
//! The task owns the entity's stream and queue; nothing here holds a lock while it waits for the user
//! function.

pub(crate) mod judge;
mod reply;

use std::sync::Arc;
use std::time::Duration;

use cloudstate_protocol::cloudstate::Command;
use tokio::sync::{mpsc, oneshot};
use tonic::Status;

use crate::deviation;
use crate::entity::activation::EntityKey;
use crate::entity::registry::{Answer, Job, Protocol, Registry};
use crate::user_function::EntityStream;
use crate::user_spec::ServiceSpec;

/// How long a closing stream may take to end after the proxy half-closed it, before it is cancelled.
const CLOSE_TIMEOUT: Duration = Duration::from_secs(5);

/// One open protocol stream.
struct Session<P: Protocol> {
    sender: mpsc::UnboundedSender<P::In>,
    responses: EntityStream<P::Out>,
    state: P::State,
    next_id: i64,
}

/// A command sent to the user function, whose caller waits for the answer.
struct Sent {
    id: i64,
    /// Whether the command reached the stream (it was not closed).
    delivered: bool,
    reply: oneshot::Sender<Result<Answer, Status>>,
}

/// What handling one command left the entity in.
enum After {
    /// Ready for the next command.
    Ready,
    /// Close the stream and reopen it at once.
    Restart,
    /// Close the stream; the next command reopens it.
    Reset,
    /// The entity is gone; queued commands must fail.
    Crash { report: Option<String> },
    /// Cancel the stream, which can no longer be trusted, and report `report` to the user function; the
    /// next command opens a new one.
    GiveUp { report: Option<String> },
}

/// What happened while the entity waited for a command.
enum Idle<Out> {
    Command(Option<Job>),
    Message(Result<Option<Out>, Status>),
    Timeout,
}

impl<P: Protocol> Registry<P> {
    /// Runs one entity until it passivates or crashes.
    pub(crate) async fn run(
        self: Arc<Self>,
        service: Arc<ServiceSpec>,
        key: EntityKey,
        mut queue: mpsc::Receiver<Job>,
    ) {
        let mut session: Option<Session<P>> = None;
        tracing::debug!(entity_id = ?key.entity_id, service = %key.service, "entity started");
        loop {
            let Some(job) = self
                .next_job(&service, &key, &mut queue, &mut session)
                .await
            else {
                tracing::debug!(entity_id = ?key.entity_id, service = %key.service, "entity stopped");
                return;
            };
            // A command whose caller went away (it cancelled, or its deadline passed) before the command
            // was sent is never sent: a client that retries must not find its first attempt applied too.
            if job.reply.is_closed() {
                tracing::debug!(entity_id = ?key.entity_id, service = %key.service, command = %job.name,
                    "dropped a command whose caller went away before it was sent");
                continue;
            }
            let active = match session.as_mut() {
                Some(active) => active,
                None => match self.open(&service, &key).await {
                    Ok(opened) => session.insert(opened),
                    Err(status) => {
                        let _ = job.reply.send(Err(status));
                        continue;
                    }
                },
            };
            let after = self
                .handle(&service, &key.entity_id, active, job, &mut queue)
                .await;
            deviation::commands::numbered_up_to(&key, active.next_id);
            match after {
                After::Ready => {}
                After::Reset => close(session.take()).await,
                // The next command opens the new stream.
                After::Restart if !deviation::entity_stream::reopens_at_once() => {
                    close(session.take()).await;
                }
                After::Restart => {
                    close(session.take()).await;
                    match self.open(&service, &key).await {
                        Ok(opened) => session = Some(opened),
                        Err(status) => tracing::warn!(
                            entity_id = ?key.entity_id,
                            service = %key.service,
                            code = ?status.code(),
                            message = ?status.message(),
                            "restarting the entity failed"
                        ),
                    }
                }
                After::GiveUp { report } => {
                    drop(session.take());
                    if let Some(message) = report {
                        self.cx.user_function.report_error(&message).await;
                    }
                }
                After::Crash { report } => {
                    // The stream is cancelled, not closed: the user function broke it or it is gone.
                    drop(session.take());
                    self.entities.remove_and_refuse(&key, &mut queue);
                    tracing::warn!(entity_id = ?key.entity_id, service = %key.service, "entity crashed");
                    if let Some(message) = report {
                        self.cx.user_function.report_error(&message).await;
                    }
                    return;
                }
            }
        }
    }

    /// Waits for the next command. Passivates the entity when it stays idle, and notices a stream that
    /// ends or speaks while no command is in flight. `None`: the entity is gone.
    async fn next_job(
        &self,
        service: &ServiceSpec,
        key: &EntityKey,
        queue: &mut mpsc::Receiver<Job>,
        session: &mut Option<Session<P>>,
    ) -> Option<Job> {
        let Some(active) = session.as_mut() else {
            // No stream (it failed to open or was reset): stop unless a command is waiting.
            return self.entities.next_or_passivate(key, queue, &mut None);
        };
        let passivation = deviation::entity_stream::idle_time(service.passivation);
        let idle = tokio::select! {
            job = queue.recv() => Idle::Command(job),
            message = active.responses.message() => Idle::Message(message),
            () = tokio::time::sleep(passivation) => Idle::Timeout,
        };
        match idle {
            Idle::Command(Some(job)) => Some(job),
            // Every sender is gone: the registry itself was dropped.
            Idle::Command(None) => {
                close(session.take()).await;
                None
            }
            Idle::Timeout => {
                close(session.take()).await;
                deviation::init::passivated(key);
                self.entities.next_or_passivate(key, queue, &mut None)
            }
            Idle::Message(Ok(Some(_))) => {
                drop(session.take());
                self.entities.remove_and_refuse(key, queue);
                let message = format!(
                    "entity {} of {}: the user function sent a message while no command was in flight",
                    key.entity_id, key.service
                );
                self.cx.user_function.report_error(&message).await;
                None
            }
            Idle::Message(Ok(None) | Err(_)) => {
                // The user function ended the stream between commands: the entity stops, and the next
                // command starts it again.
                drop(session.take());
                self.entities.next_or_passivate(key, queue, &mut None)
            }
        }
    }

    /// Recovers the entity's state and opens its stream. Command IDs start at 1.
    async fn open(&self, service: &ServiceSpec, key: &EntityKey) -> Result<Session<P>, Status> {
        let (state, init) = self.protocol.recover(service, &key.entity_id).await?;
        let (sender, receiver) = mpsc::unbounded_channel();
        for message in init {
            let _ = sender.send(message);
        }
        let responses = self.protocol.open(receiver).await?;
        Ok(Session {
            sender,
            responses,
            state,
            next_id: deviation::commands::first_id_of(key),
        })
    }

    /// Sends one command and handles its reply, before the next command is sent. Answers the command's
    /// caller in every case.
    async fn handle(
        &self,
        service: &ServiceSpec,
        entity_id: &str,
        session: &mut Session<P>,
        job: Job,
        queue: &mut mpsc::Receiver<Job>,
    ) -> After {
        let sent = self.send(entity_id, session, job);
        if deviation::entity_stream::commands_in_flight() > 1
            && let Ok(next) = queue.try_recv()
        {
            let next = self.send(entity_id, session, next);
            return match self.receive(service, entity_id, session, sent).await {
                After::Ready => self.receive(service, entity_id, session, next).await,
                after => after,
            };
        }
        self.receive(service, entity_id, session, sent).await
    }

    /// Sends a job's command with the stream's next command ID.
    fn send(&self, entity_id: &str, session: &mut Session<P>, job: Job) -> Sent {
        let id = session.next_id;
        session.next_id = deviation::commands::next_id(id);
        let command = Command {
            entity_id: entity_id.to_owned(),
            id,
            name: job.name,
            payload: Some(job.payload),
            streamed: false,
            metadata: deviation::commands::metadata(job.metadata),
        };
        let delivered = session.sender.send(self.protocol.command(command)).is_ok();
        Sent {
            id,
            delivered,
            reply: job.reply,
        }
    }
}

impl<P: Protocol> Registry<P> {
    /// When a command sent now must have its answer: after the relay timeout.
    fn relay_deadline(&self) -> tokio::time::Instant {
        tokio::time::Instant::now() + deviation::entity_stream::relay_timeout(self.cx.relay_timeout)
    }
}

/// Closes a stream: half-closes it, then waits (a bounded time) for the user function to end it.
async fn close<P: Protocol>(session: Option<Session<P>>) {
    let Some(Session {
        sender,
        mut responses,
        ..
    }) = session
    else {
        return;
    };
    drop(sender);
    let ended = tokio::time::timeout(CLOSE_TIMEOUT, async {
        while let Ok(Some(_)) = responses.message().await {}
    });
    if ended.await.is_err() {
        tracing::warn!("the user function did not end a closed entity stream; cancelling it");
    }
}
