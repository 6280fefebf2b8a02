//! How an entity's protocol stream is driven: opening it, how many commands are in flight, how long the
//! proxy waits for an answer, how it judges what the user function sends, when it passivates an idle
//! entity and when it reopens a restarted one.
//!
//! Faults applied here: `wait-for-headers`, `two-commands-in-flight`, `no-relay-timeout`,
//! `abandoned-command-frees-entity`, `wrong-command-id-accepted`, `answered-command-id-accepted`,
//! `empty-stream-out-skipped`, `stream-failure-keeps-stream`, `event-sourced-failure-as-reply`,
//! `no-passivation`, `passivate-immediately`, `passivate-during-command`, and the variant `lazy-restart`.

use std::future::Future;
use std::time::Duration;

use cloudstate_protocol::cloudstate::eventsourced::EventSourcedReply;
use cloudstate_protocol::cloudstate::{ClientAction, Failure, client_action};
use futures::stream::{BoxStream, Stream, StreamExt as _, TryStreamExt as _};
use tokio::time::Instant;
use tonic::Status;

use crate::entity::lifecycle::judge::Judged;
use crate::entity::registry::Incoming;
use crate::fault::{self, Fault};

/// A wait that never ends in practice: a year.
const FOR_EVER: Duration = Duration::from_secs(60 * 60 * 24 * 365);

/// The user function's side of a stream whose `call` resolves once its response headers are in. A
/// proxy must not wait for them: the call starts when the stream is first polled.
pub(crate) async fn open<S, T>(
    call: impl Future<Output = Result<S, Status>> + Send + 'static,
) -> Result<BoxStream<'static, Result<T, Status>>, Status>
where
    S: Stream<Item = Result<T, Status>> + Send + 'static,
{
    if fault::active(Fault::WaitForHeaders) {
        return Ok(call.await?.boxed());
    }
    Ok(futures::stream::once(call).try_flatten().boxed())
}

/// How many commands of a value or event-sourced entity may wait for their answer at once: one.
pub(crate) fn commands_in_flight() -> usize {
    if fault::active(Fault::TwoCommandsInFlight) {
        2
    } else {
        1
    }
}

/// How long a command may wait for the user function's answer, given the configured relay timeout.
pub(crate) fn relay_timeout(configured: Duration) -> Duration {
    if fault::active(Fault::NoRelayTimeout) {
        FOR_EVER
    } else {
        configured
    }
}

/// How waiting for a command's answer ended.
#[derive(Debug)]
pub(crate) enum Waited<T> {
    /// The answer came.
    Answered(T),
    /// The relay deadline passed first.
    TimedOut,
    /// The command's caller went away, and the entity no longer waits.
    CallerGone,
}

/// Waits for `answer` until `deadline`. A proxy keeps waiting when the caller goes away (`caller_gone`):
/// the entity's next command must not be sent before this one is answered.
pub(crate) async fn wait_for_answer<T>(
    answer: impl Future<Output = T>,
    caller_gone: impl Future<Output = ()>,
    deadline: Instant,
) -> Waited<T> {
    if fault::active(Fault::AbandonedCommandFreesEntity) {
        return tokio::select! {
            answer = answer => Waited::Answered(answer),
            () = caller_gone => Waited::CallerGone,
        };
    }
    match tokio::time::timeout_at(deadline, answer).await {
        Ok(answer) => Waited::Answered(answer),
        Err(_) => Waited::TimedOut,
    }
}

/// What a message that came while command `id` was in flight does to it; `correct` is the protocol's
/// judgement.
pub(crate) fn judge<R>(
    incoming: Incoming<R>,
    id: i64,
    correct: impl FnOnce(Incoming<R>) -> Judged<R>,
) -> Judged<R> {
    match incoming {
        Incoming::Reply(reply_id, reply)
            if reply_id != id
                && (fault::active(Fault::WrongCommandIdAccepted)
                    || (reply_id < id && fault::active(Fault::AnsweredCommandIdAccepted))) =>
        {
            Judged::Answer(reply)
        }
        Incoming::Empty if fault::active(Fault::EmptyStreamOutSkipped) => Judged::Skip,
        Incoming::Failure(failure) if fault::active(Fault::StreamFailureKeepsStream) => {
            match correct(Incoming::Failure(failure)) {
                Judged::GiveUp { status, .. } => Judged::FailOnly(status),
                judged => judged,
            }
        }
        incoming => correct(incoming),
    }
}

/// What a top-level `Failure` on an event-sourced stream is to the command in flight: a failure of the
/// stream.
pub(crate) fn event_sourced_failure(failure: Failure) -> Incoming<EventSourcedReply> {
    if !fault::active(Fault::EventSourcedFailureAsReply) {
        return Incoming::Failure(failure);
    }
    let command_id = failure.command_id;
    Incoming::Reply(
        command_id,
        EventSourcedReply {
            command_id,
            client_action: Some(ClientAction {
                action: Some(client_action::Action::Failure(failure)),
            }),
            ..EventSourcedReply::default()
        },
    )
}

/// How long an entity stays active with nothing to do, given the service's passivation timeout.
pub(crate) fn idle_time(passivation: Duration) -> Duration {
    if fault::active(Fault::PassivateImmediately) {
        Duration::ZERO
    } else if fault::active(Fault::NoPassivation) {
        Duration::MAX
    } else {
        passivation
    }
}

/// When a value or event-sourced entity passivates while a command is in flight: never.
pub(crate) fn idle_time_in_flight(passivation: Duration) -> Option<Duration> {
    fault::active(Fault::PassivateDuringCommand).then_some(passivation)
}

/// Whether an event-sourced entity restarted by a failure reopens its stream at once, rather than with
/// the next command.
pub(crate) fn reopens_at_once() -> bool {
    !fault::active(Fault::LazyRestart)
}
