//! How long the TCK waits for a call to end once nothing else is expected on it: the run's close timeout
//! (`--close-timeout-ms`), cut short once the target has shown that it does not end its calls (it left
//! the last ones in a row open), so that such a target costs a run seconds, not a minute. A call the
//! target ends in time restores the full wait: under load, or with many cases side by side, a
//! conforming target may be slow once.

use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

/// The close wait when none is given.
pub(crate) const DEFAULT_CLOSE_WAIT: Duration = Duration::from_millis(1_000);

/// After this many calls in a row that the target did not end in time, the wait is cut short until it
/// ends one in time: a conforming target ends a call within milliseconds, so the short wait is still
/// ample.
const MISSES_BEFORE_SHORT: u32 = 2;

/// The short wait for a target that does not end its calls.
const SHORT_WAIT: Duration = Duration::from_millis(100);

/// The close wait of a run, shared by its cases; cheap to clone.
#[derive(Debug, Clone)]
pub(crate) struct CloseWait {
    wait: Duration,
    misses: Arc<AtomicU32>,
}

impl Default for CloseWait {
    fn default() -> Self {
        CloseWait::new(DEFAULT_CLOSE_WAIT)
    }
}

impl CloseWait {
    /// A close wait of `wait`, for one run.
    pub(crate) fn new(wait: Duration) -> Self {
        CloseWait {
            wait,
            misses: Arc::default(),
        }
    }

    /// How long to wait now: the full wait, or [`SHORT_WAIT`] once the target has not ended
    /// [`MISSES_BEFORE_SHORT`] calls in time.
    pub(crate) fn current(&self) -> Duration {
        if self.misses.load(Ordering::Relaxed) >= MISSES_BEFORE_SHORT {
            SHORT_WAIT.min(self.wait)
        } else {
            self.wait
        }
    }

    /// Why the wait was short, for the failure message; empty when it was not.
    pub(crate) fn note(&self) -> String {
        let misses = self.misses.load(Ordering::Relaxed);
        if misses >= MISSES_BEFORE_SHORT {
            format!(
                "; the target had not ended {misses} earlier calls within {} ms either, so the TCK \
                 waited only {} ms here",
                self.wait.as_millis(),
                self.current().as_millis()
            )
        } else {
            String::new()
        }
    }

    /// The target did not end a call in time.
    pub(crate) fn missed(&self) {
        self.misses.fetch_add(1, Ordering::Relaxed);
    }

    /// The target answered in time where a call should end: the full wait again.
    pub(crate) fn answered(&self) {
        self.misses.store(0, Ordering::Relaxed);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_wait_is_cut_short_after_two_misses() {
        let close = CloseWait::new(Duration::from_millis(800));
        let shared = close.clone();
        assert_eq!(close.current(), Duration::from_millis(800));
        for _ in 0..MISSES_BEFORE_SHORT {
            assert!(close.note().is_empty());
            shared.missed();
        }
        assert_eq!(close.current(), SHORT_WAIT);
        assert!(close.note().contains("2 earlier calls"), "{}", close.note());
        shared.answered();
        assert_eq!(close.current(), Duration::from_millis(800));
        assert!(close.note().is_empty());
    }
}
