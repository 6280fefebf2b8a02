//! Ctrl-C during a run: the case in flight ends as an error, no further case starts, and the run finishes
//! normally, so that every report is still written.

use std::sync::OnceLock;

use tokio::sync::watch;

fn state() -> &'static watch::Sender<bool> {
    static STATE: OnceLock<watch::Sender<bool>> = OnceLock::new();
    STATE.get_or_init(|| watch::channel(false).0)
}

/// Asks the run in progress to stop after the case in flight.
pub(crate) fn request() {
    state().send_replace(true);
}

/// Whether a stop was asked for.
pub(crate) fn requested() -> bool {
    *state().borrow()
}

/// Resolves once a stop is asked for.
pub(crate) async fn wait() {
    let mut receiver = state().subscribe();
    let _ = receiver.wait_for(|stop| *stop).await;
}

/// Resolves on Ctrl-C or SIGTERM.
pub(crate) async fn shutdown_signal() {
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    tokio::select! {
        _ = tokio::signal::ctrl_c() => {}
        () = terminate => {}
    }
}

/// Runs a command whose reports matter: on Ctrl-C or SIGTERM the case in flight ends as an error, no other
/// case starts, the reports are written, and the exit code is 130. If the command has not finished ten
/// seconds later (it was still setting up, say), it is dropped, which stops what it spawned.
pub(crate) async fn with_interrupt(
    command: impl std::future::Future<Output = Result<u8, crate::error::TckError>>,
) -> Result<u8, crate::error::TckError> {
    let fallback = async {
        shutdown_signal().await;
        eprintln!("interrupted: finishing the case in flight and writing the reports");
        request();
        tokio::time::sleep(std::time::Duration::from_secs(10)).await;
    };
    tokio::select! {
        result = command => {
            if requested() { result.map(|_| 130) } else { result }
        }
        () = fallback => interrupted(),
    }
}

/// What a command that was stopped before it finished returns: exit code 130, with a note.
pub(crate) fn interrupted() -> Result<u8, crate::error::TckError> {
    eprintln!("interrupted: the target was stopped; reports were not finished");
    Ok(130)
}
