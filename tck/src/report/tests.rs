//! A synthetic run shared by the reporter tests (a pass, a failure with expected and actual, a skip, an
//! error, an expected failure, an unexpected pass and a warning), an XML reader for the JUnit tests, and
//! the console tests.

use std::collections::BTreeMap;
use std::time::Duration;

use chrono::{DateTime, FixedOffset};
use quick_xml::events::Event;

use super::ConsoleReporter;
use crate::case::{CaseFailure, CaseInfo, Outcome};
use crate::run::{
    CaseReport, Reporter, RunEvent, RunInfo, RunSummary, ServiceInfoReport, TargetInfo,
};
use crate::wire::{Direction, TraceEntry};

pub(super) const PASS: &str = "action.sdk.echo_reply";
pub(super) const FAIL: &str = "event_sourced.sdk.snapshot_every_five_events";
pub(super) const SKIP: &str = "crdt.sdk.gcounter_increment";
pub(super) const ERROR: &str = "value_entity.sdk.update_then_get";
pub(super) const EXPECTED_FAIL: &str = "event_sourced.sdk.forward_side_effect";
pub(super) const UNEXPECTED_PASS: &str = "action.sdk.streamed_replies";
/// A failure of a SHOULD: a warning, which does not fail the run.
pub(super) const WARNING: &str = "protocol.sdk.event_sourced_event_after_command";

fn at(rfc3339: &str) -> DateTime<FixedOffset> {
    DateTime::parse_from_rfc3339(rfc3339).unwrap()
}

