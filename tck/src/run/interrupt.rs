//! Ctrl-C during a run: the case in flight ends as an error, no further case starts, and the run finishes
//! normally, so that every report is still written.

use std::sync::OnceLock;

use tokio::sync::watch;

fn state() -> &'static watch::Sender<bool> {
    static STATE: OnceLock<watch::Sender<bool>> = OnceLock::new();
    STATE.get_or_init(|| watch::channel(false).0)
}

/// Asks the run in progress to stop after the case in flight.
pub fn request() {
    state().send_replace(true);
}

/// Whether a stop was asked for.
pub fn requested() -> bool {
    *state().borrow()
}

/// Resolves once a stop is asked for.
pub async fn wait() {
    let mut receiver = state().subscribe();
    let _ = receiver.wait_for(|stop| *stop).await;
}
