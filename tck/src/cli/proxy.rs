//! `cloudstate-tck proxy`: certify a proxy, with the built-in model or a user function of its own
//! behind it.

use std::time::Duration;

use super::args::ProxyArgs;
use super::prepared::prepare;
use crate::case::Mode;
use crate::error::TckError;
use crate::harness::{ProxyRunOptions, run_proxy_suite};

/// Runs the proxy suite; returns the exit code.
pub(super) async fn run(args: ProxyArgs) -> Result<u8, TckError> {
    let prepared = prepare(&args.common, &[Mode::Proxy])?;
    let options = ProxyRunOptions {
        target: args.target,
        spawn: args.spawn,
        durable: args.durable,
        user_function: args.user_function,
        model_headers: args.model_headers,
        intercept_port: args.intercept_port,
        spawn_timeout: Duration::from_millis(args.spawn_timeout_ms),
        relay_timeout: args.relay_timeout_ms.map(Duration::from_millis),
    };
    run_proxy_suite(&options, prepared).await
}
