//! The runner: takes the selected cases, runs them side by side on the run's lanes (one case per lane at
//! a time), and tells the reporters what happened, always in the order of the selection whatever order
//! the cases end in. It never formats output itself.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Mutex as SyncMutex;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::Duration;

use chrono::Local;
use tokio::sync::{Mutex, RwLock, Semaphore, mpsc};
use tokio::time::Instant;

use super::RunOptions;
use super::case_run::{Ran, Shared, Watched, not_run, run_case, runs_alone};
use super::expected::ExpectedFailures;
use super::lanes::Lanes;
use super::version::version_note;
use super::{CaseReport, ReportError, Reporter, RunEvent, RunInfo, RunSummary, TargetInfo};
use crate::case::{Case, CaseSettings, ENTITIES_PER_CASE, Mode, Outcome};

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

/// A case that ended: its place in the selection and its report.
struct Finished {
    index: usize,
    report: CaseReport,
}

/// Runs `cases` on `lanes` and reports every step, in the order of `cases`.
pub(crate) async fn run_cases(
    cases: &[&'static Case],
    scope: RunScope,
    options: &RunOptions,
    lanes: Lanes<'_>,
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
    let shared = Shared {
        options,
        version: version.as_ref(),
        concurrent: lanes.len() > 1,
        gate: RwLock::new(()),
        cpu: Semaphore::new(options.cpu_jobs.max(1)),
        dead: SyncMutex::new(None),
        running: SyncMutex::new(BTreeSet::new()),
        stop: AtomicBool::new(false),
    };
    let Lanes {
        executors,
        watched_by,
        monitors,
    } = lanes;
    let monitors: Vec<Mutex<Watched<'_>>> = monitors
        .into_iter()
        .map(|monitor| {
            Mutex::new(Watched {
                monitor,
                restarts: 0,
            })
        })
        .collect();
    let order = schedule(cases, shared.concurrent);
    let next = AtomicUsize::new(0);
    let served = scope.served.as_ref();
    let (finished, mut ends) = mpsc::unbounded_channel::<Finished>();
    let lanes_done = futures::future::join_all(executors.into_iter().zip(watched_by).map(
        |(mut executor, monitor)| {
            let finished = finished.clone();
            let (shared, order, next, monitors) = (&shared, &order, &next, &monitors);
            async move {
                while let Some(&index) = order.get(next.fetch_add(1, Ordering::Relaxed)) {
                    if super::interrupt::requested() || shared.stop.load(Ordering::Relaxed) {
                        break;
                    }
                    let case = cases[index];
                    let ran = match missing_services(case, served) {
                        Some(reason) => not_run(reason),
                        None => {
                            let settings = CaseSettings {
                                seed: options.seed,
                                scenarios: options.scenarios,
                                first_entity: index as u64 * ENTITIES_PER_CASE,
                            };
                            run_case(
                                case,
                                executor.as_mut(),
                                &monitors[monitor],
                                shared,
                                settings,
                            )
                            .await
                        }
                    };
                    let report = case_report(case, ran, options);
                    if finished.send(Finished { index, report }).is_err() {
                        break;
                    }
                }
            }
        },
    ));
    drop(finished);
    let emitted = async {
        let mut reports = Vec::with_capacity(cases.len());
        let mut waiting = BTreeMap::new();
        let mut announced = false;
        let mut failed = None;
        while let Some(ended) = ends.recv().await {
            waiting.insert(ended.index, ended.report);
            // Whatever order cases end in, reporters hear of them in the order of the selection.
            while let Some(report) = waiting.remove(&reports.len()) {
                if failed.is_none() {
                    let lost = if announced { None } else { shared.dead() };
                    announced |= lost.is_some();
                    if let Err(error) = emit_case(reporters, &report, lost) {
                        shared.stop.store(true, Ordering::Relaxed);
                        failed = Some(error);
                    }
                }
                reports.push(report);
            }
        }
        // An interrupted run ends with the cases that ran, in order.
        for report in waiting.into_values() {
            if failed.is_none()
                && let Err(error) = emit_case(reporters, &report, None)
            {
                failed = Some(error);
            }
            reports.push(report);
        }
        match failed {
            Some(error) => Err(error),
            None => Ok(reports),
        }
    };
    let (_, emitted) = tokio::join!(lanes_done, emitted);
    let reports = emitted?;
    let mut summary = summarize(&reports, &options.expected, started.elapsed());
    summary.target_lost = shared.dead();
    let target_output = monitors
        .iter()
        .find_map(|watched| watched.try_lock().ok().and_then(|w| w.monitor.output()));
    emit(
        reporters,
        &RunEvent::RunFinished {
            summary: summary.clone(),
            target_output,
        },
    )?;
    Ok(summary)
}

/// The order in which the lanes take the cases: the selection's, except that side by side the cases
/// that run alone go first (each of them waits for every case running to end, and they are short), then
/// the property cases (the longest).
fn schedule(cases: &[&'static Case], concurrent: bool) -> Vec<usize> {
    let mut order: Vec<usize> = (0..cases.len()).collect();
    if concurrent {
        order.sort_by_key(|&index| {
            let case = cases[index];
            (!runs_alone(case), !case.info.id.contains(".property_"))
        });
    }
    order
}

/// Why `case` cannot run against a target that serves `served`, if it cannot.
fn missing_services(case: &Case, served: Option<&BTreeSet<String>>) -> Option<String> {
    let served = served?;
    let missing: Vec<&str> = case
        .info
        .services
        .iter()
        .copied()
        .filter(|service| !served.contains(*service))
        .collect();
    (!missing.is_empty()).then(|| format!("the target does not serve {}", missing.join(", ")))
}

/// The report of a case as it ran.
fn case_report(case: &'static Case, ran: Ran, options: &RunOptions) -> CaseReport {
    let warning =
        matches!(ran.outcome, Outcome::Fail(_)) && !options.policy.fails_run(case.info.severity());
    CaseReport {
        info: case.info,
        outcome: ran.outcome,
        duration: ran.duration,
        started_at: ran.started_at,
        trace: ran.trace.entries(),
        expected_failure: options.expected.reason(case.info.id).map(str::to_owned),
        warning,
        severity: case.info.severity(),
    }
}

/// Tells the reporters of a case: its start, its end, and (`lost`) that the target died with it.
fn emit_case(
    reporters: &mut [Box<dyn Reporter + Send>],
    report: &CaseReport,
    lost: Option<String>,
) -> Result<(), ReportError> {
    emit(reporters, &RunEvent::CaseStarted { info: report.info })?;
    emit(reporters, &RunEvent::CaseFinished(Box::new(report.clone())))?;
    if let Some(lost) = lost {
        emit(reporters, &RunEvent::TargetLost(lost))?;
    }
    Ok(())
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
