//! Waiting for the user function's reply to the command in flight and handling it: the answer to the
//! caller, a failure, a restart, or giving the stream up at the relay timeout.

use tokio::sync::mpsc;
use tonic::Status;

use super::judge::{Judged, judge, violation};
use super::{After, Sent, Session};
use crate::deviation;
use crate::deviation::entity_stream::{Waited, wait_for_answer};
use crate::entity::registry::{Answer, Protocol, Registry, Step};
use crate::user_spec::ServiceSpec;

impl<P: Protocol> Registry<P> {
    /// Waits for the reply to a sent command and handles it. Answers the command's caller in every case.
    pub(super) async fn receive(
        &self,
        service: &ServiceSpec,
        entity_id: &str,
        session: &mut Session<P>,
        mut sent: Sent,
    ) -> After {
        let id = sent.id;
        let entity = format!("entity {entity_id} of {}", service.name);
        let (result, after) = if !sent.delivered {
            let status = Status::unavailable(format!(
                "entity {entity_id}: its stream to the user function is closed"
            ));
            (Err(status), After::Crash { report: None })
        } else {
            let relay_deadline = self.relay_deadline();
            // The user function owes an answer, whether or not the caller still waits for it.
            let _owed = self.cx.health.waiting();
            loop {
                let waited = wait_for_answer(
                    next_message(service, session),
                    sent.reply.closed(),
                    relay_deadline,
                )
                .await;
                let message = match waited {
                    Waited::Answered(message) => message,
                    // The caller went away: the entity no longer waits for its answer.
                    Waited::CallerGone => return After::Ready,
                    Waited::TimedOut => {
                        // The user function is stuck or gone: the stream can no longer be
                        // trusted, and a late answer must not count for a later command.
                        let status = Status::deadline_exceeded(format!(
                            "the user function did not answer command {id} of {entity} within \
                                 the relay timeout of {} ms",
                            self.cx.relay_timeout.as_millis()
                        ));
                        tracing::warn!(
                            entity_id = ?entity_id,
                            service = %service.name,
                            command_id = id,
                            "the user function did not answer within the relay timeout"
                        );
                        break (Err(status), After::GiveUp { report: None });
                    }
                };
                break match message {
                    None => {
                        // Passivated mid-command (a fault): the stream is half-closed under the command.
                        let (closed, _) = mpsc::unbounded_channel();
                        drop(std::mem::replace(&mut session.sender, closed));
                        let status = Status::unavailable(format!(
                            "entity {entity_id} was passivated while command {id} was in flight"
                        ));
                        (Err(status), After::Reset)
                    }
                    Some(Ok(Some(message))) => {
                        self.cx.health.heard();
                        let answered = self
                            .answer(service, entity_id, session, id, &entity, message)
                            .await;
                        match answered {
                            Some(answered) => answered,
                            None => continue,
                        }
                    }
                    Some(Ok(None)) => (
                        Err(Status::unavailable(format!(
                            "the user function ended the stream of entity {entity_id} during a command"
                        ))),
                        After::GiveUp { report: None },
                    ),
                    Some(Err(error)) => (
                        Err(Status::unavailable(format!(
                            "the stream of entity {entity_id} failed during a command: {}",
                            error.message()
                        ))),
                        After::GiveUp { report: None },
                    ),
                };
            }
        };
        let _ = sent.reply.send(result);
        after
    }

    /// What a message that came while command `id` was in flight does to it (see [`judge`]): its answer
    /// once the state it carries is stored, or its failure. `None`: the message is skipped.
    async fn answer(
        &self,
        service: &ServiceSpec,
        entity_id: &str,
        session: &mut Session<P>,
        id: i64,
        entity: &str,
        message: P::Out,
    ) -> Option<(Result<Answer, Status>, After)> {
        let reply = match judge(self.protocol.classify(message), id, entity) {
            Judged::Answer(reply) => reply,
            Judged::Skip => return None,
            Judged::GiveUp { status, report } => {
                return Some((Err(status), After::GiveUp { report }));
            }
            Judged::FailOnly(status) => return Some((Err(status), After::Ready)),
        };
        let step = self
            .protocol
            .apply(service, entity_id, &mut session.state, reply)
            .await;
        Some(match step {
            Step::Done(answer) => (Ok(answer), After::Ready),
            Step::Restart(answer) => (Ok(answer), After::Restart),
            Step::Reset(status) => (Err(status), After::Reset),
            Step::Violation(what) => {
                let (status, report) = violation(entity, &what);
                (
                    Err(status),
                    After::GiveUp {
                        report: Some(report),
                    },
                )
            }
        })
    }
}

/// The user function's next message on the stream of a command in flight; `None` when the entity
/// passivates first (which it does only when its idle time runs during a command).
async fn next_message<P: Protocol>(
    service: &ServiceSpec,
    session: &mut Session<P>,
) -> Option<Result<Option<P::Out>, Status>> {
    let Some(idle) = deviation::entity_stream::idle_time_in_flight(service.passivation) else {
        return Some(session.responses.message().await);
    };
    tokio::select! {
        message = session.responses.message() => Some(message),
        () = tokio::time::sleep(idle) => None,
    }
}
