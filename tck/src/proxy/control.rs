//! The TCK's control over what the interceptor relays, so that, as the user function's stand-in, it can
//! provoke what the model never does: a case arms an intervention on the next call or message of a
//! protocol path before it provokes that call, and every intervention is written to the case's trace.

use std::sync::{Arc, Mutex, PoisonError};

use bytes::Bytes;
use tokio::sync::oneshot;
use tonic::Status;

use crate::messages::message_names;
use crate::wire::{Direction, Trace, render_compact};

/// The trace stream interventions are recorded on.
const LABEL: &str = "interceptor";

/// What the interceptor does with a message from the user function.
#[derive(Debug)]
pub(crate) enum Intervention {
    /// Relay it unchanged; the rule stays armed.
    Pass,
    /// Relay these bytes instead.
    Replace(Bytes),
    /// Relay nothing and end the call towards the proxy with this status, as if the user function had
    /// crashed (its own call is cancelled).
    EndWith(Status),
}

type Rule = Box<dyn FnMut(&Bytes) -> Intervention + Send>;

struct Rewrite {
    path: String,
    rule: Rule,
    trace: Trace,
}

struct Hold {
    path: String,
    release: oneshot::Receiver<()>,
    trace: Trace,
}

#[derive(Default)]
struct Armed {
    rewrites: Vec<Rewrite>,
    /// Holds on every answer of the next call opened on a path.
    holds: Vec<Hold>,
    /// Holds on the next single answer on a path, on whichever call it comes.
    answer_holds: Vec<Hold>,
}

/// The interventions armed by the running case, shared with the interceptor.
#[derive(Default)]
pub(super) struct Controls(Mutex<Armed>);

impl std::fmt::Debug for Controls {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let armed = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        f.debug_struct("Controls")
            .field("rewrites", &armed.rewrites.len())
            .field("holds", &armed.holds.len())
            .finish()
    }
}

/// A held answer: the interceptor relays nothing from the user function on the held call until
/// [`Held::release`] is called or this is dropped.
#[derive(Debug)]
pub(super) struct WaitRelease {
    release: oneshot::Receiver<()>,
    path: String,
    trace: Trace,
}

impl WaitRelease {
    /// Waits until the case releases the call.
    pub(super) async fn wait(self) {
        let _ = self.release.await;
        self.trace.record(
            LABEL,
            Direction::Event,
            format!(
                "the TCK relays the held answer of the {} call now",
                self.path
            ),
        );
    }
}

impl Controls {
    /// Drops every armed intervention (between cases).
    pub(super) fn clear(&self) {
        let mut armed = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        *armed = Armed::default();
    }

    /// The hold armed for the next call on `path`, if any, now taken by that call.
    pub(super) fn take_hold(&self, path: &str) -> Option<WaitRelease> {
        let mut armed = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        let index = armed.holds.iter().position(|hold| hold.path == path)?;
        let hold = armed.holds.remove(index);
        hold.trace.record(
            LABEL,
            Direction::Event,
            format!(
                "the TCK holds every answer of this new {path} call until the case releases it"
            ),
        );
        Some(WaitRelease {
            release: hold.release,
            path: hold.path,
            trace: hold.trace,
        })
    }

    /// The hold armed for the next answer on `path`, if any, now taken by that answer.
    pub(super) fn take_answer_hold(&self, path: &str) -> Option<WaitRelease> {
        let mut armed = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        let index = armed
            .answer_holds
            .iter()
            .position(|hold| hold.path == path)?;
        let hold = armed.answer_holds.remove(index);
        hold.trace.record(
            LABEL,
            Direction::Event,
            format!("the TCK holds this answer on {path} until the case releases it"),
        );
        Some(WaitRelease {
            release: hold.release,
            path: hold.path,
            trace: hold.trace,
        })
    }

