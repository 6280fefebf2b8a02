//! Replay runs: the streams of recorded transcripts, each a case, played against a running user function
//! by the ordinary runner.

use std::time::Duration;

use super::{Prepared, connect_error};
use crate::case::Mode;
use crate::error::TckError;
use crate::exit;
use crate::record::ReplayCases;
use crate::run::{Lanes, NotSpawned, RunScope, ServiceInfoReport, TargetInfo, run_cases};
use crate::session::{Discovery, connect, discover};

/// How long the target is retried before the TCK gives up on it.
const TARGET_CONNECT_WAIT: Duration = Duration::from_secs(10);

/// Plays the prepared replay cases of `replay` against the user function at `target`; returns the
/// exit code.
pub(crate) async fn run_replay(
    target: &str,
    replay: &ReplayCases,
    mut prepared: Prepared,
) -> Result<u8, TckError> {
    let channel = connect(target, TARGET_CONNECT_WAIT)
        .await
        .map_err(connect_error)?;
    let service_info = match discover(&channel, Duration::from_secs(5)).await {
        Discovery::Answered(spec) => spec.service_info.as_ref().map(ServiceInfoReport::from),
        Discovery::NoAnswer(_) => None,
    };
    let scope = RunScope {
        mode: Mode::Sdk,
        target: TargetInfo {
            address: target.to_owned(),
            spawned: None,
            service_info,
        },
        served: None,
    };
    let executor = replay.executor(channel);
    let mut not_spawned = NotSpawned;
    let lanes = Lanes::shared(executor, &mut not_spawned, prepared.options.jobs);
    let summary = run_cases(
        &prepared.cases,
        scope,
        &prepared.options,
        lanes,
        &mut prepared.reporters,
    )
    .await?;
    Ok(if summary.is_success() {
        exit::OK
    } else {
        exit::CONFORMANCE_FAILURES
    })
}
