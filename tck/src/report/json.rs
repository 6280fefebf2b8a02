//! The JSON report, for tools: the report model (see [`super::model`]) as it is, pretty-printed.

use std::io;
use std::path::{Path, PathBuf};

use super::model::ReportDocument;
use super::recorder::{ReportWriter, write_report_file};
use crate::run::ReportError;

/// The version of the JSON report's layout; raised when a field changes meaning or goes away.
pub(crate) const JSON_FORMAT_VERSION: u32 = 1;

/// Writes the JSON report.
///
/// The file holds one object: `format_version`, `tck_version`, `mode`, `target` (with the target's
/// `ServiceInfo` when discovery answered), `seed`, `started_at` (RFC 3339), `duration_ms`,
/// `protocol_note` (when the target announced another protocol version than 0.2), `summary` (with
/// `setup_error` when the run stopped before its first case, and `target_lost` when the target died),
/// `target_output`, and `cases`: one record per case, in the order they ran, with `id`, `area`, `mode`,
/// `summary`, `requirements`, `outcome` (`pass`, `fail`, `skip` or `error`), `duration_ms`, `started_at`,
/// `seed`, `expected_failure` and `trace` (every message and stream event of the case, when it has any);
/// failures and errors add `message` and, when they compare messages, `expected`, `actual` and `diff`;
/// skips add `reason`.
#[derive(Debug)]
pub(crate) struct JsonWriter {
    path: PathBuf,
}

impl JsonWriter {
    /// A writer to `path`, creating its parent directories.
    pub(crate) fn new(path: impl Into<PathBuf>) -> Self {
        JsonWriter { path: path.into() }
    }
}

impl ReportWriter for JsonWriter {
    fn kind(&self) -> &'static str {
        "JSON"
    }

    fn path(&self) -> &Path {
        &self.path
    }

    fn write(&self, document: &ReportDocument) -> Result<(), ReportError> {
        let mut json = serde_json::to_vec_pretty(document).map_err(|source| ReportError {
            kind: "JSON",
            path: self.path.display().to_string(),
            source: io::Error::other(source),
        })?;
        json.push(b'\n');
        write_report_file("JSON", &self.path, &json)
    }
}

#[cfg(test)]
mod tests {
    use crate::report::Recorder;
    use crate::report::tests::{FAIL, UNEXPECTED_PASS, run};
    use crate::run::Reporter as _;

    #[test]
    fn json_report_parses_back() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("nested/report.json");
        let mut reporter = Recorder::new().json(&path);
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
        assert_eq!(cases.len(), 7);
        let outcomes: Vec<&str> = cases
            .iter()
            .map(|case| case["outcome"].as_str().unwrap())
            .collect();
        assert_eq!(
            outcomes,
            ["pass", "fail", "skip", "error", "fail", "pass", "fail"]
        );
        assert_eq!(summary["warnings"], 1);
        assert_eq!(cases[6]["severity"], "should");
        assert_eq!(cases[6]["warning"], true);
        assert_eq!(cases[1]["severity"], "protocol");

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
        let mut reporter = Recorder::new().json(file.join("report.json"));
        let mut result = Ok(());
        for event in crate::report::tests::events() {
            result = result.and(reporter.handle(&event));
        }
        let error = result.unwrap_err();
        assert_eq!(error.kind, "JSON");
        assert!(error.to_string().contains("a-file"), "{error}");
    }
}
