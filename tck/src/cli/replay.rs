//! `cloudstate-tck replay`: every stream of the given transcripts becomes a case, played against a
//! user function by the ordinary runner, with its reporters, expected failures and exit codes.

use std::time::Duration;

use super::args::{CommonArgs, ReplayArgs};
use super::prepared::{clock_seed, reporters};
use super::sdk::connect_error;
use crate::case::{Case, Mode, Selection};
use crate::error::TckError;
use crate::exit;
use crate::record::ReplayPlan;
use crate::run::{
    ExpectedFailures, NotSpawned, Policy, RunOptions, RunScope, ServiceInfoReport, TargetInfo,
    run_cases,
};
use crate::session::{Discovery, check_address, connect, discover};

/// How long `--target` is retried before the TCK gives up on it.
const TARGET_CONNECT_WAIT: Duration = Duration::from_secs(10);

/// Replays the transcripts; returns the exit code.
pub(super) async fn run(args: ReplayArgs) -> Result<u8, TckError> {
    let selection = Selection::new(&args.common.select, &args.common.skip)
        .map_err(|error| TckError::BadArguments(error.to_string()))?;
    check_address(&args.target).map_err(connect_error)?;
    let registered = ReplayPlan::load(&args.files)
        .map_err(TckError::BadArguments)?
        .register();
    let cases: Vec<&'static Case> = registered
        .cases
        .iter()
        .copied()
        .filter(|case| selection.matches(case.info.id))
        .collect();
    if cases.is_empty() {
        return Err(TckError::NoCaseSelected(format!(
            "no recorded stream matches --select {:?} --skip {:?}",
            args.common.select, args.common.skip
        )));
    }
    // After registration, so that the file may name replayed streams.
    let options = options(&args.common)?;
    let mut reporters = reporters(&args.common);

    let channel = connect(&args.target, TARGET_CONNECT_WAIT)
        .await
        .map_err(connect_error)?;
    let service_info = match discover(&channel, Duration::from_secs(5)).await {
        Discovery::Answered(spec) => spec.service_info.map(|s| ServiceInfoReport {
            service_name: s.service_name,
            service_version: s.service_version,
            service_runtime: s.service_runtime,
            support_library_name: s.support_library_name,
            support_library_version: s.support_library_version,
            protocol_major_version: s.protocol_major_version,
            protocol_minor_version: s.protocol_minor_version,
        }),
        Discovery::NoAnswer(_) => None,
    };
    let scope = RunScope {
        mode: Mode::Sdk,
        target: TargetInfo {
            address: args.target.clone(),
            spawned: None,
            service_info,
        },
        served: None,
    };
    let mut executor = registered.executor(channel);
    let summary = run_cases(
        &cases,
        scope,
        &options,
        &mut executor,
        &mut NotSpawned,
        &mut reporters,
    )
    .await?;
    Ok(if summary.is_success() {
        exit::OK
    } else {
        exit::CONFORMANCE_FAILURES
    })
}

fn options(common: &CommonArgs) -> Result<RunOptions, TckError> {
    let expected = match &common.expected_failures {
        Some(path) => ExpectedFailures::load(path)
            .map_err(|error| TckError::BadArguments(error.to_string()))?,
        None => ExpectedFailures::default(),
    };
    Ok(RunOptions {
        case_timeout: Duration::from_millis(common.timeout_ms),
        seed: common.seed.unwrap_or_else(clock_seed),
        expected,
        close_timeout: Duration::from_millis(common.close_timeout_ms),
        policy: Policy {
            strict: common.strict,
            protocol_only: common.protocol_only,
        },
    })
}
