//! `cloudstate-tck record`: a transparent man in the middle between a proxy and its user function,
//! writing every call it relays to a transcript when it stops.

use std::time::Duration;

use tokio::net::TcpListener;
use tokio::signal::unix::{SignalKind, signal};

use super::args::RecordArgs;
use super::sdk::connect_error;
use crate::error::TckError;
use crate::exit;
use crate::record::Recorder;
use crate::session::check_address;

/// Records until Ctrl-C, SIGTERM or the end of `--duration`, then writes the transcript.
pub(super) async fn run(args: RecordArgs) -> Result<u8, TckError> {
    check_address(&args.listen).map_err(connect_error)?;
    check_address(&args.upstream).map_err(connect_error)?;
    let limit = match args.duration {
        Some(seconds) if seconds.is_finite() && seconds > 0.0 => {
            Some(Duration::from_secs_f64(seconds))
        }
        Some(seconds) => {
            return Err(TckError::BadArguments(format!(
                "--duration must be a positive number of seconds, not {seconds}"
            )));
        }
        None => None,
    };
    // The handlers exist before the recorder is announced, so that a stop right after is not lost.
    let setup = |error: std::io::Error| TckError::Setup(format!("cannot watch signals: {error}"));
    let mut terminate = signal(SignalKind::terminate()).map_err(setup)?;
    let mut interrupt = signal(SignalKind::interrupt()).map_err(setup)?;
    let listener = TcpListener::bind(&args.listen)
        .await
        .map_err(|error| TckError::Setup(format!("cannot bind {}: {error}", args.listen)))?;
    let recorder = Recorder::start(listener, &args.upstream).map_err(TckError::Setup)?;
    println!(
        "cloudstate-tck {}: recording on {}, relaying to {}; stop with Ctrl-C or SIGTERM",
        env!("CARGO_PKG_VERSION"),
        recorder.address(),
        args.upstream
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
    transcript.save(&args.out).map_err(TckError::Setup)?;
    println!(
        "wrote {} streams to {}",
        transcript.streams.len(),
        args.out.display()
    );
    Ok(exit::OK)
}
