//! What the runner tells reporters: events from the start of a run to its end.

use std::time::Duration;

use chrono::{DateTime, FixedOffset};
use serde::Serialize;

use crate::case::{CaseInfo, Mode, Outcome};
use crate::spec::Severity;
use crate::wire::TraceEntry;

/// What the target said about itself during discovery, as reports show it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub(crate) struct TargetInfo {
    /// `host:port` the TCK talked to.
    pub address: String,
    /// The command the TCK spawned, if it spawned the target.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub spawned: Option<String>,
    /// The user function's `ServiceInfo`, in SDK mode, when discovery answered.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub service_info: Option<ServiceInfoReport>,
}

/// `cloudstate.ServiceInfo`, field by field.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub(crate) struct ServiceInfoReport {
    /// `service_name`.
    pub service_name: String,
    /// `service_version`.
    pub service_version: String,
    /// `service_runtime`.
    pub service_runtime: String,
    /// `support_library_name`.
    pub support_library_name: String,
    /// `support_library_version`.
    pub support_library_version: String,
    /// `protocol_major_version`.
    pub protocol_major_version: i32,
    /// `protocol_minor_version`.
    pub protocol_minor_version: i32,
}

impl From<&cloudstate_protocol::cloudstate::ServiceInfo> for ServiceInfoReport {
    fn from(info: &cloudstate_protocol::cloudstate::ServiceInfo) -> Self {
        ServiceInfoReport {
            service_name: info.service_name.clone(),
            service_version: info.service_version.clone(),
            service_runtime: info.service_runtime.clone(),
            support_library_name: info.support_library_name.clone(),
            support_library_version: info.support_library_version.clone(),
            protocol_major_version: info.protocol_major_version,
            protocol_minor_version: info.protocol_minor_version,
        }
    }
}

/// Facts about a whole run.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct RunInfo {
    /// The TCK's own version.
    pub tck_version: &'static str,
    /// What is certified.
    pub mode: Mode,
    /// The target.
    pub target: TargetInfo,
    /// The seed of everything random in the run.
    pub seed: u64,
    /// When the run started.
    pub started_at: DateTime<FixedOffset>,
    /// How many cases were selected.
    pub selected: usize,
    /// What the protocol version the target announced means for this run, when it is not 0.2.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub protocol_note: Option<String>,
}

/// The full record of one finished case.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct CaseReport {
    /// The case.
    #[serde(skip)]
    pub info: CaseInfo,
    /// How it ended.
    pub outcome: Outcome,
    /// Wall time from start to end.
    pub duration: Duration,
    /// When it started.
    pub started_at: DateTime<FixedOffset>,
    /// Every message and stream event of the case.
    pub trace: Vec<TraceEntry>,
    /// The reason given in the expected-failures file, when the case is listed there.
    pub expected_failure: Option<String>,
    /// How much a failure of the case weighs.
    pub severity: Severity,
    /// Whether the case failed with a severity that does not fail the run (a SHOULD or MAY without
    /// `--strict`, a TCK addition with `--protocol-only`): shown and counted apart.
    pub warning: bool,
}

impl CaseReport {
    /// Whether this outcome disagrees with the expected-failures file: a listed case that passed, or an
    /// unlisted case that failed.
    pub(crate) fn is_unexpected(&self) -> bool {
        if self.warning {
            return false;
        }
        match (&self.outcome, &self.expected_failure) {
            (Outcome::Pass, Some(_)) => true,
            (outcome, None) => outcome.is_failure(),
            _ => false,
        }
    }
}

/// Totals at the end of a run.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub(crate) struct RunSummary {
    /// Cases that passed.
    pub passed: usize,
    /// Cases that failed (non-conformance).
    pub failed: usize,
    /// Cases that errored (the TCK could not run them).
    pub errored: usize,
    /// Cases that were skipped.
    pub skipped: usize,
    /// Cases that failed with a severity that does not fail the run (counted here, not as failed).
    pub warnings: usize,
    /// Wall time of the whole run.
    #[serde(skip)]
    pub duration: Duration,
    /// Listed in the expected-failures file, but passed.
    pub unexpected_passes: Vec<String>,
    /// Failed or errored, but not listed in the expected-failures file.
    pub unexpected_failures: Vec<String>,
    /// Listed in the expected-failures file, but not run (not selected, or skipped).
    pub expected_but_not_run: Vec<String>,
    /// Why the run stopped before its first case (the target could not be set up), if it did.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub setup_error: Option<String>,
    /// When a target the TCK could not restart died during the run: how, and since which case; the
    /// cases after it were not run.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub target_lost: Option<String>,
    /// Why cases were skipped: each distinct reason once, in run order.
    #[serde(skip)]
    pub skip_reasons: Vec<String>,
}

impl RunSummary {
    /// Whether the run is green: every outcome as expected, and the target set up.
    pub(crate) fn is_success(&self) -> bool {
        self.unexpected_passes.is_empty()
            && self.unexpected_failures.is_empty()
            && self.setup_error.is_none()
    }

    /// How many cases ran (were not skipped).
    pub(crate) fn ran(&self) -> usize {
        self.passed + self.failed + self.errored
    }
}

/// One step of a run, in order: `RunStarted`, then `CaseStarted`/`CaseFinished` pairs, then `RunFinished`.
#[derive(Debug, Clone)]
pub(crate) enum RunEvent {
    /// The run begins.
    RunStarted(RunInfo),
    /// A case begins.
    CaseStarted {
        /// The case.
        info: CaseInfo,
    },
    /// A case ended.
    CaseFinished(Box<CaseReport>),
    /// A target the TCK cannot restart died (how, and since which case): the cases after it do not run.
    TargetLost(String),
    /// The run ended.
    RunFinished {
        /// Totals.
        summary: RunSummary,
        /// The last output of a process the TCK spawned, if any.
        target_output: Option<String>,
    },
}

/// A consumer of run events: console, JUnit, JSON.
pub(crate) trait Reporter {
    /// Takes one event. Reporters that write files do so on `RunFinished`.
    fn handle(&mut self, event: &RunEvent) -> Result<(), ReportError>;
}

/// A report could not be written.
#[derive(Debug, thiserror::Error)]
#[error("failed to write the {kind} report to {path}: {source}")]
pub(crate) struct ReportError {
    /// Which report.
    pub kind: &'static str,
    /// Where.
    pub path: String,
    /// Why.
    #[source]
    pub source: std::io::Error,
}
