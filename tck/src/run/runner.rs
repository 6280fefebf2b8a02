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

/// Watches a target process, if the TCK started one.
pub trait TargetMonitor {
    /// `Some(description)` once the target has died.
    fn exited(&mut self) -> Option<String>;
    /// The target's last output, if it is a process the TCK started.
    fn output(&self) -> Option<String>;
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
    let started = Instant::now();
    let info = RunInfo {
        tck_version: env!("CARGO_PKG_VERSION"),
        mode: Mode::Sdk,
        target: target.info.clone(),
        seed: options.seed,
        started_at: Local::now().fixed_offset(),
        selected: cases.len(),
    };
    emit(reporters, &RunEvent::RunStarted(info))?;
    let served: Option<BTreeSet<&str>> = target.spec.as_ref().map(|spec| {
        spec.entities
            .iter()
            .map(|e| e.service_name.as_str())
            .collect()
    });
    let entity_ids = Arc::new(AtomicU64::new(0));
    let mut reports = Vec::with_capacity(cases.len());

    for (index, case) in cases.iter().enumerate() {
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
                .filter(|s| !served.contains(s))
                .collect(),
            None => Vec::new(),
        };
        let outcome = if !missing.is_empty() {
            Outcome::Skip {
                reason: format!("the target does not serve {}", missing.join(", ")),
            }
        } else {
            let CaseBody::Sdk(body) = case.body;
            let cx = SdkCx::new(
                target.channel.clone(),
                target.spec.clone(),
                trace.clone(),
                Instant::now() + options.case_timeout,
                entity_ids.clone(),
            );
            let verdict = run_with_deadline(body(cx), options.case_timeout).await;
            let verdict = match (verdict, monitor.exited()) {
                (Err(failure), Some(exit)) => {
                    Err(CaseFailure::error(format!("{exit}; {}", failure.message)))
                }
                (verdict, _) => verdict,
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
