//! Tests of the JUnit writer: the synthetic run parses back with its suites, cases, properties,
//! failures and warnings.

use std::collections::BTreeMap;
use std::path::Path;

use crate::report::Recorder;
use crate::report::tests::{
    ERROR, EXPECTED_FAIL, Element, FAIL, PASS, SKIP, WARNING, parse_xml, run,
};

fn write_junit(dir: &Path) -> String {
    let path = dir.join("nested/dirs/junit.xml");
    let mut reporter = Recorder::new().junit(&path);
    run(&mut reporter);
    std::fs::read_to_string(path).unwrap()
}

#[test]
fn junit_report_parses_back() {
    let dir = tempfile::tempdir().unwrap();
    let root = parse_xml(&write_junit(dir.path()));
    assert_eq!(root.name, "testsuites");
    assert_eq!(root.attribute("tests"), "7");
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
            "crdt.sdk",
            "protocol.sdk"
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
    assert_eq!(cases.len(), 7);

    // A warning is no failure in JUnit: the run did not fail on it, and it says why in its output.
    let warned = cases[WARNING];
    assert!(warned.all("failure").next().is_none());
    assert!(warned.has_property("warning", "true"));
    assert!(warned.has_property("severity", "should"));
    let out = &warned.child("system-out").text;
    assert!(out.contains("Warning: a SHOULD failure"), "{out}");

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
