//! What every run prepares before it touches its target (the cases, the options, the reporters), and how
//! it ends: the exit code of a finished run, and the reports of a run that could not start.

use std::io::IsTerminal as _;
use std::time::Duration;

use chrono::Local;

use super::args::CommonArgs;
use crate::case::{Mode, Selection, all_cases};
use crate::error::TckError;
use crate::exit;
use crate::report::{ConsoleReporter, Recorder};
use crate::run::{
    ExpectedFailures, Policy, Reporter, RunEvent, RunInfo, RunOptions, RunSummary, TargetInfo,
};

/// What every run needs before it touches the target.
pub(super) struct Prepared {
    pub(super) cases: Vec<&'static crate::case::Case>,
    pub(super) options: RunOptions,
    pub(super) reporters: Vec<Box<dyn Reporter + Send>>,
    /// Whether a run in which every selected case was skipped is green (`--allow-empty`).
    pub(super) allow_empty: bool,
}

impl Prepared {
    /// Writes the reports of a run that stopped before its first case because of `error` (a setup error):
    /// they say why, and hold no case. Hands the error back.
    pub(super) fn setup_failed(
        &mut self,
        mode: Mode,
        target: TargetInfo,
        error: TckError,
    ) -> TckError {
        let TckError::Setup(reason) = &error else {
            return error;
        };
        let info = RunInfo {
            tck_version: env!("CARGO_PKG_VERSION"),
            mode,
            target,
            seed: self.options.seed,
            started_at: Local::now().fixed_offset(),
            selected: self.cases.len(),
            protocol_note: None,
        };
        let summary = RunSummary {
            setup_error: Some(reason.clone()),
            ..RunSummary::default()
        };
        let events = [
            RunEvent::RunStarted(info),
            RunEvent::RunFinished {
                summary,
                target_output: None,
            },
        ];
        for reporter in &mut self.reporters {
            for event in &events {
                if let Err(report_error) = reporter.handle(event) {
                    eprintln!("warning: {report_error}");
                }
            }
        }
        error
    }

    /// The exit code of a finished run: 100 unless every outcome was as expected, and 4 (an error that
    /// says why) when no selected case ran at all, unless `--allow-empty` was given.
    pub(super) fn exit_code(&self, summary: &RunSummary) -> Result<u8, TckError> {
        if !summary.is_success() {
            return Ok(exit::CONFORMANCE_FAILURES);
        }
        if summary.ran() == 0 && summary.skipped > 0 && !self.allow_empty {
            let mut why = summary.skip_reasons.first().cloned().unwrap_or_default();
            if summary.skip_reasons.len() > 1 {
                why.push_str(&format!(
                    " (and {} other reasons)",
                    summary.skip_reasons.len() - 1
                ));
            }
            return Err(TckError::EmptyRun(format!(
                "no selected case ran: all {} were skipped; {why}. Pass --allow-empty to accept a run \
                 without cases",
                summary.skipped
            )));
        }
        Ok(exit::OK)
    }
}

/// Selection, expected failures and reporters, from the common options.
pub(super) fn prepare(common: &CommonArgs, modes: &[Mode]) -> Result<Prepared, TckError> {
    let selection = Selection::new(&common.select, &common.skip)
        .map_err(|error| TckError::BadArguments(error.to_string()))?;
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
    let expected = match &common.expected_failures {
        Some(path) => ExpectedFailures::load(path)
            .map_err(|error| TckError::BadArguments(error.to_string()))?,
        None => ExpectedFailures::default(),
    };
    let seed = common.seed.unwrap_or_else(clock_seed);
    crate::property::configure(seed, common.scenarios);
    let options = RunOptions {
        case_timeout: Duration::from_millis(common.timeout_ms),
        seed,
        expected,
        close_timeout: Duration::from_millis(common.close_timeout_ms),
        policy: Policy {
            strict: common.strict,
            protocol_only: common.protocol_only,
        },
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
pub(super) fn reporters(common: &CommonArgs) -> Vec<Box<dyn Reporter + Send>> {
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

/// A seed from the clock, for runs without `--seed`.
pub(super) fn clock_seed() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |elapsed| elapsed.as_nanos() as u64)
}
