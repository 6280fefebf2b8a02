//! The runner: takes the selected cases one by one, gives each a context and a deadline, and tells the
//! reporters what happened. It never formats output itself.

use std::collections::BTreeSet;
use std::sync::Arc;
use std::sync::atomic::AtomicU64;
use std::time::Duration;

use chrono::Local;
use cloudstate_protocol::cloudstate::EntitySpec;
use tokio::time::Instant;
use tonic::transport::Channel;

use super::expected::ExpectedFailures;
use super::{CaseReport, ReportError, Reporter, RunEvent, RunInfo, RunSummary, TargetInfo};
use futures::future::BoxFuture;

use crate::case::{Case, CaseBody, CaseFailure, Mode, Outcome, Verdict};
use crate::sdk::SdkCx;
use crate::wire::Trace;

/// How cases run.
#[derive(Debug, Clone)]
pub struct RunOptions {
    /// The deadline of each case.
    pub case_timeout: Duration,
    /// The seed of everything random in the run.
    pub seed: u64,
    /// Cases known to fail, with reasons.
    pub expected: ExpectedFailures,
}

/// What the runner knows about a user function under test.
#[derive(Debug, Clone)]
pub struct SdkTarget {
    /// A channel to it.
    pub channel: Channel,
    /// What it announced in discovery, if it answered.
    pub spec: Option<Arc<EntitySpec>>,
    /// How reports describe it.
    pub info: TargetInfo,
}

/// Starts case bodies: gives each the context of its mode.
pub trait CaseExecutor: Send {
    /// The body of `case`, ready to run, recording into `trace` and ending by `deadline`.
    fn start(
        &mut self,
        case: &'static Case,
        trace: Trace,
        deadline: Instant,
    ) -> BoxFuture<'static, Verdict>;
}

/// Runs SDK-mode case bodies against a user function.
#[derive(Debug, Clone)]
pub struct SdkExecutor {
    channel: Channel,
    spec: Option<Arc<EntitySpec>>,
    entity_ids: Arc<AtomicU64>,
}

impl SdkExecutor {
    /// An executor for the user function behind `channel`, which announced `spec`.
    pub fn new(channel: Channel, spec: Option<Arc<EntitySpec>>) -> Self {
        SdkExecutor {
            channel,
            spec,
            entity_ids: Arc::new(AtomicU64::new(0)),
        }
    }
}

impl CaseExecutor for SdkExecutor {
    fn start(
        &mut self,
        case: &'static Case,
        trace: Trace,
        deadline: Instant,
    ) -> BoxFuture<'static, Verdict> {
        match case.body {
            CaseBody::Sdk(body) => body(SdkCx::new(
                self.channel.clone(),
                self.spec.clone(),
                trace,
                deadline,
                self.entity_ids.clone(),
            )),
            CaseBody::Proxy(_) => Box::pin(async {
                Err(CaseFailure::error(
                    "a proxy-mode case cannot run in SDK mode",
                ))
            }),
        }
    }
}

/// Watches a target process, if the TCK started one.
pub trait TargetMonitor {
    /// `Some(description)` once the target has died.
    fn exited(&mut self) -> Option<String>;
    /// The target's last output, if it is a process the TCK started.
    fn output(&self) -> Option<String>;
    /// Starts a target that has died again, and waits until it answers: `None` when this monitor does
    /// not restart targets, otherwise what happened, for the report.
    fn restart(&mut self) -> BoxFuture<'_, Option<Result<String, String>>> {
        Box::pin(async { None })
    }
}

/// How many of the target's last output lines a case that it died in shows.
const OUTPUT_LINES_SHOWN: usize = 20;

/// How long a failure that looks like a lost connection waits for a spawned target's exit to show.
const EXIT_GRACE: Duration = Duration::from_millis(200);

/// Whether a case failed the way a call to a target that just died fails.
fn lost_connection(verdict: &Verdict) -> bool {
    let Err(failure) = verdict else {
        return false;
    };
    [
        "transport error",
        "h2 protocol error",
        "connection reset",
        "broken pipe",
        "error trying to connect",
    ]
    .iter()
    .any(|sign| failure.message.to_ascii_lowercase().contains(sign))
}