fn info(id: &'static str, requirements: &'static [&'static str]) -> CaseInfo {
    CaseInfo {
        id,
        summary: "A synthetic case for the report tests.",
        requirements,
        services: &[],
    }
}

fn trace() -> Vec<TraceEntry> {
    let entry = |ms: u64, direction, text: &str| TraceEntry {
        at: Duration::from_millis(ms),
        stream: "EventSourced.handle#1".to_owned(),
        direction,
        text: text.to_owned(),
    };
    vec![
        entry(0, Direction::Event, "stream opened"),
        entry(
            1,
            Direction::Sent,
            r#"{"init":{"serviceName":"cloudstate.tck.model.EventSourcedTckModel"}}"#,
        ),
        entry(
            3,
            Direction::Received,
            r#"{"reply":{"commandId":"1","sideEffects":[]}}"#,
        ),
    ]
}

fn report(info: CaseInfo, outcome: Outcome, ms: u64, expected_failure: Option<&str>) -> RunEvent {
    let trace = if outcome.is_failure() {
        trace()
    } else {
        Vec::new()
    };
    let warning = info.id == WARNING;
    let severity = if warning {
        crate::spec::Severity::Should
    } else {
        crate::spec::Severity::Protocol
    };
    RunEvent::CaseFinished(Box::new(CaseReport {
        info,
        outcome,
        duration: Duration::from_millis(ms),
        started_at: at("2025-03-04T10:00:01.250+01:00"),
        trace,
        expected_failure: expected_failure.map(str::to_owned),
        severity,
        warning,
    }))
}

/// The synthetic run, event by event.
pub(super) fn events() -> Vec<RunEvent> {
    let run = RunInfo {
        tck_version: "0.0.0-test",
        mode: crate::case::Mode::Sdk,
        target: TargetInfo {
            address: "127.0.0.1:8080".to_owned(),
            spawned: None,
            service_info: Some(ServiceInfoReport {
                service_name: "tck-model".to_owned(),
                service_version: "1.0.0".to_owned(),
                service_runtime: "rustc 1.88".to_owned(),
                support_library_name: "cloudstate-rust".to_owned(),
                support_library_version: "0.2.0".to_owned(),
                protocol_major_version: 0,
                protocol_minor_version: 2,
            }),
        },
        seed: 42,
        started_at: at("2025-03-04T10:00:00.000+01:00"),
        selected: 7,
        protocol_note: None,
    };
    let mismatch = CaseFailure::mismatch(
        "The reply to command 1 is not the expected reply.",
        "{\n  \"commandId\": \"1\",\n  \"snapshot\": true\n}".to_owned(),
        "{\n  \"commandId\": \"1\",\n  \"snapshot\": false\n}".to_owned(),
    );
    let cases = [
        (info(PASS, &["TEST-ACT-1"]), Outcome::Pass, None),
        (
            info(FAIL, &["TEST-ES-7", "TEST-ES-8"]),
            Outcome::Fail(mismatch),
            None,
        ),
        (
            info(SKIP, &["TEST-CRDT-1"]),
            Outcome::Skip {
                reason: "the target does not serve cloudstate.tck.model.crdt.TckCrdt".to_owned(),
            },
            None,
        ),
        (
            info(ERROR, &["TEST-VE-2"]),
            Outcome::Error(CaseFailure::error(
                "The target closed the connection before replying.",
            )),
            None,
        ),
        (
            info(EXPECTED_FAIL, &["TEST-ES-12"]),
            Outcome::Fail(CaseFailure::fail("No side effect was forwarded.")),
            Some("side effects are not implemented yet"),
        ),
        (
            info(UNEXPECTED_PASS, &["TEST-ACT-3"]),
            Outcome::Pass,
            Some("streamed replies are broken"),
        ),
        (
            info(WARNING, &["TEST-MAL-9"]),
            Outcome::Fail(CaseFailure::fail(
                "The user function applied an event that came after the first command.",
            )),
            None,
        ),
    ];
    let mut events = vec![RunEvent::RunStarted(run)];
    for (index, (info, outcome, expected)) in cases.into_iter().enumerate() {
        events.push(RunEvent::CaseStarted { info });
        events.push(report(info, outcome, 12 + index as u64, expected));
    }
    events.push(RunEvent::RunFinished {
        summary: RunSummary {
            passed: 2,
            failed: 2,
            errored: 1,
            skipped: 1,
            warnings: 1,
            duration: Duration::from_millis(1234),
            unexpected_passes: vec![UNEXPECTED_PASS.to_owned()],
            unexpected_failures: vec![FAIL.to_owned(), ERROR.to_owned()],
            expected_but_not_run: vec!["crdt.sdk.vote_changes".to_owned()],
            ..RunSummary::default()
        },
        target_output: Some(
            "listening on 127.0.0.1:8080\nthread 'main' panicked at src/main.rs:10:5".to_owned(),
        ),
    });
    events
}

pub(super) fn run(reporter: &mut dyn Reporter) {
    for event in events() {
        reporter.handle(&event).unwrap();
    }
}

/// A parsed XML element: name, attributes, text and children.
#[derive(Debug, Default)]
pub(super) struct Element {
    pub(super) name: String,
    pub(super) attributes: BTreeMap<String, String>,
    pub(super) text: String,
    pub(super) children: Vec<Element>,
}

impl Element {
    pub(super) fn all<'a>(&'a self, name: &str) -> impl Iterator<Item = &'a Element> + 'a {
        let name = name.to_owned();
        self.children.iter().filter(move |child| child.name == name)
    }

    pub(super) fn child(&self, name: &str) -> &Element {
        self.all(name)
            .next()
            .unwrap_or_else(|| panic!("<{}> has no <{name}>", self.name))
    }

    pub(super) fn attribute(&self, name: &str) -> &str {
        self.attributes
            .get(name)
            .map(String::as_str)
            .unwrap_or_else(|| panic!("<{}> has no {name}", self.name))
    }

    /// Whether a `<property>` with this name and value is under `<properties>`.
    pub(super) fn has_property(&self, name: &str, value: &str) -> bool {
        self.properties()
            .iter()
            .any(|(n, v)| n == name && v == value)
    }

    /// `(name, value)` of every `<property>` under `<properties>`.
    pub(super) fn properties(&self) -> Vec<(String, String)> {
        self.all("properties")
            .flat_map(|properties| properties.all("property"))
            .map(|property| {
                (
                    property.attribute("name").to_owned(),
                    property.attribute("value").to_owned(),
                )
            })
            .collect()
    }
}