    /// What to do with `message`, from the user function on a `path` call: the first armed rule for the
    /// path that does not pass decides, and is disarmed.
    pub(super) fn intervene(&self, path: &str, message: &Bytes) -> Intervention {
        let mut armed = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        let mut decided = None;
        for (index, rewrite) in armed.rewrites.iter_mut().enumerate() {
            if rewrite.path != path {
                continue;
            }
            match (rewrite.rule)(message) {
                Intervention::Pass => {}
                other => {
                    decided = Some((index, other));
                    break;
                }
            }
        }
        let Some((index, intervention)) = decided else {
            return Intervention::Pass;
        };
        let rewrite = armed.rewrites.remove(index);
        let name = message_names(path).map_or("", |(_, output)| output);
        let text = match &intervention {
            Intervention::Replace(bytes) => format!(
                "the TCK changed a message from the user function on {path}: {} became {}",
                render_compact(name, message),
                render_compact(name, bytes)
            ),
            Intervention::EndWith(status) => format!(
                "the TCK dropped the message {} from the user function on {path} and ended the call \
                 with gRPC status {:?}: {}",
                render_compact(name, message),
                status.code(),
                status.message()
            ),
            Intervention::Pass => String::new(),
        };
        rewrite.trace.record(LABEL, Direction::Event, text);
        intervention
    }
}

/// A case's handle on the interceptor's interventions.
#[derive(Debug, Clone)]
pub(crate) struct InterceptControl {
    pub(super) controls: Arc<Controls>,
    pub(super) trace: Trace,
}

/// Releases a call held by [`InterceptControl::hold_next_response`].
#[derive(Debug)]
pub(crate) struct Held {
    release: Option<oneshot::Sender<()>>,
    trace: Trace,
    path: String,
}

impl Held {
    /// Lets the interceptor relay the held call's answers.
    pub(crate) fn release(mut self) {
        self.trace.record(
            LABEL,
            Direction::Event,
            format!("the case releases the held {} call", self.path),
        );
        if let Some(release) = self.release.take() {
            let _ = release.send(());
        }
    }
}

impl InterceptControl {
    /// Arms `rule` for the messages from the user function on `path` calls: the first message for which
    /// it does not answer [`Intervention::Pass`] is changed as it says, and the rule is then disarmed.
    pub(crate) fn on_next_from_user_function(
        &self,
        path: &str,
        rule: impl FnMut(&Bytes) -> Intervention + Send + 'static,
    ) {
        self.trace.record(
            LABEL,
            Direction::Event,
            format!(
                "the TCK arms a change of the next fitting message from the user function on {path}"
            ),
        );
        let mut armed = self
            .controls
            .0
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        armed.rewrites.push(Rewrite {
            path: path.to_owned(),
            rule: Box::new(rule),
            trace: self.trace.clone(),
        });
    }

    /// Replaces the first message from the user function on `path` for which `rewrite` gives new bytes.
    pub(crate) fn rewrite_next_from_user_function(
        &self,
        path: &str,
        mut rewrite: impl FnMut(&Bytes) -> Option<Bytes> + Send + 'static,
    ) {
        self.on_next_from_user_function(path, move |message| {
            rewrite(message).map_or(Intervention::Pass, Intervention::Replace)
        });
    }

    /// Ends the next `path` call that the user function answers with an UNAVAILABLE status instead of
    /// relaying that answer: a simulated crash of the user function's side of that stream.
    pub(crate) fn crash_at_next_answer(&self, path: &str) {
        self.on_next_from_user_function(path, |_| {
            Intervention::EndWith(Status::unavailable(
                "the TCK ended this stream as if the user function had crashed",
            ))
        });
    }

    /// Holds the next answer the user function sends on a `path` call, whichever call it is, until the
    /// returned handle is released (or dropped); the answers after it follow it.
    pub(crate) fn hold_next_answer(&self, path: &str) -> Held {
        self.trace.record(
            LABEL,
            Direction::Event,
            format!("the TCK arms a hold on the next answer on {path}"),
        );
        self.arm_hold(path, |armed| &mut armed.answer_holds)
    }

    /// Holds every answer of the next call the proxy opens on `path` until the returned handle is
    /// released (or dropped).
    pub(crate) fn hold_next_response(&self, path: &str) -> Held {
        self.trace.record(
            LABEL,
            Direction::Event,
            format!("the TCK arms a hold on the answers of the next {path} call"),
        );
        self.arm_hold(path, |armed| &mut armed.holds)
    }

    fn arm_hold(&self, path: &str, holds: fn(&mut Armed) -> &mut Vec<Hold>) -> Held {
        let (release, released) = oneshot::channel();
        let mut armed = self
            .controls
            .0
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        holds(&mut armed).push(Hold {
            path: path.to_owned(),
            release: released,
            trace: self.trace.clone(),
        });
        Held {
            release: Some(release),
            trace: self.trace.clone(),
            path: path.to_owned(),
        }
    }
}
