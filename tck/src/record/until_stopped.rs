//! Recording until told to stop: the recorder on `listen`, relaying to `upstream`, until Ctrl-C, SIGTERM
//! or the time limit; then the transcript is written.

use std::path::Path;
use std::time::Duration;

use tokio::net::TcpListener;
use tokio::signal::unix::{SignalKind, signal};

use super::Recorder;
use crate::error::TckError;
use crate::stdout::outln;

/// Records on `listen`, relaying to `upstream`, until Ctrl-C, SIGTERM or `limit`, then writes the
/// transcript to `out`.
pub(crate) async fn record_until_stopped(
    listen: &str,
    upstream: &str,
    limit: Option<Duration>,
    out: &Path,
) -> Result<(), TckError> {
    // The handlers exist before the recorder is announced, so that a stop right after is not lost.
    let setup = |error: std::io::Error| TckError::Setup(format!("cannot watch signals: {error}"));
    let mut terminate = signal(SignalKind::terminate()).map_err(setup)?;
    let mut interrupt = signal(SignalKind::interrupt()).map_err(setup)?;
    let listener = TcpListener::bind(listen)
        .await
        .map_err(|error| TckError::Setup(format!("cannot bind {listen}: {error}")))?;
    let recorder = Recorder::start(listener, upstream).map_err(TckError::Setup)?;
    outln!(
        "cloudstate-tck {}: recording on {}, relaying to {}; stop with Ctrl-C or SIGTERM",
        env!("CARGO_PKG_VERSION"),
        recorder.address(),
        upstream
    );
    let elapsed = async {
        match limit {
            Some(limit) => tokio::time::sleep(limit).await,
            None => std::future::pending::<()>().await,
        }
    };
    tokio::select! {
        _ = terminate.recv() => {}
        _ = interrupt.recv() => {}
        () = elapsed => {}
    }
    let transcript = recorder.finish().await;
    transcript.save(out).map_err(TckError::Setup)?;
    outln!(
        "wrote {} streams to {}",
        transcript.streams.len(),
        out.display()
    );
    Ok(())
}
