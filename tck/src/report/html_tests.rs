//! Tests of the certification page and of `report --compare`, on the committed sample report
//! (`fixtures/reports/sample.json`: a real SDK-mode run against the built-in model, with one case
//! edited into a failure) and on the synthetic run of the reporter tests.

use std::path::{Path, PathBuf};

use super::html::render_html;
use super::model::{CaseOutcome, ReadReportError, ReportDocument};
use super::{Comparison, Recorder};
use crate::run::Reporter as _;

const FAILING: &str = "event_sourced.sdk.multiple_emitted_events_and_snapshots";

fn sample_path() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../fixtures/reports/sample.json")
}

fn sample() -> ReportDocument {
    ReportDocument::load(&sample_path()).unwrap()
}

/// The `<li>` of a case, from its opening tag to its end.
fn case_block<'a>(page: &'a str, id: &str) -> &'a str {
    let start = page
        .find(&format!("data-id=\"{id}\""))
        .unwrap_or_else(|| panic!("no case {id}"));
    let end = start + page[start..].find("</details></li>").unwrap();
    &page[start..end]
}

/// The values of every `name="…"` attribute in the page.
fn attribute_values<'a>(page: &'a str, name: &str) -> Vec<&'a str> {
    let needle = format!(" {name}=\"");
    page.match_indices(&needle)
        .map(|(at, _)| {
            let value = &page[at + needle.len()..];
            &value[..value.find('"').unwrap()]
        })
        .collect()
}

#[test]
fn the_sample_page_shows_identity_matrix_and_cases() {
    let document = sample();
    let page = render_html(&document, None);
    assert!(page.starts_with("<!DOCTYPE html>\n<html lang=\"en\">"));
    assert!(page.contains("<meta name=\"color-scheme\" content=\"light dark\">"));
    assert!(page.contains("@media (prefers-color-scheme:dark)"));
    for identity in [
        "cloudstate-tck-model 0.1.0",
        "cloudstate-tck 0.1.0",
        "<dd>0.2</dd>",
        "<dd>127.0.0.1:8080</dd>",
        "<dd>20250304</dd>",
        "<dd>2026-11-27 11:36:55 UTC</dd>",
        "<b>Not conformant</b>",
    ] {
        assert!(page.contains(identity), "missing {identity}");
    }

    // The matrix: one row per area that ran, plus the totals, and a column per mode.
    let matrix = &page[page.find("<table class=\"matrix\">").unwrap()..];
    let matrix = &matrix[..matrix.find("</table>").unwrap()];
    assert_eq!(matrix.matches("<tr").count(), 1 + 5 + 1, "{matrix}");
    assert!(matrix.contains("<th scope=\"col\">SDK mode</th><th scope=\"col\">Proxy mode</th>"));
    assert!(matrix.contains(
        "<a class=\"chip fail\" href=\"#cases\" data-area=\"event_sourced\" data-mode=\"sdk\" \
         data-outcome=\"fail\">1 fail</a>"
    ));
    assert!(matrix.contains("data-area=\"\" data-mode=\"sdk\" data-outcome=\"pass\">9 pass</a>"));
    assert!(matrix.contains("not run"), "the proxy column is empty");

    // One row per case, in run order, each a <details> with an anchor.
    assert_eq!(
        page.matches("<li class=\"case-item\"").count(),
        document.cases.len()
    );
    let mut last = 0;
    for case in &document.cases {
        let at = page
            .find(&format!(
                "<details class=\"case {}\" id=\"case-{}\">",
                case.outcome.as_str(),
                case.id
            ))
            .unwrap_or_else(|| panic!("no details for {}", case.id));
        assert!(at > last, "{} is out of order", case.id);
        last = at;
    }

    // Filters by outcome, area and mode, and the script that applies them and opens #case-<id>.
    for outcome in CaseOutcome::ALL {
        let toggle = format!(
            "data-outcome=\"{0}\" aria-pressed=\"true\">{0}</button>",
            outcome.as_str()
        );
        assert!(page.contains(&toggle), "missing {toggle}");
    }
    for area in [
        "action",
        "crdt",
        "discovery",
        "event_sourced",
        "value_entity",
    ] {
        assert!(page.contains(&format!("<option value=\"{area}\">{area}</option>")));
    }
    assert!(page.contains("<select id=\"mode\">") && page.contains("<input id=\"search\""));
    assert!(page.contains("hash.startsWith(\"case-\")"));
}

