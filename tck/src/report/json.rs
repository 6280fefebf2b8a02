//! The JSON report, for tools: the run, what the target said about itself, and one record per case.

use std::io;
use std::path::{Path, PathBuf};
use std::time::Duration;

use chrono::{DateTime, FixedOffset, SecondsFormat};
use serde::Serialize;

use crate::case::{Area, Mode};
use crate::run::{CaseReport, ReportError, Reporter, RunEvent, RunInfo, RunSummary, TargetInfo};
use crate::wire::TraceEntry;

/// The version of the JSON report's layout; raised when a field changes meaning or goes away.
pub const JSON_FORMAT_VERSION: u32 = 1;

/// Writes a JSON file when the run finishes.
///
/// The file holds one object: `format_version`, `tck_version`, `mode`, `target` (with the target's
/// `ServiceInfo` when discovery answered), `seed`, `started_at` (RFC 3339), `duration_ms`, `summary`,
/// `target_output`, and `cases`: one record per case, in the order they ran, with `id`, `area`, `mode`,
/// `summary`, `requirements`, `outcome` (`pass`, `fail`, `skip` or `error`), `duration_ms`, `started_at`,
/// `seed`, `expected_failure` and `trace` (every message and stream event of the case, when it has any);
/// failures and errors add `message`, `expected`, `actual` and `diff`, skips add `reason`.
#[derive(Debug)]
pub struct JsonReporter {
    path: PathBuf,
    run: Option<RunInfo>,
    cases: Vec<CaseReport>,
}

impl JsonReporter {
    /// A reporter that writes to `path` on `RunFinished`, creating its parent directories.
    pub fn new(path: impl Into<PathBuf>) -> Self {
        JsonReporter {
            path: path.into(),
            run: None,
            cases: Vec::new(),
        }
    }

    /// Where the report goes.
    pub fn path(&self) -> &Path {
        &self.path
    }

    fn write(&self, summary: &RunSummary, target_output: Option<&str>) -> Result<(), ReportError> {
        let error = |source: io::Error| ReportError {
            kind: "JSON",
            path: self.path.display().to_string(),
            source,
        };
        let run = self
            .run
            .as_ref()
            .ok_or_else(|| error(io::Error::other("the run finished before it started")))?;
        let document = JsonRun {
            format_version: JSON_FORMAT_VERSION,
            tck_version: run.tck_version,
            mode: run.mode,
            target: &run.target,
            seed: run.seed,
            started_at: rfc3339(&run.started_at),
            duration_ms: millis(summary.duration),
            summary,
            target_output,
            cases: self
                .cases
                .iter()
                .map(|case| JsonCase::new(run, case))
                .collect(),
        };
        let mut json = serde_json::to_vec_pretty(&document)
            .map_err(|source| error(io::Error::other(source)))?;
        json.push(b'\n');
        write_report_file("JSON", &self.path, &json)
    }
}

impl Reporter for JsonReporter {
    fn handle(&mut self, event: &RunEvent) -> Result<(), ReportError> {
        match event {
            RunEvent::RunStarted(info) => {
                self.run = Some(info.clone());
                self.cases.clear();
            }
            RunEvent::CaseStarted { .. } => {}
            RunEvent::CaseFinished(report) => self.cases.push((**report).clone()),
            RunEvent::RunFinished {
                summary,
                target_output,
            } => self.write(summary, target_output.as_deref())?,
        }
        Ok(())
    }
}

/// Writes a report file, creating its parent directories first.
pub(super) fn write_report_file(
    kind: &'static str,
    path: &Path,
    contents: &[u8],
) -> Result<(), ReportError> {
    let write = || {
        if let Some(parent) = path
            .parent()
            .filter(|parent| !parent.as_os_str().is_empty())
        {
            std::fs::create_dir_all(parent)?;
        }
        std::fs::write(path, contents)
    };
    write().map_err(|source| ReportError {
        kind,
        path: path.display().to_string(),
        source,
    })
}

fn rfc3339(at: &DateTime<FixedOffset>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Millis, true)
}

fn millis(duration: Duration) -> u64 {
    u64::try_from(duration.as_millis()).unwrap_or(u64::MAX)
}

/// The whole document. Field order is the output order.
#[derive(Serialize)]
struct JsonRun<'a> {
    format_version: u32,
    tck_version: &'a str,
    mode: Mode,
    target: &'a TargetInfo,
    seed: u64,
    started_at: String,
    duration_ms: u64,
    summary: &'a RunSummary,
    target_output: Option<&'a str>,
    cases: Vec<JsonCase<'a>>,
}

/// One case record.
#[derive(Serialize)]
struct JsonCase<'a> {
    id: &'a str,
    area: Area,
    mode: Mode,
    summary: &'a str,
    requirements: &'a [&'a str],
    outcome: &'static str,
    duration_ms: u64,
    started_at: String,
    seed: u64,
    expected_failure: Option<&'a str>,
    #[serde(flatten)]
    failure: Option<JsonFailure<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    reason: Option<&'a str>,
    #[serde(skip_serializing_if = "<[TraceEntry]>::is_empty")]
    trace: &'a [TraceEntry],
}

