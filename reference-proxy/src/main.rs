//! The `reference-proxy` binary: parse the configuration, run until Ctrl-C or SIGTERM.
//!
//! It logs to standard error through `tracing`, one line per event, at the level `RUST_LOG` sets (`info`
//! by default; `debug` adds every entity's start and stop, `warn` keeps only failures). `RUST_LOG` takes
//! a level, or `target=level` pairs separated by commas, e.g. `reference_proxy=debug,h2=warn`.
//!
//! Built with the feature `faults`, it also takes `--list-faults` (print the fault names and exit) and
//! `--fault NAME` (run with that deliberate deviation; see `reference_proxy::fault`), and likewise
//! `--list-variants` and `--variant NAME` for the choices the protocol leaves open.
//!
//! Exit codes: `0` stopped by Ctrl-C or SIGTERM (or `--help`), `64` bad configuration (a flag or an
//! environment variable that cannot be read), `1` a failure at start-up or while serving (the store, a
//! refused user function, the port).

use std::process::ExitCode;

use clap::Parser as _;
use reference_proxy::Config;

/// The exit code for a configuration that cannot be read (`EX_USAGE`).
const BAD_CONFIGURATION: u8 = 64;

fn main() -> ExitCode {
    let config = match Config::try_parse() {
        Ok(config) => config,
        Err(error) => {
            // `--help` and `--version` are "errors" that print to standard output and succeed.
            let _ = error.print();
            return if error.use_stderr() {
                ExitCode::from(BAD_CONFIGURATION)
            } else {
                ExitCode::SUCCESS
            };
        }
    };
    init_logging();
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
            tracing::error!("cannot start the async runtime: {error}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(reference_proxy::app::run(config, shutdown_signal())) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            tracing::error!("{error}");
            ExitCode::FAILURE
        }
    }
}

/// Handles `--list-faults` and `--list-variants` (the exit code to stop with) and turns on the
/// `--fault`s and `--variant`s.
#[cfg(feature = "faults")]
fn faults(config: &Config) -> Option<ExitCode> {
    use reference_proxy::fault::{Fault, activate};
    if config.list_faults || config.list_variants {
        let listed: &[Fault] = if config.list_faults {
            &Fault::ALL
        } else {
            &Fault::VARIANTS
        };
        // A reader that stops early (`--list-faults | head`) ends the listing, not the process.
        use std::io::Write as _;
        let mut out = std::io::stdout().lock();
        for fault in listed {
            if writeln!(out, "{:<36} {}", fault.name(), fault.describe()).is_err() {
                break;
            }
        }
        return Some(ExitCode::SUCCESS);
    }
    let active: Vec<Fault> = config
        .faults
        .iter()
        .chain(&config.variants)
        .copied()
        .collect();
    activate(&active);
    for fault in &config.faults {
        tracing::warn!(
            fault = %fault,
            "running with a deliberate fault: {}",
            fault.describe()
        );
    }
    for variant in &config.variants {
        tracing::info!(variant = %variant, "running with a variant: {}", variant.describe());
    }
    None
}

/// Logs to standard error at the level `RUST_LOG` says (`info` when it is unset or cannot be read).
fn init_logging() {
    use tracing_subscriber::filter::{LevelFilter, Targets};
    use tracing_subscriber::layer::SubscriberExt as _;
    use tracing_subscriber::util::SubscriberInitExt as _;
    let filter = std::env::var("RUST_LOG")
        .ok()
        .and_then(|value| value.parse::<Targets>().ok())
        .unwrap_or_else(|| Targets::new().with_default(LevelFilter::INFO));
    let format = tracing_subscriber::fmt::layer()
        .with_writer(std::io::stderr)
        .with_target(false);
    let _ = tracing_subscriber::registry()
        .with(format)
        .with(filter)
        .try_init();
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
