//! Whether the user function still answers: the proxy's readiness.
//!
//! A user function that is stopped (not dead: its port still accepts connections) leaves every call
//! waiting. The proxy notices it from the calls themselves: while at least one call waits for the user
//! function, and nothing has come back from it for [`Health::unresponsive_after`], the user function
//! counts as unresponsive and `/ready` answers 503, so that a load balancer sends clients elsewhere. The
//! first answer makes it ready again. No call of its own is made: a probe would show up in every trace.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use tokio::time::Instant;

/// How long the user function may leave a waiting call without any answer before the proxy reports
/// itself not ready, when nothing else is configured.
pub const DEFAULT_UNRESPONSIVE_AFTER: Duration = Duration::from_secs(10);

/// The calls waiting for the user function, and when it last answered one.
#[derive(Debug, Clone)]
pub struct Health {
    unresponsive_after: Duration,
    state: Arc<Mutex<State>>,
}

#[derive(Debug)]
struct State {
    next: u64,
    /// Each waiting call, by number, with when it started waiting.
    waiting: BTreeMap<u64, Instant>,
    last_answer: Instant,
}

impl Default for Health {
    fn default() -> Self {
        Health::new(DEFAULT_UNRESPONSIVE_AFTER)
    }
}

impl Health {
    /// A health record that calls the user function unresponsive after `unresponsive_after` of silence.
    pub fn new(unresponsive_after: Duration) -> Self {
        Health {
            unresponsive_after,
            state: Arc::new(Mutex::new(State {
                next: 0,
                waiting: BTreeMap::new(),
                last_answer: Instant::now(),
            })),
        }
    }

    /// How long the user function may be silent while a call waits.
    pub fn unresponsive_after(&self) -> Duration {
        self.unresponsive_after
    }

    fn state(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Records a call that now waits for the user function; it stops waiting when the guard is dropped,
    /// and counts as answered with [`Waiting::answered`].
    pub fn waiting(&self) -> Waiting {
        let mut state = self.state();
        let id = state.next;
        state.next += 1;
        state.waiting.insert(id, Instant::now());
        Waiting {
            health: self.clone(),
            id,
        }
    }

    /// The user function sent something: it is not silent.
    pub fn heard(&self) {
        self.state().last_answer = Instant::now();
    }

    /// How long the user function has left a waiting call without any answer, if longer than allowed.
    pub fn silent_for(&self) -> Option<Duration> {
        let state = self.state();
        let oldest = *state.waiting.values().next()?;
        let silent = Instant::now().saturating_duration_since(oldest.max(state.last_answer));
        (silent > self.unresponsive_after).then_some(silent)
    }
}

/// One call waiting for the user function.
#[derive(Debug)]
pub struct Waiting {
    health: Health,
    id: u64,
}

impl Waiting {
    /// The user function answered the call.
    pub fn answered(self) {
        self.health.heard();
    }
}

impl Drop for Waiting {
    fn drop(&mut self) {
        self.health.state().waiting.remove(&self.id);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn a_call_left_without_answer_makes_the_user_function_unresponsive() {
        let health = Health::new(Duration::from_secs(5));
        assert_eq!(health.silent_for(), None);
        let stuck = health.waiting();
        tokio::time::advance(Duration::from_secs(4)).await;
        assert_eq!(health.silent_for(), None);
        // Another call answered in between: the user function is alive, the first call just slow.
        health.waiting().answered();
        tokio::time::advance(Duration::from_secs(4)).await;
        assert_eq!(health.silent_for(), None);
        tokio::time::advance(Duration::from_secs(2)).await;
        assert!(health.silent_for().is_some());
        stuck.answered();
        assert_eq!(health.silent_for(), None, "nothing waits any more");
        let _idle = health.waiting();
        assert_eq!(health.silent_for(), None, "a new call waits from now");
    }
}
