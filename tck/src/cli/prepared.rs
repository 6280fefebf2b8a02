//! Preparing a run from the common options: the cases selected, the expected failures, the seed and the
//! reporters.

use std::io::IsTerminal as _;
use std::time::Duration;

use super::args::CommonArgs;
use crate::case::{Case, Mode, Selection};
use crate::cases::all_cases;
use crate::error::TckError;
pub(super) use crate::harness::Prepared;
use crate::harness::clock_seed;
use crate::report::{ConsoleReporter, Recorder};
use crate::run::{ExpectedFailures, Policy, Reporter, RunOptions};

/// The `--select` and `--skip` patterns of the common options.
pub(super) fn selection(common: &CommonArgs) -> Result<Selection, TckError> {
    Selection::new(&common.select, &common.skip)
        .map_err(|error| TckError::BadArguments(error.to_string()))
}

/// The registered cases of `modes` that the common options select, their expected failures, options and
/// reporters.
pub(super) fn prepare(common: &CommonArgs, modes: &[Mode]) -> Result<Prepared, TckError> {
    let selection = selection(common)?;
    let all = all_cases();
    let cases: Vec<_> = modes
        .iter()
        .flat_map(|mode| selection.apply(&all, *mode))
        .collect();
    if cases.is_empty() {
        let modes: Vec<&str> = modes.iter().map(|mode| mode.as_str()).collect();
        return Err(TckError::NoCaseSelected(format!(
            "no {}-mode case matches --select {:?} --skip {:?}",
            modes.join("/"),
            common.select,
            common.skip
        )));
    }
    prepare_cases(common, cases, &all)
}

/// `cases`, with the expected failures, options and reporters of the common options. The
/// expected-failures file may name any case of `known`, the cases this run could run.
pub(super) fn prepare_cases(
    common: &CommonArgs,
    cases: Vec<&'static Case>,
    known: &[&'static Case],
) -> Result<Prepared, TckError> {
    let expected = match &common.expected_failures {
        Some(path) => ExpectedFailures::load(path, known)
            .map_err(|error| TckError::BadArguments(error.to_string()))?,
        None => ExpectedFailures::default(),
    };
    let seed = common.seed.unwrap_or_else(clock_seed);
    let options = RunOptions {
        case_timeout: Duration::from_millis(common.timeout_ms),
        seed,
        scenarios: common.scenarios,
        expected,
        close_timeout: Duration::from_millis(common.close_timeout_ms),
        policy: Policy {
            strict: common.strict,
            protocol_only: common.protocol_only,
        },
        jobs: usize::try_from(common.jobs).unwrap_or(1),
        cpu_jobs: crate::run::default_cpu_jobs(),
    };
    let reporters = reporters(common);
    Ok(Prepared {
        cases,
        options,
        reporters,
        allow_empty: common.allow_empty,
    })
}

/// The console, and a recorder writing the report files the options ask for.
fn reporters(common: &CommonArgs) -> Vec<Box<dyn Reporter + Send>> {
    let mut recorder = Recorder::new().retention(common.trace);
    if let Some(path) = &common.junit {
        recorder = recorder.junit(path);
    }
    if let Some(path) = &common.json {
        recorder = recorder.json(path);
    }
    if let Some(path) = &common.html {
        recorder = recorder.html(path);
    }
    let console = ConsoleReporter::stdout().with_progress(std::io::stdout().is_terminal());
    let mut reporters: Vec<Box<dyn Reporter + Send>> = vec![Box::new(console)];
    if !recorder.is_empty() {
        reporters.push(Box::new(recorder));
    }
    reporters
}
