//! The JUnit XML report, for CI: one `testsuite` per area and mode, one `testcase` per case.

use std::collections::BTreeMap;
use std::io;
use std::path::{Path, PathBuf};
use std::time::Duration;

use chrono::{DateTime, FixedOffset};
use quick_junit::{NonSuccessKind, Property, Report, TestCase, TestCaseStatus, TestSuite};

use super::blobs::summarize_blobs;
use super::model::{CaseOutcome, ReportCase, ReportDocument, ReportTraceEntry};
use super::recorder::{ReportWriter, write_report_file};
use crate::case::{Area, Mode};
use crate::run::ReportError;

/// Writes the JUnit XML report.
///
/// Suites are named `<area>.<mode>` (e.g. `event_sourced.sdk`) and carry the TCK version, target address,
/// mode and seed as properties (and the protocol note, when the target announced another version than
/// 0.2). Each `testcase` is named by its case ID, with the suite name as `classname`, and carries one
/// `requirement` property per spec requirement and a `seed` property. Failures carry the message, and as
/// text the requirement texts, expected, actual and their diff; failures and errors have the wire trace
/// as `system-out`; skipped cases carry their reason. Cases listed in the expected-failures file still
/// show as failures, with an `expected_failure` property. A run that stopped before its first case has
/// one suite, `setup`, whose one test case errored with the reason. Binary blobs of more than a few
/// hundred bytes are summarised; the JSON report keeps them whole.
#[derive(Debug)]
pub(crate) struct JunitWriter {
    path: PathBuf,
}

impl JunitWriter {
    /// A writer to `path`, creating its parent directories.
    pub(crate) fn new(path: impl Into<PathBuf>) -> Self {
        JunitWriter { path: path.into() }
    }
}

impl ReportWriter for JunitWriter {
    fn kind(&self) -> &'static str {
        "JUnit"
    }

    fn path(&self) -> &Path {
        &self.path
    }

    fn write(&self, document: &ReportDocument) -> Result<(), ReportError> {
        let report = build_report(document);
        let mut xml = Vec::new();
        report.serialize(&mut xml).map_err(|source| ReportError {
            kind: "JUnit",
            path: self.path.display().to_string(),
            source: io::Error::other(source),
        })?;
        write_report_file("JUnit", &self.path, &xml)
    }
}

fn timestamp(text: &str) -> Option<DateTime<FixedOffset>> {
    DateTime::parse_from_rfc3339(text).ok()
}

/// The whole report: suites in area order, then mode; cases in the order they ran.
fn build_report(document: &ReportDocument) -> Report {
    let rank = |area: &str, mode: &str| {
        let area = Area::ALL
            .iter()
            .position(|known| known.as_str() == area)
            .unwrap_or(Area::ALL.len());
        let mode = [Mode::Sdk, Mode::Proxy]
            .iter()
            .position(|known| known.as_str() == mode)
            .unwrap_or(2);
        (area, mode)
    };
    let mut suites: BTreeMap<((usize, usize), String), Vec<&ReportCase>> = BTreeMap::new();
    for case in &document.cases {
        let name = format!("{}.{}", case.area, case.mode);
        suites
            .entry((rank(&case.area, &case.mode), name))
            .or_default()
            .push(case);
    }
    let mut report = Report::new(format!("cloudstate-tck {}", document.mode));
    if let Some(at) = timestamp(&document.started_at) {
        report.set_timestamp(at);
    }
    report.set_time(Duration::from_millis(document.duration_ms));
    for ((_, name), cases) in suites {
        report.add_test_suite(build_suite(document, &name, &cases));
    }
    if let Some(reason) = &document.summary.setup_error {
        report.add_test_suite(setup_suite(document, reason));
    }
    report
}

fn build_suite(document: &ReportDocument, name: &str, cases: &[&ReportCase]) -> TestSuite {
    let mut suite = TestSuite::new(name);
    if let Some(first) = cases
        .iter()
        .filter_map(|case| timestamp(&case.started_at))
        .min()
    {
        suite.set_timestamp(first);
    }
    suite.set_time(
        cases
            .iter()
            .map(|case| Duration::from_millis(case.duration_ms))
            .sum::<Duration>(),
    );
    suite.add_properties(run_properties(document));
    for case in cases {
        suite.add_test_case(build_case(document, name, case));
    }
    suite
}

/// The suite of a run that stopped before its first case: one errored `setup` test case that says why.
fn setup_suite(document: &ReportDocument, reason: &str) -> TestSuite {
    let mut suite = TestSuite::new("setup");
    if let Some(at) = timestamp(&document.started_at) {
        suite.set_timestamp(at);
    }
    suite.add_properties(run_properties(document));
    let mut status = TestCaseStatus::non_success(NonSuccessKind::Error);
    status
        .set_message(reason.lines().next().unwrap_or_default())
        .set_type("setup-error")
        .set_description(reason);
    let mut testcase = TestCase::new("setup", status);
    testcase.set_classname("setup");
    suite.add_test_case(testcase);
    suite
}

