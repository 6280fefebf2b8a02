//! The report model: a run as the JSON report holds it. It is the JSON report's schema (the JSON writer
//! serializes it as it is), what the JUnit and HTML writers render, and what `report FILE.json` reads
//! back for the certification page and `--compare`. A live run is converted into it once, by the
//! [`Recorder`](super::Recorder).

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::JSON_FORMAT_VERSION;
use crate::spec::Severity;

/// A whole run: the JSON report's document (`format_version` 1). Field order is the output order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct ReportDocument {
    /// The layout version of the JSON report.
    pub format_version: u32,
    /// The TCK's version.
    pub tck_version: String,
    /// `sdk` or `proxy`.
    pub mode: String,
    /// The target.
    pub target: ReportTarget,
    /// The seed of everything random in the run.
    pub seed: u64,
    /// When the run started, RFC 3339.
    pub started_at: String,
    /// Wall time of the run.
    pub duration_ms: u64,
    /// What the protocol version the target announced means for the run, when it is not 0.2.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub protocol_note: Option<String>,
    /// Totals.
    pub summary: ReportSummary,
    /// The last output of a process the TCK spawned.
    #[serde(default)]
    pub target_output: Option<String>,
    /// One record per case, in the order they ran.
    pub cases: Vec<ReportCase>,
}

/// The target, and what it said about itself.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct ReportTarget {
    /// `host:port` the TCK talked to.
    pub address: String,
    /// The command the TCK spawned, if it did.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub spawned: Option<String>,
    /// The user function's `ServiceInfo`, when discovery answered.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service_info: Option<ReportServiceInfo>,
}

/// `cloudstate.ServiceInfo`, field by field.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub(crate) struct ReportServiceInfo {
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

/// Totals of a run.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub(crate) struct ReportSummary {
    /// Cases that passed.
    pub passed: usize,
    /// Cases that failed.
    pub failed: usize,
    /// Cases that errored.
    pub errored: usize,
    /// Cases that were skipped.
    pub skipped: usize,
    /// Cases that failed with a severity that does not fail the run.
    pub warnings: usize,
    /// Listed as expected failures, but passed.
    pub unexpected_passes: Vec<String>,
    /// Failed or errored without being listed.
    pub unexpected_failures: Vec<String>,
    /// Listed, but not run.
    pub expected_but_not_run: Vec<String>,
    /// Why the run stopped before its first case, if it did.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub setup_error: Option<String>,
    /// When a target the TCK could not restart died: how, and since which case.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub target_lost: Option<String>,
}

impl ReportSummary {
    /// Whether every outcome was as expected, and the target was set up.
    pub(crate) fn is_success(&self) -> bool {
        self.unexpected_passes.is_empty()
            && self.unexpected_failures.is_empty()
            && self.setup_error.is_none()
    }
}

/// How a case ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub(crate) enum CaseOutcome {
    /// Every check held.
    Pass,
    /// The target did not conform.
    Fail,
    /// The case did not run.
    Skip,
    /// The TCK could not run the case.
    Error,
}

impl CaseOutcome {
    /// Every outcome, in report order.
    pub(crate) const ALL: [CaseOutcome; 4] = [
        CaseOutcome::Pass,
        CaseOutcome::Fail,
        CaseOutcome::Skip,
        CaseOutcome::Error,
    ];

    /// `pass`, `fail`, `skip` or `error`.
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            CaseOutcome::Pass => "pass",
            CaseOutcome::Fail => "fail",
            CaseOutcome::Skip => "skip",
            CaseOutcome::Error => "error",
        }
    }

    /// Whether the case failed or errored: under a fault, the fault was seen.
    pub(crate) fn is_failure(self) -> bool {
        matches!(self, CaseOutcome::Fail | CaseOutcome::Error)
    }
}

/// One case record. Field order is the output order; parts a case does not have are left out.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct ReportCase {
    /// `<area>.<mode>.<name>`.
    pub id: String,
    /// The protocol area.
    pub area: String,
    /// `sdk` or `proxy`.
    pub mode: String,
    /// What the case checks.
    pub summary: String,
    /// The requirement IDs it checks.
    #[serde(default)]
    pub requirements: Vec<String>,
    /// How much a failure of the case weighs: `protocol`, `addition`, `should` or `may`.
    #[serde(default = "protocol")]
    pub severity: Severity,
    /// How it ended.
    pub outcome: CaseOutcome,
    /// Whether it failed with a severity that does not fail the run.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub warning: bool,
    /// Wall time of the case.
    #[serde(default)]
    pub duration_ms: u64,
    /// When the case started, RFC 3339.
    #[serde(default)]
    pub started_at: String,
    /// The seed of the run the case ran in.
    #[serde(default)]
    pub seed: u64,
    /// The reason in the expected-failures file, when listed there.
    #[serde(default)]
    pub expected_failure: Option<String>,
    /// What went wrong (failures and errors).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// The expected message, when the failure is a mismatch.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expected: Option<String>,
    /// The actual message, when the failure is a mismatch.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub actual: Option<String>,
    /// A unified diff of expected against actual.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub diff: Option<String>,
    /// Why the case was skipped.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// Every message and stream event of the case.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub trace: Vec<ReportTraceEntry>,
}

impl ReportCase {
    /// Whether the outcome disagrees with the expected-failures file.
    pub(crate) fn is_unexpected(&self) -> bool {
        if self.warning {
            return false;
        }
        match self.outcome {
            CaseOutcome::Pass => self.expected_failure.is_some(),
            CaseOutcome::Fail | CaseOutcome::Error => self.expected_failure.is_none(),
            CaseOutcome::Skip => false,
        }
    }
}

/// One traced message or stream event.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct ReportTraceEntry {
    /// Milliseconds since the case started.
    pub at_ms: f64,
    /// The stream or call it belongs to.
    pub stream: String,
    /// `sent`, `received` or `event`.
    pub direction: String,
    /// The message as one line of JSON, or the event.
    pub text: String,
}

/// A JSON report that could not be read.
#[derive(Debug, thiserror::Error)]
pub(crate) enum ReadReportError {
    /// The file could not be read.
    #[error("cannot read {}: {source}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// The file is not a JSON report.
    #[error("{} is not a JSON report of the TCK: {source}", path.display())]
    Json {
        /// The file.
        path: PathBuf,
        /// Why.
        source: serde_json::Error,
    },
    /// The report has a layout this TCK does not read.
    #[error(
        "{} has format_version {found}; this TCK reads format_version {JSON_FORMAT_VERSION}",
        path.display()
    )]
    Version {
        /// The file.
        path: PathBuf,
        /// Its `format_version`.
        found: u32,
    },
}

impl ReportDocument {
    /// Reads a JSON report written by `--json`.
    pub(crate) fn load(path: &Path) -> Result<Self, ReadReportError> {
        let text = std::fs::read_to_string(path).map_err(|source| ReadReportError::Io {
            path: path.to_owned(),
            source,
        })?;
        Self::parse(&text, path)
    }

    /// Parses the text of a JSON report; `path` only names it in errors.
    pub(crate) fn parse(text: &str, path: &Path) -> Result<Self, ReadReportError> {
        let document: ReportDocument =
            serde_json::from_str(text).map_err(|source| ReadReportError::Json {
                path: path.to_owned(),
                source,
            })?;
        if document.format_version != JSON_FORMAT_VERSION {
            return Err(ReadReportError::Version {
                path: path.to_owned(),
                found: document.format_version,
            });
        }
        Ok(document)
    }
}

fn protocol() -> Severity {
    Severity::Protocol
}
