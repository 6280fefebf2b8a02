//! `cloudstate-tck bench`: measure a proxy that serves the TCK model, against a plain gRPC echo server.
//!
//! By default the reference proxy beside this binary is started in front of the built-in model service;
//! `--proxy-spawn` starts another proxy the same way, and `--proxy` measures one that is already running.

use std::time::Duration;

use super::args::BenchArgs;
use crate::bench::proxy::ProxyUnderTest;
use crate::bench::run::BenchConfig;
use crate::error::TckError;
use crate::harness::run_bench;
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
    run_bench(&config, args.json.as_deref()).await
}
