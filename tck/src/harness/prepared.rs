//! A run prepared before it touches its target (the cases, the options, the reporters), and how it ends:
//! the exit code of a finished run, and the reports of a run that could not start.

use chrono::Local;

use crate::case::{Case, Mode};
use crate::error::TckError;
use crate::exit;
use crate::run::{Reporter, RunEvent, RunInfo, RunOptions, RunSummary, TargetInfo};

/// What every run needs before it touches the target.
pub(crate) struct Prepared {
    pub(crate) cases: Vec<&'static Case>,
    pub(crate) options: RunOptions,
    pub(crate) reporters: Vec<Box<dyn Reporter + Send>>,
    /// Whether a run in which every selected case was skipped is green (`--allow-empty`).
    pub(crate) allow_empty: bool,
}

impl Prepared {
    /// Writes the reports of a run that stopped before its first case because of `error` (a setup error):
    /// they say why, and hold no case. Hands the error back.
    pub(crate) fn setup_failed(
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
    pub(crate) fn exit_code(&self, summary: &RunSummary) -> Result<u8, TckError> {
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

/// A seed from the clock, for runs without `--seed`.
pub(crate) fn clock_seed() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |elapsed| elapsed.as_nanos() as u64)
}
