//! `cloudstate-tck sdk`: certify a user function, already running or started by the TCK.

use std::time::Duration;

use super::args::SdkArgs;
use super::prepared::prepare;
use crate::case::Mode;
use crate::error::TckError;
use crate::harness::{SdkTargetOptions, run_sdk_suite};

/// Runs the SDK suite; returns the exit code.
pub(super) async fn run(args: SdkArgs) -> Result<u8, TckError> {
    let prepared = prepare(&args.common, &[Mode::Sdk])?;
    let target = SdkTargetOptions {
        target: args.target,
        spawn: args.spawn,
        spawn_port: args.spawn_port,
        spawn_timeout: Duration::from_millis(args.spawn_timeout_ms),
    };
    run_sdk_suite(&target, prepared).await
}