/// What every suite says about the run: TCK version, target, mode, seed, and the target's `ServiceInfo`.
fn run_properties(document: &ReportDocument) -> Vec<Property> {
    let mut properties = vec![
        Property::new("tck_version", document.tck_version.as_str()),
        Property::new("target", document.target.address.as_str()),
        Property::new("mode", document.mode.as_str()),
        Property::new("seed", document.seed.to_string()),
    ];
    if let Some(command) = &document.target.spawned {
        properties.push(Property::new("spawned", command.as_str()));
    }
    if let Some(note) = &document.protocol_note {
        properties.push(Property::new("protocol_note", note.as_str()));
    }
    if let Some(service) = &document.target.service_info {
        properties.extend([
            Property::new("service_name", service.service_name.as_str()),
            Property::new("service_version", service.service_version.as_str()),
            Property::new("service_runtime", service.service_runtime.as_str()),
            Property::new(
                "support_library",
                format!(
                    "{} {}",
                    service.support_library_name, service.support_library_version
                ),
            ),
            Property::new(
                "protocol_version",
                format!(
                    "{}.{}",
                    service.protocol_major_version, service.protocol_minor_version
                ),
            ),
        ]);
    }
    properties
}

fn build_case(document: &ReportDocument, suite: &str, case: &ReportCase) -> TestCase {
    let mut testcase = TestCase::new(case.id.as_str(), status(case));
    testcase
        .set_classname(suite)
        .set_time(Duration::from_millis(case.duration_ms));
    if let Some(at) = timestamp(&case.started_at) {
        testcase.set_timestamp(at);
    }
    testcase.add_properties(
        case.requirements
            .iter()
            .map(|id| Property::new("requirement", id.as_str())),
    );
    testcase.add_property(Property::new("seed", document.seed.to_string()));
    testcase.add_property(Property::new("severity", case.severity.as_str()));
    if case.warning {
        testcase.add_property(Property::new("warning", "true"));
    }
    if let Some(reason) = &case.expected_failure {
        testcase.add_property(Property::new("expected_failure", reason.as_str()));
    }
    match case.outcome {
        // JUnit has no warning: the case is a success (the run does not fail on it), and what it
        // found is its output.
        CaseOutcome::Fail if case.warning => {
            let mut out = failure_text(case);
            if !case.trace.is_empty() {
                out.push_str("\nTrace:\n");
                out.push_str(&trace_text(&case.trace));
            }
            testcase.set_system_out(summarize_blobs(&out));
        }
        CaseOutcome::Fail | CaseOutcome::Error if !case.trace.is_empty() => {
            testcase.set_system_out(summarize_blobs(&trace_text(&case.trace)));
        }
        CaseOutcome::Pass if case.expected_failure.is_some() => {
            testcase.set_system_out(
                "Unexpected pass: the case is listed in the expected-failures file.\n",
            );
        }
        _ => {}
    }
    testcase
}

/// The wire trace as text, one line per entry, as the console shows it.
fn trace_text(trace: &[ReportTraceEntry]) -> String {
    let mut out = String::new();
    for entry in trace {
        let arrow = match entry.direction.as_str() {
            "sent" => "->",
            "received" => "<-",
            _ => "--",
        };
        out.push_str(&format!(
            "{:>9.3}ms {} {arrow} {}\n",
            entry.at_ms, entry.stream, entry.text
        ));
    }
    out
}

fn status(case: &ReportCase) -> TestCaseStatus {
    match case.outcome {
        CaseOutcome::Pass => TestCaseStatus::success(),
        CaseOutcome::Fail if case.warning => TestCaseStatus::success(),
        CaseOutcome::Skip => {
            let mut status = TestCaseStatus::skipped();
            status.set_message(case.reason.as_deref().unwrap_or_default());
            status
        }
        CaseOutcome::Fail | CaseOutcome::Error => {
            let (kind, ty) = match case.outcome {
                CaseOutcome::Fail => (NonSuccessKind::Failure, "non-conformance"),
                _ => (NonSuccessKind::Error, "tck-error"),
            };
            let mut status = TestCaseStatus::non_success(kind);
            let message = summarize_blobs(case.message.as_deref().unwrap_or_default());
            status.set_message(message.as_ref()).set_type(ty);
            status.set_description(summarize_blobs(&failure_text(case)));
            status
        }
    }
}

/// The text of a `failure` or `error` element: message, expected-failure reason, requirement texts,
/// expected, actual and their diff.
fn failure_text(case: &ReportCase) -> String {
    let mut text = String::new();
    text.push_str(case.message.as_deref().unwrap_or_default());
    text.push('\n');
    if case.warning {
        text.push_str(&format!(
            "\nWarning: a {} failure, which does not fail the run (--strict makes it).\n",
            case.severity.label()
        ));
    }
    if let Some(reason) = &case.expected_failure {
        text.push_str(&format!("\nExpected failure: {reason}\n"));
    }
    if !case.requirements.is_empty() {
        text.push_str("\nRequirements:\n");
        for id in &case.requirements {
            match crate::spec::requirement(id) {
                Some(requirement) => {
                    text.push_str(&format!(
                        "  {} [{}]: {}\n",
                        requirement.id,
                        requirement.severity().label(),
                        requirement.text
                    ));
                }
                None => text.push_str(&format!("  {id}\n")),
            }
        }
    }
    let sections = [
        ("Expected", case.expected.as_deref()),
        ("Actual", case.actual.as_deref()),
        ("Diff", case.diff.as_deref()),
    ];
    for (title, body) in sections {
        if let Some(body) = body {
            text.push_str(&format!("\n{title}:\n{}", body.trim_end()));
            text.push('\n');
        }
    }
    text
}

#[cfg(test)]
#[path = "junit_tests.rs"]
mod tests;