#[test]
fn the_failing_case_shows_requirements_diff_and_sequence() {
    let page = render_html(&sample(), None);
    let failing = case_block(&page, FAILING);
    assert!(failing.contains("<span class=\"badge fail\">fail</span>"));
    assert!(failing.contains("<span class=\"tag bad\">unexpected</span>"));
    assert!(failing.contains(
        "<div class=\"message fail\"><pre>EventSourced.handle#1: the message received differs from the one \
         expected</pre></div>"
    ));
    // Requirement texts come from the spec built into the TCK.
    let es011 = crate::spec::requirement("ES-011").unwrap();
    assert!(failing.contains(
        "<li><b>ES-011</b> <span class=\"chapter\">event-sourced.md · protocol MUST</span>"
    ));
    let quoted = super::html_case::inline_markup(&es011.text);
    assert!(failing.contains(&quoted), "{quoted}");
    assert!(quoted.contains("<code>snapshot</code>"), "{quoted}");
    // The diff, line by line.
    assert!(failing.contains("<pre class=\"diff\"><span class=\"file\">--- expected</span>"));
    assert!(failing.contains("<span class=\"del\">-    &quot;snapshot&quot;: {</span>"));
    assert!(failing.contains("<span class=\"ins\">+    ]</span>"));
    assert!(failing.contains("<summary>Expected and actual in full</summary>"));
    // The wire trace: two lanes in SDK mode, one row per entry.
    assert!(failing.contains(
        "<div class=\"seq lanes2\" role=\"figure\" aria-label=\"Wire trace as a sequence diagram\" \
         title=\"Click a message to show all of it\">"
    ));
    assert!(failing.contains("<b>TCK</b><small>as proxy</small>"));
    assert!(failing.contains("<b>User function</b><small>under test</small>"));
    let entries = sample()
        .cases
        .iter()
        .find(|case| case.id == FAILING)
        .map(|case| case.trace.len())
        .unwrap();
    assert_eq!(
        failing.matches("<div class=\"seq-row ").count(),
        1 + entries
    );
    assert_eq!(
        failing.matches("<div class=\"m c01 to-r\">").count(),
        6,
        "commands sent"
    );
    assert_eq!(
        failing.matches("<div class=\"m c01 to-l\">").count(),
        5,
        "replies received"
    );
    assert!(failing.contains("<div class=\"note c01\"><span>call opened</span></div>"));
    // A passing case has no diff.
    assert!(!case_block(&page, "action.sdk.unary_command_reply").contains("class=\"diff\""));
}

#[test]
fn the_page_needs_no_network() {
    let page = render_html(&sample(), None);
    for name in ["href", "src", "action", "srcset", "poster", "data"] {
        for value in attribute_values(&page, name) {
            assert!(
                !value.contains("://") && !value.starts_with("//"),
                "{name}=\"{value}\" leaves the page"
            );
        }
    }
    for external in ["<link", "<script src", "<iframe", "<img", "@import", "url("] {
        assert!(!page.contains(external), "{external}");
    }
    assert_eq!(page.matches("<script>").count(), 1);
    assert_eq!(page.matches("<style>").count(), 1);
}

#[test]
fn text_from_the_target_cannot_become_markup() {
    let mut document = sample();
    let injected = "<script>alert(\"x\")</script><img src=x onerror=alert(1)>";
    document.target_output = Some(format!("</pre>{injected}"));
    if let Some(info) = document.target.service_info.as_mut() {
        info.service_name = injected.to_owned();
    }
    let case = document
        .cases
        .iter_mut()
        .find(|case| case.id == FAILING)
        .unwrap();
    case.message = Some(format!("bad reply {injected}"));
    case.actual = Some(injected.to_owned());
    case.diff = Some(format!("+{injected}\n"));
    case.trace[1].text = injected.to_owned();
    case.trace[1].stream = format!("\"><{injected}");
    let page = render_html(&document, None);
    assert_eq!(
        page.matches("<script").count(),
        1,
        "only the page's own script"
    );
    assert!(!page.contains("<img") && !page.contains("</script><"));
    assert!(
        page.contains("bad reply &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&lt;img src=x")
    );
    assert!(page.contains("<title>Cloudstate TCK certification: &lt;script&gt;"));
}

