//! The runner: takes the selected cases one by one, gives each a context and a deadline, and tells the
//! reporters what happened. It never formats output itself.

use std::collections::BTreeSet;
use std::time::Duration;

use chrono::Local;
use tokio::time::Instant;

use super::RunOptions;
use super::executor::CaseExecutor;
use super::expected::ExpectedFailures;
use super::{CaseReport, ReportError, Reporter, RunEvent, RunInfo, RunSummary, TargetInfo};

use super::monitor::{TargetMonitor, died_during, lost_connection};
use super::version::{VersionNote, version_note};
use crate::case::{Case, CaseFailure, CaseSettings, Mode, Outcome, Verdict};
use crate::wire::Trace;

/// How long a failure that looks like a lost connection waits for a spawned target's exit to show.
const EXIT_GRACE: Duration = Duration::from_millis(200);

/// What a run certifies and what the target serves.
#[derive(Debug, Clone)]
pub(crate) struct RunScope {
    /// The mode of the run.
    pub mode: Mode,
    /// How reports describe the target.
    pub target: TargetInfo,
    /// The model services the user function serves, when known; cases needing others are skipped.
    pub served: Option<BTreeSet<String>>,
}

/// Runs cases in order with the given executor, and reports every step.
pub(crate) async fn run_cases(
    cases: &[&'static Case],
    scope: RunScope,
    options: &RunOptions,
    executor: &mut dyn CaseExecutor,
    monitor: &mut dyn TargetMonitor,
    reporters: &mut [Box<dyn Reporter + Send>],
) -> Result<RunSummary, ReportError> {
    let started = Instant::now();
    let version =
        scope.target.service_info.as_ref().and_then(|info| {
            version_note(info.protocol_major_version, info.protocol_minor_version)
        });
    let info = RunInfo {
        tck_version: env!("CARGO_PKG_VERSION"),
        mode: scope.mode,
        target: scope.target,
        seed: options.seed,
        started_at: Local::now().fixed_offset(),
        selected: cases.len(),
        protocol_note: version.as_ref().map(|note| note.text.clone()),
    };
    emit(reporters, &RunEvent::RunStarted(info))?;
    let served = scope.served;
    let mut reports = Vec::with_capacity(cases.len());
    // Once a target the TCK cannot restart has died, the remaining cases are not run.
    let mut dead: Option<String> = None;
    let mut announced = false;

    for case in cases {
        if super::interrupt::requested() {
            break;
        }
        emit(reporters, &RunEvent::CaseStarted { info: case.info })?;
        let case_started = Instant::now();
        let started_at = Local::now().fixed_offset();
        let trace = Trace::new();
        let missing: Vec<&str> = match &served {
            Some(served) => case
                .info
                .services
                .iter()
                .copied()
                .filter(|s| !served.contains(*s))
                .collect(),
            None => Vec::new(),
        };
        let outcome = if let Some(death) = &dead {
            Outcome::Skip {
                reason: format!("not run: {death}"),
            }
        } else if !missing.is_empty() {
            Outcome::Skip {
                reason: format!("the target does not serve {}", missing.join(", ")),
            }
        } else {
            let settings = CaseSettings {
                seed: options.seed,
                scenarios: options.scenarios,
            };
            let deadline = Instant::now() + options.case_timeout;
            let body = executor.start(case, trace.clone(), deadline, settings);
            let verdict = tokio::select! {
                verdict = run_with_deadline(body, options.case_timeout) => verdict,
                () = super::interrupt::wait() => {
                    Err(CaseFailure::error("the run was interrupted (Ctrl-C) while this case ran"))
                }
            };
            let verdict = watch(verdict, case, monitor, &mut dead).await;
            Outcome::from_verdict(with_version_note(verdict, case, version.as_ref()))
        };
        let warning =
            matches!(outcome, Outcome::Fail(_)) && !options.policy.fails_run(case.info.severity());
        let report = CaseReport {
            info: case.info,
            outcome,
            duration: case_started.elapsed(),
            started_at,
            trace: trace.entries(),
            expected_failure: options.expected.reason(case.info.id).map(str::to_owned),
            warning,
            severity: case.info.severity(),
        };
        emit(reporters, &RunEvent::CaseFinished(Box::new(report.clone())))?;
        reports.push(report);
        if let Some(death) = &dead
            && !announced
        {
            announced = true;
            emit(reporters, &RunEvent::TargetLost(death.clone()))?;
        }
    }

    let mut summary = summarize(&reports, &options.expected, started.elapsed());
    summary.target_lost = dead;
    let target_output = monitor.output();
    emit(
        reporters,
        &RunEvent::RunFinished {
            summary: summary.clone(),
            target_output,
        },
    )?;
    Ok(summary)
}

/// The verdict of a case, seen against the target's health: a spawned target that exited during the case
/// failed it and is started again; a running target that is gone failed it, and `dead` says why for the
/// cases after it.
async fn watch(
    verdict: Verdict,
    case: &Case,
    monitor: &mut dyn TargetMonitor,
    dead: &mut Option<String>,
) -> Verdict {
    let lost = lost_connection(&verdict);
    let exit = match monitor.exited() {
        None if lost && monitor.output().is_some() => {
            // The process may be exiting right now: give it a moment to be seen.
            tokio::time::sleep(EXIT_GRACE).await;
            monitor.exited()
        }
        exit => exit,
    };
    if let Some(exit) = exit {
        let mut failure = died_during(verdict, &exit, monitor.output());
        match monitor.restart().await {
            Some(Ok(restarted)) => failure.message = format!("{}\n{restarted}", failure.message),
            Some(Err(problem)) => {
                failure.message = format!(
                    "{}\nrestarting the target failed: {problem}",
                    failure.message
                );
                *dead = Some(format!(
                    "the target died during {} and did not restart",
                    case.info.id
                ));
            }
            None => *dead = Some(format!("the target died during {}", case.info.id)),
        }
        return Err(failure);
    }
    if lost && let Some(gone) = monitor.gone().await {
        *dead = Some(format!("{gone} (since {})", case.info.id));
        return Err(died_during(verdict, &gone, None));
    }
    verdict
}

/// A failure that may follow from the protocol version the target announced says so.
fn with_version_note(verdict: Verdict, case: &Case, note: Option<&VersionNote>) -> Verdict {
    match (verdict, note) {
        (Err(mut failure), Some(note)) if note.applies_to(case.info.requirements) => {
            failure.message = format!("{}\n{}", failure.message, note.short);
            Err(failure)
        }
        (verdict, _) => verdict,
    }
}

/// Runs a case body in its own task, so that a panic or a hang in one case cannot take the run down.
async fn run_with_deadline(
    body: futures::future::BoxFuture<'static, Verdict>,
    deadline: Duration,
) -> Verdict {
    // Waits inside a case end at the deadline themselves; the grace covers bodies that wait elsewhere.
    let mut task = tokio::spawn(body);
    match tokio::time::timeout(deadline + Duration::from_millis(250), &mut task).await {
        Ok(Ok(verdict)) => verdict,
        Ok(Err(join_error)) => Err(CaseFailure::error(format!(
            "the case itself crashed (a TCK bug): {join_error}"
        ))),
        Err(_) => {
            task.abort();
            Err(CaseFailure::fail(format!(
                "the case did not finish within its deadline of {} ms",
                deadline.as_millis()
            )))
        }
    }
}

fn summarize(
    reports: &[CaseReport],
    expected: &ExpectedFailures,
    duration: Duration,
) -> RunSummary {
    let mut summary = RunSummary {
        duration,
        ..RunSummary::default()
    };
    for report in reports {
        match report.outcome {
            Outcome::Pass => summary.passed += 1,
            Outcome::Fail(_) if report.warning => summary.warnings += 1,
            Outcome::Fail(_) => summary.failed += 1,
            Outcome::Error(_) => summary.errored += 1,
            Outcome::Skip { ref reason } => {
                summary.skipped += 1;
                if !summary.skip_reasons.contains(reason) {
                    summary.skip_reasons.push(reason.clone());
                }
            }
        }
        if report.is_unexpected() {
            let id = report.info.id.to_owned();
            if report.outcome.is_failure() {
                summary.unexpected_failures.push(id);
            } else {
                summary.unexpected_passes.push(id);
            }
        }
    }
    let ran: BTreeSet<&str> = reports
        .iter()
        .filter(|r| !matches!(r.outcome, Outcome::Skip { .. }))
        .map(|r| r.info.id)
        .collect();
    summary.expected_but_not_run = expected
        .ids()
        .filter(|id| !ran.contains(id))
        .map(str::to_owned)
        .collect();
    summary
}

fn emit(reporters: &mut [Box<dyn Reporter + Send>], event: &RunEvent) -> Result<(), ReportError> {
    for reporter in reporters.iter_mut() {
        reporter.handle(event)?;
    }
    Ok(())
}
