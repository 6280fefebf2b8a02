//! The `reference-proxy` binary: parse the configuration, run until Ctrl-C or SIGTERM.
//!
//! Built with the feature `faults`, it also takes `--list-faults` (print the fault names and exit) and
//! `--fault NAME` (run with that deliberate deviation; see `reference_proxy::fault`).

use std::process::ExitCode;

use clap::Parser as _;
use reference_proxy::Config;

fn main() -> ExitCode {
    let config = Config::parse();
    #[cfg(feature = "faults")]
    if let Some(code) = faults(&config) {
        return code;
    }
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("reference-proxy: cannot start the async runtime: {error}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(reference_proxy::app::run(config, shutdown_signal())) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("reference-proxy: {error}");
            ExitCode::FAILURE
        }
    }
}

/// Handles `--list-faults` (the exit code to stop with) and turns on the `--fault`s.
#[cfg(feature = "faults")]
fn faults(config: &Config) -> Option<ExitCode> {
    use reference_proxy::fault::{Fault, activate};
    if config.list_faults {
        for fault in Fault::ALL {
            println!("{fault}");
        }
        return Some(ExitCode::SUCCESS);
    }
    activate(&config.faults);
    for fault in &config.faults {
        eprintln!(
            "reference-proxy: running with the fault {fault}: {}",
            fault.describe()
        );
    }
    None
}

async fn shutdown_signal() {
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
