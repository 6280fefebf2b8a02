//! The JUnit XML report, for CI: one `testsuite` per area and mode, one `testcase` per case.

use std::collections::BTreeMap;
use std::io;
use std::path::{Path, PathBuf};
use std::time::Duration;

use quick_junit::{NonSuccessKind, Property, Report, TestCase, TestCaseStatus, TestSuite};

use super::console::requirement_lines;
use super::json::write_report_file;
use crate::case::{Area, Mode, Outcome};
use crate::run::{CaseReport, ReportError, Reporter, RunEvent, RunInfo, RunSummary};
use crate::wire::format_trace;

/// Writes a JUnit XML file when the run finishes.
///
/// Suites are named `<area>.<mode>` (e.g. `event_sourced.sdk`) and carry the TCK version, target address,
/// mode and seed as properties. Each `testcase` is named by its case ID, with the suite name as
/// `classname`, and carries one `requirement` property per spec requirement and a `seed` property.
/// Failures carry the message, and as text the requirement texts, expected, actual and their diff;
/// failures and errors have the wire trace as `system-out`; skipped cases carry their reason. Cases listed
/// in the expected-failures file still show as failures, with an `expected_failure` property.
#[derive(Debug)]
pub struct JunitReporter {
    path: PathBuf,
    run: Option<RunInfo>,
    cases: Vec<CaseReport>,
}

impl JunitReporter {
    /// A reporter that writes to `path` on `RunFinished`, creating its parent directories.
    pub fn new(path: impl Into<PathBuf>) -> Self {
        JunitReporter {
            path: path.into(),
            run: None,
            cases: Vec::new(),
        }
    }

    /// Where the report goes.
    pub fn path(&self) -> &Path {
        &self.path
    }

    fn write(&self, summary: &RunSummary) -> Result<(), ReportError> {
        let error = |source: io::Error| ReportError {
            kind: "JUnit",
            path: self.path.display().to_string(),
            source,
        };
        let run = self
            .run
            .as_ref()
            .ok_or_else(|| error(io::Error::other("the run finished before it started")))?;
        let report = build_report(run, &self.cases, summary);
        let mut xml = Vec::new();
        report
            .serialize(&mut xml)
            .map_err(|source| error(io::Error::other(source)))?;
        write_report_file("JUnit", &self.path, &xml)
    }
}

impl Reporter for JunitReporter {
    fn handle(&mut self, event: &RunEvent) -> Result<(), ReportError> {
        match event {
            RunEvent::RunStarted(info) => {
                self.run = Some(info.clone());
                self.cases.clear();
            }
            RunEvent::CaseStarted { .. } => {}
            RunEvent::CaseFinished(report) => self.cases.push((**report).clone()),
            RunEvent::RunFinished { summary, .. } => self.write(summary)?,
        }
        Ok(())
    }
}

/// The whole report: suites in area order, then mode; cases in the order they ran.
fn build_report(run: &RunInfo, cases: &[CaseReport], summary: &RunSummary) -> Report {
    let mut suites: BTreeMap<(Area, Mode), Vec<&CaseReport>> = BTreeMap::new();
    for case in cases {
        suites
            .entry((case.info.area(), case.info.mode()))
            .or_default()
            .push(case);
    }
    let mut report = Report::new(format!("cloudstate-tck {}", run.mode));
    report
        .set_timestamp(run.started_at)
        .set_time(summary.duration);
    for ((area, mode), cases) in suites {
        report.add_test_suite(build_suite(run, &format!("{area}.{mode}"), &cases));
    }
    report
}

fn build_suite(run: &RunInfo, name: &str, cases: &[&CaseReport]) -> TestSuite {
    let mut suite = TestSuite::new(name);
    if let Some(first) = cases.iter().map(|case| case.started_at).min() {
        suite.set_timestamp(first);
    }
    suite.set_time(cases.iter().map(|case| case.duration).sum::<Duration>());
    suite.add_properties(run_properties(run));
    for case in cases {
        suite.add_test_case(build_case(run, name, case));
    }
    suite
}