fn element(start: &quick_xml::events::BytesStart<'_>) -> Element {
    let attributes = start
        .attributes()
        .map(|attribute| {
            let attribute = attribute.unwrap();
            let value = attribute
                .normalized_value(quick_xml::XmlVersion::Implicit1_0)
                .unwrap();
            (
                String::from_utf8(attribute.key.as_ref().to_vec()).unwrap(),
                value.into_owned(),
            )
        })
        .collect();
    Element {
        name: String::from_utf8(start.name().as_ref().to_vec()).unwrap(),
        attributes,
        ..Element::default()
    }
}

/// Parses a whole document, failing on anything that is not well-formed.
pub(super) fn parse_xml(xml: &str) -> Element {
    let mut reader = quick_xml::Reader::from_str(xml);
    reader.config_mut().check_end_names = true;
    let mut stack = vec![Element::default()];
    loop {
        match reader.read_event().unwrap() {
            Event::Start(start) => stack.push(element(&start)),
            Event::Empty(start) => stack.last_mut().unwrap().children.push(element(&start)),
            Event::End(_) => {
                let done = stack.pop().unwrap();
                stack.last_mut().unwrap().children.push(done);
            }
            Event::Text(text) => stack
                .last_mut()
                .unwrap()
                .text
                .push_str(&text.xml10_content().unwrap()),
            Event::CData(data) => stack
                .last_mut()
                .unwrap()
                .text
                .push_str(&data.decode().unwrap()),
            Event::GeneralRef(reference) => {
                let resolved = match reference.resolve_char_ref().unwrap() {
                    Some(c) => c.to_string(),
                    None => {
                        quick_xml::escape::resolve_predefined_entity(&reference.decode().unwrap())
                            .unwrap()
                            .to_owned()
                    }
                };
                stack.last_mut().unwrap().text.push_str(&resolved);
            }
            Event::Eof => break,
            _ => {}
        }
    }
    assert_eq!(stack.len(), 1, "unclosed elements");
    let mut document = stack.pop().unwrap();
    assert_eq!(document.children.len(), 1, "one root element");
    document.children.pop().unwrap()
}

fn console_output(progress: bool) -> String {
    let mut reporter = ConsoleReporter::new(Vec::new()).with_progress(progress);
    run(&mut reporter);
    String::from_utf8(reporter.into_inner()).unwrap()
}

#[test]
fn console_report() {
    let output = console_output(false);
    assert_eq!(
        output.lines().last(),
        Some("2 passed, 3 failed, 1 skipped"),
        "{output}"
    );
    insta::with_settings!({filters => vec![(r"\(\d+ ms\)", "([duration])"), (r"in \d+ ms:", "in [duration]:")]}, {
        insta::assert_snapshot!("console", output);
    });
}

#[test]
fn console_progress_prefixes_every_case_line() {
    let output = console_output(true);
    assert!(
        output.contains("[1/7] PASS  action.sdk.echo_reply  (12 ms)"),
        "{output}"
    );
    assert!(
        output.contains("[6/7] PASS  action.sdk.streamed_replies"),
        "{output}"
    );
    assert!(
        output.ends_with("\n2 passed, 3 failed, 1 skipped\n"),
        "{output}"
    );
}

#[test]
fn requirements_are_quoted_with_their_text() {
    let Some(requirement) = crate::spec::requirements().first() else {
        return;
    };
    let requirements: &'static [&'static str] = Box::leak(vec![requirement.id].into_boxed_slice());
    let mut reporter = ConsoleReporter::new(Vec::new());
    let failure = Outcome::Fail(CaseFailure::fail("Wrong."));
    reporter
        .handle(&report(info(FAIL, requirements), failure, 1, None))
        .unwrap();
    let output = String::from_utf8(reporter.into_inner()).unwrap();
    assert!(
        output.contains(&format!("{}: {}", requirement.id, requirement.text)),
        "{output}"
    );
}