#[test]
fn a_live_run_renders_the_page_its_json_report_renders() {
    let dir = tempfile::tempdir().unwrap();
    let (html, json) = (dir.path().join("run.html"), dir.path().join("run.json"));
    let mut recorder = Recorder::new().html(&html).json(&json);
    for event in super::tests::events() {
        recorder.handle(&event).unwrap();
    }
    let live = std::fs::read_to_string(&html).unwrap();
    let read_back = render_html(&ReportDocument::load(&json).unwrap(), None);
    assert_eq!(live, read_back);
    assert!(live.contains("<span class=\"tag\">expected failure</span>"));
    assert!(
        live.contains(
            "<b>Skipped:</b> the target does not serve cloudstate.tck.model.crdt.TckCrdt"
        )
    );
}

#[test]
fn reports_of_another_format_version_are_refused() {
    let text = std::fs::read_to_string(sample_path()).unwrap();
    let text = text.replacen("\"format_version\": 1,", "\"format_version\": 2,", 1);
    let error = ReportDocument::parse(&text, Path::new("new.json")).unwrap_err();
    assert!(
        matches!(error, ReadReportError::Version { found: 2, .. }),
        "{error}"
    );
    let error = ReportDocument::parse("{}", Path::new("empty.json")).unwrap_err();
    assert!(
        error
            .to_string()
            .starts_with("empty.json is not a JSON report"),
        "{error}"
    );
}

/// The sample as an earlier run would have had it: the failing case still passing, a case failing that
/// passes now, one case not yet written and one that was retired since.
fn baseline() -> ReportDocument {
    let mut baseline = sample();
    for case in &mut baseline.cases {
        match case.id.as_str() {
            FAILING => case.outcome = CaseOutcome::Pass,
            "action.sdk.unary_command_reply" => case.outcome = CaseOutcome::Fail,
            "value_entity.sdk.delete_state" => case.outcome = CaseOutcome::Skip,
            _ => {}
        }
    }
    baseline
        .cases
        .retain(|case| case.id != "crdt.sdk.gcounter_state_changes");
    let mut retired = baseline.cases[0].clone();
    retired.id = "discovery.sdk.retired_case".to_owned();
    baseline.cases.push(retired);
    baseline.started_at = "2026-11-20T09:00:00.000Z".to_owned();
    baseline
}

#[test]
fn compare_lists_changed_added_and_removed_cases() {
    let comparison = Comparison::between("baseline.json", &baseline(), &sample());
    insta::assert_snapshot!("compare", comparison.to_text());
    let kinds: Vec<(&str, &str)> = comparison
        .changed
        .iter()
        .map(|change| (change.id.as_str(), change.kind()))
        .collect();
    assert_eq!(
        kinds,
        [
            ("action.sdk.unary_command_reply", "fixed"),
            ("value_entity.sdk.delete_state", "changed"),
            (FAILING, "regressed"),
        ]
    );
    assert_eq!(comparison.unchanged, 6);

    let page = render_html(&sample(), Some(&comparison));
    let section = &page[page.find("<section class=\"compare\">").unwrap()..];
    let section = &section[..section.find("</section>").unwrap()];
    assert!(section.contains("<h2>Changes since baseline.json</h2>"));
    assert!(section.contains(&format!(
        "<tr class=\"regressed\"><td>regressed</td><td><span class=\"badge pass\">pass</span></td>\
         <td><span class=\"badge fail\">fail</span></td><td><a href=\"#case-{FAILING}\"><code>{FAILING}</code></a></td></tr>"
    )));
    assert!(section.contains("<tr class=\"added\"><td>added</td>"));
    assert!(section.contains("<code>discovery.sdk.retired_case</code>"));

    let same = Comparison::between("same.json", &sample(), &sample());
    assert!(same.is_empty());
    assert!(same.to_text().ends_with("No case changed its outcome.\n"));
}