/// What every suite says about the run: TCK version, target, mode, seed, and the target's `ServiceInfo`.
fn run_properties(run: &RunInfo) -> Vec<Property> {
    let mut properties = vec![
        Property::new("tck_version", run.tck_version),
        Property::new("target", run.target.address.as_str()),
        Property::new("mode", run.mode.as_str()),
        Property::new("seed", run.seed.to_string()),
    ];
    if let Some(command) = &run.target.spawned {
        properties.push(Property::new("spawned", command.as_str()));
    }
    if let Some(service) = &run.target.service_info {
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

fn build_case(run: &RunInfo, suite: &str, case: &CaseReport) -> TestCase {
    let mut testcase = TestCase::new(case.info.id, status(case));
    testcase
        .set_classname(suite)
        .set_timestamp(case.started_at)
        .set_time(case.duration);
    testcase.add_properties(
        case.info
            .requirements
            .iter()
            .map(|id| Property::new("requirement", *id)),
    );
    testcase.add_property(Property::new("seed", run.seed.to_string()));
    if let Some(reason) = &case.expected_failure {
        testcase.add_property(Property::new("expected_failure", reason.as_str()));
    }
    match &case.outcome {
        Outcome::Fail(_) | Outcome::Error(_) if !case.trace.is_empty() => {
            testcase.set_system_out(format_trace(&case.trace));
        }
        Outcome::Pass if case.expected_failure.is_some() => {
            testcase.set_system_out(
                "Unexpected pass: the case is listed in the expected-failures file.\n",
            );
        }
        _ => {}
    }
    testcase
}

fn status(case: &CaseReport) -> TestCaseStatus {
    match &case.outcome {
        Outcome::Pass => TestCaseStatus::success(),
        Outcome::Skip { reason } => {
            let mut status = TestCaseStatus::skipped();
            status.set_message(reason.as_str());
            status
        }
        Outcome::Fail(failure) | Outcome::Error(failure) => {
            let (kind, ty) = match &case.outcome {
                Outcome::Fail(_) => (NonSuccessKind::Failure, "non-conformance"),
                _ => (NonSuccessKind::Error, "tck-error"),
            };
            let mut status = TestCaseStatus::non_success(kind);
            status.set_message(failure.message.as_str()).set_type(ty);
            status.set_description(failure_text(case));
            status
        }
    }
}

/// The text of a `failure` or `error` element: message, expected-failure reason, requirement texts,
/// expected, actual and their diff.
fn failure_text(case: &CaseReport) -> String {
    let mut text = String::new();
    let Some(failure) = case.outcome.failure() else {
        return text;
    };
    text.push_str(&failure.message);
    text.push('\n');
    if let Some(reason) = &case.expected_failure {
        text.push_str(&format!("\nExpected failure: {reason}\n"));
    }
    let requirements = requirement_lines(&case.info);
    if !requirements.is_empty() {
        text.push_str("\nRequirements:\n");
        for line in requirements {
            text.push_str(&format!("  {line}\n"));
        }
    }
    let sections = [
        ("Expected", failure.expected.clone()),
        ("Actual", failure.actual.clone()),
        ("Diff", failure.diff()),
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
mod tests {
    use std::collections::BTreeMap;
    use std::path::Path;

    use super::JunitReporter;
    use crate::report::tests::{ERROR, EXPECTED_FAIL, Element, FAIL, PASS, SKIP, parse_xml, run};

    fn write_junit(dir: &Path) -> String {
        let path = dir.join("nested/dirs/junit.xml");
        let mut reporter = JunitReporter::new(&path);
        run(&mut reporter);
        std::fs::read_to_string(path).unwrap()
    }

    #[test]
    fn junit_report_parses_back() {
        let dir = tempfile::tempdir().unwrap();
        let root = parse_xml(&write_junit(dir.path()));
        assert_eq!(root.name, "testsuites");
        assert_eq!(root.attribute("tests"), "6");
        assert_eq!(root.attribute("failures"), "2");
        assert_eq!(root.attribute("errors"), "1");
        assert_eq!(root.attribute("skipped"), "1");

        let suites: Vec<&str> = root
            .all("testsuite")
            .map(|suite| suite.attribute("name"))
            .collect();
        assert_eq!(
            suites,
            [
                "action.sdk",
                "value_entity.sdk",
                "event_sourced.sdk",
                "crdt.sdk"
            ]
        );
        let cases: BTreeMap<&str, &Element> = root
            .all("testsuite")
            .flat_map(|suite| suite.all("testcase").map(move |case| (suite, case)))
            .map(|(suite, case)| {
                assert_eq!(case.attribute("classname"), suite.attribute("name"));
                assert!(!case.attribute("timestamp").is_empty());
                assert!(!case.attribute("time").is_empty());
                (case.attribute("name"), case)
            })
            .collect();
        assert_eq!(cases.len(), 6);

        let event_sourced = root
            .all("testsuite")
            .find(|suite| suite.attribute("name") == "event_sourced.sdk")
            .unwrap();
        for (name, value) in [
            ("tck_version", "0.0.0-test"),
            ("target", "127.0.0.1:8080"),
            ("mode", "sdk"),
            ("seed", "42"),
        ] {
            assert!(
                event_sourced.has_property(name, value),
                "{:?}",
                event_sourced.properties()
            );
        }

        let failed = cases[FAIL];
        let failure = failed.child("failure");
        assert_eq!(
            failure.attribute("message"),
            "The reply to command 1 is not the expected reply."
        );
        assert!(
            failure.text.contains("\"snapshot\": true"),
            "{}",
            failure.text
        );
        assert!(
            failure.text.contains("+  \"snapshot\": false"),
            "{}",
            failure.text
        );
        assert!(
            failed
                .child("system-out")
                .text
                .contains("EventSourced.handle#1 <-")
        );
        let properties = failed.properties();
        assert!(
            failed.has_property("requirement", "TEST-ES-7"),
            "{properties:?}"
        );
        assert!(
            failed.has_property("requirement", "TEST-ES-8"),
            "{properties:?}"
        );
        assert!(failed.has_property("seed", "42"), "{properties:?}");

        let skipped = cases[SKIP].child("skipped");
        assert_eq!(
            skipped.attribute("message"),
            "the target does not serve cloudstate.tck.model.crdt.TckCrdt"
        );
        assert_eq!(
            cases[ERROR].child("error").attribute("message"),
            "The target closed the connection before replying."
        );
        assert!(cases[EXPECTED_FAIL].all("failure").next().is_some());
        assert!(
            cases[EXPECTED_FAIL]
                .has_property("expected_failure", "side effects are not implemented yet")
        );
        assert!(
            cases[PASS]
                .all("failure")
                .chain(cases[PASS].all("skipped"))
                .next()
                .is_none()
        );
    }

    #[test]
    fn junit_report_snapshot() {
        let dir = tempfile::tempdir().unwrap();
        let xml = write_junit(dir.path());
        let filters = vec![
            (r#"timestamp="[^"]*""#, r#"timestamp="[timestamp]""#),
            (r#"time="[^"]*""#, r#"time="[time]""#),
        ];
        insta::with_settings!({filters => filters}, {
            insta::assert_snapshot!("junit", xml);
        });
    }
}