/// What a failed or errored case adds to its record; absent parts are `null`.
#[derive(Serialize)]
struct JsonFailure<'a> {
    message: &'a str,
    expected: Option<&'a str>,
    actual: Option<&'a str>,
    diff: Option<String>,
}

impl<'a> JsonCase<'a> {
    fn new(run: &RunInfo, case: &'a CaseReport) -> Self {
        let failure = case.outcome.failure().map(|failure| JsonFailure {
            message: &failure.message,
            expected: failure.expected.as_deref(),
            actual: failure.actual.as_deref(),
            diff: failure.diff(),
        });
        let reason = match &case.outcome {
            crate::case::Outcome::Skip { reason } => Some(reason.as_str()),
            _ => None,
        };
        JsonCase {
            id: case.info.id,
            area: case.info.area(),
            mode: case.info.mode(),
            summary: case.info.summary,
            requirements: case.info.requirements,
            outcome: case.outcome.label(),
            duration_ms: millis(case.duration),
            started_at: rfc3339(&case.started_at),
            seed: run.seed,
            expected_failure: case.expected_failure.as_deref(),
            failure,
            reason,
            trace: &case.trace,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::JsonReporter;
    use crate::report::tests::{FAIL, UNEXPECTED_PASS, run};
    use crate::run::Reporter as _;

    #[test]
    fn json_report_parses_back() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("nested/report.json");
        let mut reporter = JsonReporter::new(&path);
        run(&mut reporter);
        let text = std::fs::read_to_string(&path).unwrap();
        insta::assert_snapshot!("json", text);
        let json: serde_json::Value = serde_json::from_str(&text).unwrap();

        assert_eq!(json["format_version"], 1);
        assert_eq!(json["tck_version"], "0.0.0-test");
        assert_eq!(json["mode"], "sdk");
        assert_eq!(json["seed"], 42);
        assert_eq!(json["started_at"], "2025-03-04T10:00:00.000+01:00");
        assert_eq!(json["duration_ms"], 1234);
        assert_eq!(json["target"]["address"], "127.0.0.1:8080");
        assert_eq!(
            json["target"]["service_info"]["support_library_name"],
            "cloudstate-rust"
        );
        let summary = &json["summary"];
        assert_eq!(
            (&summary["passed"], &summary["failed"], &summary["errored"]),
            (&2.into(), &2.into(), &1.into())
        );
        assert_eq!(summary["skipped"], 1);
        assert_eq!(
            summary["unexpected_passes"],
            serde_json::json!([UNEXPECTED_PASS])
        );

        let cases = json["cases"].as_array().unwrap();
        assert_eq!(cases.len(), 6);
        let outcomes: Vec<&str> = cases
            .iter()
            .map(|case| case["outcome"].as_str().unwrap())
            .collect();
        assert_eq!(outcomes, ["pass", "fail", "skip", "error", "fail", "pass"]);

        let failed = &cases[1];
        assert_eq!(failed["id"], FAIL);
        assert_eq!(failed["area"], "event_sourced");
        assert_eq!(failed["mode"], "sdk");
        assert_eq!(
            failed["requirements"],
            serde_json::json!(["TEST-ES-7", "TEST-ES-8"])
        );
        assert_eq!(failed["duration_ms"], 13);
        assert_eq!(failed["seed"], 42);
        assert_eq!(failed["expected_failure"], serde_json::Value::Null);
        assert_eq!(
            failed["message"],
            "The reply to command 1 is not the expected reply."
        );
        assert!(
            failed["expected"]
                .as_str()
                .unwrap()
                .contains("\"snapshot\": true")
        );
        assert!(
            failed["actual"]
                .as_str()
                .unwrap()
                .contains("\"snapshot\": false")
        );
        assert!(
            failed["diff"]
                .as_str()
                .unwrap()
                .contains("+  \"snapshot\": false")
        );
        assert_eq!(failed["trace"].as_array().unwrap().len(), 3);
        assert_eq!(failed["trace"][2]["direction"], "received");

        assert_eq!(
            cases[2]["reason"],
            "the target does not serve cloudstate.tck.model.crdt.TckCrdt"
        );
        assert!(cases[0].get("message").is_none() && cases[0].get("reason").is_none());
        assert_eq!(
            cases[4]["expected_failure"],
            "side effects are not implemented yet"
        );
        assert_eq!(cases[4]["expected"], serde_json::Value::Null);
    }

    #[test]
    fn unwritable_paths_are_report_errors() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("a-file");
        std::fs::write(&file, "").unwrap();
        let mut reporter = JsonReporter::new(file.join("report.json"));
        let mut result = Ok(());
        for event in crate::report::tests::events() {
            result = result.and(reporter.handle(&event));
        }
        let error = result.unwrap_err();
        assert_eq!(error.kind, "JSON");
        assert!(error.to_string().contains("a-file"), "{error}");
    }
}
