//! `cloudstate-tck bench`: measure a proxy that serves the TCK model, against a plain gRPC echo server.
//!
//! By default the reference proxy beside this binary is started in front of the built-in model service;
//! `--proxy-spawn` starts another proxy the same way, and `--proxy` measures one that is already running.
//! The table goes to stdout, progress to stderr, and the results to `--json` as well when given. The
//! command measures and reports; it does not judge, so it exits 0 whatever the numbers are.

use std::time::Duration;

use super::args::BenchArgs;
use crate::bench::proxy::ProxyUnderTest;
use crate::bench::run::{BenchConfig, run as run_bench};
use crate::error::TckError;
use crate::exit;
use crate::session::reference_proxy_command;

/// Runs the bench; returns the exit code.
pub(super) async fn run(args: BenchArgs) -> Result<u8, TckError> {
    let proxy = match (args.proxy, args.proxy_spawn) {
        (Some(address), None) => ProxyUnderTest::Running(address),
        (None, Some(command)) => ProxyUnderTest::Spawn(command),
        (None, None) => ProxyUnderTest::Spawn(reference_proxy_command("--proxy-spawn")?),
        (Some(_), Some(_)) => {
            return Err(TckError::BadArguments(
                "give --proxy HOST:PORT or --proxy-spawn CMD, not both".to_owned(),
            ));
        }
    };
    let concurrency = usize::try_from(args.concurrency)
        .map_err(|_| TckError::BadArguments("--concurrency is too large".to_owned()))?;
    let config = BenchConfig {
        proxy,
        duration: Duration::from_secs(args.duration),
        concurrency,
    };
    eprintln!(
        "cloudstate-tck bench: {concurrency} clients, {} s per run",
        args.duration
    );
    let started = std::time::Instant::now();
    let mut progress = |what: &str| {
        eprintln!("  [{:>5.1} s] {what}", started.elapsed().as_secs_f64());
    };
    let report = run_bench(&config, &mut progress).await?;
    eprintln!("  [{:>5.1} s] done", started.elapsed().as_secs_f64());
    print!("{}", report.render());
    if let Some(path) = &args.json {
        report.write_json(path)?;
    }
    Ok(exit::OK)
}
