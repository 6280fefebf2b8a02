//! A live run as the report model: the events of the runner become the `ReportDocument` that the JSON
//! report is, exactly as it would read back.

use std::time::Duration;

use chrono::SecondsFormat;

use super::JSON_FORMAT_VERSION;
use super::model::{
    CaseOutcome, ReportCase, ReportDocument, ReportServiceInfo, ReportSummary, ReportTarget,
    ReportTraceEntry,
};
use crate::case::Outcome;
use crate::run::{CaseReport, RunInfo, RunSummary};
use crate::wire::Direction;

impl ReportDocument {
    /// The model of a live run, exactly as its JSON report would read back.
    pub(crate) fn from_run(
        run: &RunInfo,
        cases: &[CaseReport],
        summary: &RunSummary,
        target_output: Option<&str>,
    ) -> Self {
        let target = &run.target;
        ReportDocument {
            format_version: JSON_FORMAT_VERSION,
            tck_version: run.tck_version.to_owned(),
            mode: run.mode.as_str().to_owned(),
            target: ReportTarget {
                address: target.address.clone(),
                spawned: target.spawned.clone(),
                service_info: target.service_info.as_ref().map(|s| ReportServiceInfo {
                    service_name: s.service_name.clone(),
                    service_version: s.service_version.clone(),
                    service_runtime: s.service_runtime.clone(),
                    support_library_name: s.support_library_name.clone(),
                    support_library_version: s.support_library_version.clone(),
                    protocol_major_version: s.protocol_major_version,
                    protocol_minor_version: s.protocol_minor_version,
                }),
            },
            seed: run.seed,
            started_at: rfc3339(&run.started_at),
            duration_ms: millis(summary.duration),
            protocol_note: run.protocol_note.clone(),
            summary: ReportSummary {
                passed: summary.passed,
                failed: summary.failed,
                errored: summary.errored,
                skipped: summary.skipped,
                warnings: summary.warnings,
                unexpected_passes: summary.unexpected_passes.clone(),
                unexpected_failures: summary.unexpected_failures.clone(),
                expected_but_not_run: summary.expected_but_not_run.clone(),
                setup_error: summary.setup_error.clone(),
                target_lost: summary.target_lost.clone(),
            },
            target_output: target_output.map(str::to_owned),
            cases: cases
                .iter()
                .map(|case| case_from_report(case, run.seed))
                .collect(),
        }
    }
}

fn case_from_report(case: &CaseReport, seed: u64) -> ReportCase {
    let failure = case.outcome.failure();
    let outcome = match &case.outcome {
        Outcome::Pass => CaseOutcome::Pass,
        Outcome::Fail(_) => CaseOutcome::Fail,
        Outcome::Skip { .. } => CaseOutcome::Skip,
        Outcome::Error(_) => CaseOutcome::Error,
    };
    let direction = |direction: Direction| match direction {
        Direction::Sent => "sent",
        Direction::Received => "received",
        Direction::Event => "event",
    };
    ReportCase {
        id: case.info.id.to_owned(),
        area: case.info.area().as_str().to_owned(),
        mode: case.info.mode().as_str().to_owned(),
        summary: case.info.summary.to_owned(),
        requirements: case
            .info
            .requirements
            .iter()
            .map(|id| (*id).to_owned())
            .collect(),
        severity: case.severity,
        outcome,
        warning: case.warning,
        duration_ms: millis(case.duration),
        started_at: rfc3339(&case.started_at),
        seed,
        expected_failure: case.expected_failure.clone(),
        message: failure.map(|failure| failure.message.clone()),
        expected: failure.and_then(|failure| failure.expected.clone()),
        actual: failure.and_then(|failure| failure.actual.clone()),
        diff: failure.and_then(|failure| failure.diff()),
        reason: match &case.outcome {
            Outcome::Skip { reason } => Some(reason.clone()),
            _ => None,
        },
        trace: case
            .trace
            .iter()
            .map(|entry| ReportTraceEntry {
                at_ms: entry.at.as_secs_f64() * 1000.0,
                stream: entry.stream.clone(),
                direction: direction(entry.direction).to_owned(),
                text: entry.text.clone(),
            })
            .collect(),
    }
}

fn rfc3339(at: &chrono::DateTime<chrono::FixedOffset>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Millis, true)
}

fn millis(duration: Duration) -> u64 {
    u64::try_from(duration.as_millis()).unwrap_or(u64::MAX)
}