/// The verdict of a case after which the target was found dead: an error with the target's last
/// output, and what restarting it gave.
async fn after_exit(verdict: Verdict, exit: String, monitor: &mut dyn TargetMonitor) -> Verdict {
    let mut message = match verdict {
        Err(failure) => format!("{exit}; {}", failure.message),
        Ok(()) => format!("{exit} during the case"),
    };
    if let Some(output) = monitor.output() {
        let lines: Vec<&str> = output.lines().collect();
        let shown = &lines[lines.len().saturating_sub(OUTPUT_LINES_SHOWN)..];
        if shown.is_empty() {
            message.push_str("\nthe target printed nothing");
        } else {
            message.push_str("\nthe target's last output:\n");
            message.push_str(&shown.join("\n"));
        }
    }
    match monitor.restart().await {
        Some(Ok(restarted)) => message = format!("{message}\n{restarted}"),
        Some(Err(problem)) => {
            message = format!("{message}\nrestarting the target failed: {problem}")
        }
        None => {}
    }
    Err(CaseFailure::error(message))
}

/// A target the TCK did not start: nothing to watch.
#[derive(Debug, Clone, Copy, Default)]
pub struct NotSpawned;

impl TargetMonitor for NotSpawned {
    fn exited(&mut self) -> Option<String> {
        None
    }
    fn output(&self) -> Option<String> {
        None
    }
}

/// Runs SDK-mode cases against a user function, in order, and reports every step.
pub async fn run_sdk(
    cases: &[&'static Case],
    target: &SdkTarget,
    options: &RunOptions,
    monitor: &mut dyn TargetMonitor,
    reporters: &mut [Box<dyn Reporter + Send>],
) -> Result<RunSummary, ReportError> {
    let served = target.spec.as_ref().map(|spec| served_services(spec));
    let mut executor = SdkExecutor::new(target.channel.clone(), target.spec.clone());
    let scope = RunScope {
        mode: Mode::Sdk,
        target: target.info.clone(),
        served,
    };
    run_cases(cases, scope, options, &mut executor, monitor, reporters).await
}

/// The names of the services a spec announces.
pub fn served_services(spec: &EntitySpec) -> BTreeSet<String> {
    spec.entities
        .iter()
        .map(|entity| entity.service_name.clone())
        .collect()
}

/// What a run certifies and what the target serves.
#[derive(Debug, Clone)]
pub struct RunScope {
    /// The mode of the run.
    pub mode: Mode,
    /// How reports describe the target.
    pub target: TargetInfo,
    /// The model services the user function serves, when known; cases needing others are skipped.
    pub served: Option<BTreeSet<String>>,
}

/// Runs cases in order with the given executor, and reports every step.
pub async fn run_cases(
    cases: &[&'static Case],
    scope: RunScope,
    options: &RunOptions,
    executor: &mut dyn CaseExecutor,
    monitor: &mut dyn TargetMonitor,
    reporters: &mut [Box<dyn Reporter + Send>],
) -> Result<RunSummary, ReportError> {
    let started = Instant::now();
    let info = RunInfo {
        tck_version: env!("CARGO_PKG_VERSION"),
        mode: scope.mode,
        target: scope.target,
        seed: options.seed,
        started_at: Local::now().fixed_offset(),
        selected: cases.len(),
    };
    emit(reporters, &RunEvent::RunStarted(info))?;
    let served = scope.served;
    let mut reports = Vec::with_capacity(cases.len());

    for (index, case) in cases.iter().enumerate() {
        if super::interrupt::requested() {
            break;
        }
        emit(
            reporters,
            &RunEvent::CaseStarted {
                info: case.info,
                index,
            },
        )?;
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
        let outcome = if !missing.is_empty() {
            Outcome::Skip {
                reason: format!("the target does not serve {}", missing.join(", ")),
            }
        } else {
            let body = executor.start(case, trace.clone(), Instant::now() + options.case_timeout);
            let verdict = tokio::select! {
                verdict = run_with_deadline(body, options.case_timeout) => verdict,
                () = super::interrupt::wait() => {
                    Err(CaseFailure::error("the run was interrupted (Ctrl-C) while this case ran"))
                }
            };
            let exit = match monitor.exited() {
                None if lost_connection(&verdict) && monitor.output().is_some() => {
                    // The process may be exiting right now: give it a moment to be seen.
                    tokio::time::sleep(EXIT_GRACE).await;
                    monitor.exited()
                }
                exit => exit,
            };
            let verdict = match exit {
                Some(exit) => after_exit(verdict, exit, monitor).await,
                None => verdict,
            };
            Outcome::from_verdict(verdict)
        };
        let report = CaseReport {
            info: case.info,
            outcome,
            duration: case_started.elapsed(),
            started_at,
            trace: trace.entries(),
            expected_failure: options.expected.reason(case.info.id).map(str::to_owned),
        };
        emit(reporters, &RunEvent::CaseFinished(Box::new(report.clone())))?;
        reports.push(report);
    }

    let summary = summarize(&reports, &options.expected, started.elapsed());
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
            Outcome::Fail(_) => summary.failed += 1,
            Outcome::Error(_) => summary.errored += 1,
            Outcome::Skip { .. } => summary.skipped += 1,
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
