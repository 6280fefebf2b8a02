//! `cloudstate-tck report` and `--html`: the certification page from the committed sample report and
//! from a live run, and the comparison of two runs.

use crate::support::{ModelServer, describe, run_tck};

const SAMPLE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../fixtures/reports/sample.json"
);
const FAILING: &str = "event_sourced.sdk.multiple_emitted_events_and_snapshots";

#[tokio::test]
async fn report_renders_the_page_and_lists_what_changed() {
    let dir = tempfile::tempdir().expect("temp dir");
    // The baseline: the same run, when the failing case still passed.
    let mut baseline: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(SAMPLE).expect("sample")).expect("JSON");
    for case in baseline["cases"].as_array_mut().expect("cases") {
        if case["id"] == FAILING {
            case["outcome"] = "pass".into();
        }
    }
    let baseline_path = dir.path().join("baseline.json");
    std::fs::write(&baseline_path, baseline.to_string()).expect("write");
    let page_path = dir.path().join("pages/sample.html");
    let output = run_tck(&[
        "report",
        SAMPLE,
        "--html",
        page_path.to_str().expect("path"),
        "--compare",
        baseline_path.to_str().expect("path"),
    ])
    .await;
    assert_eq!(output.status.code(), Some(0), "{}", describe(&output));
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        stdout.contains("1 changed, 0 added, 0 removed, 9 unchanged"),
        "{stdout}"
    );
    assert!(
        stdout.contains(&format!("  regressed  pass  -> fail   {FAILING}\n")),
        "{stdout}"
    );
    assert!(
        stdout.contains("wrote the certification page to"),
        "{stdout}"
    );
    let page = std::fs::read_to_string(&page_path).expect("the page");
    assert!(
        page.contains("<h2>Changes since "),
        "the comparison is on the page"
    );
    assert!(page.contains(&format!("id=\"case-{FAILING}\"")));

    let overview = run_tck(&["report", SAMPLE]).await;
    assert_eq!(overview.status.code(), Some(0), "{}", describe(&overview));
    let stdout = String::from_utf8_lossy(&overview.stdout);
    assert!(
        stdout.contains("9 passed, 1 failed, 0 skipped, 0 errored: not conformant"),
        "{stdout}"
    );
    assert!(stdout.contains(&format!("FAIL  {FAILING}: ")), "{stdout}");
}

#[tokio::test]
async fn unreadable_reports_are_bad_arguments() {
    let missing = run_tck(&["report", "no/such/report.json"]).await;
    assert_eq!(missing.status.code(), Some(64), "{}", describe(&missing));
    assert!(String::from_utf8_lossy(&missing.stderr).contains("cannot read no/such/report.json"));
    let dir = tempfile::tempdir().expect("temp dir");
    let other = dir.path().join("other.json");
    std::fs::write(&other, "{\"format_version\": 9}").expect("write");
    let output = run_tck(&["report", other.to_str().expect("path")]).await;
    assert_eq!(output.status.code(), Some(64), "{}", describe(&output));
}

#[tokio::test]
async fn an_sdk_run_writes_the_page() {
    let model = ModelServer::start().await;
    let dir = tempfile::tempdir().expect("temp dir");
    let page_path = dir.path().join("run.html");
    let output = run_tck(&[
        "sdk",
        "--target",
        &model.address,
        "--select",
        "action.sdk.unary_command_reply",
        "--seed",
        "7",
        "--html",
        page_path.to_str().expect("path"),
    ])
    .await;
    assert_eq!(output.status.code(), Some(0), "{}", describe(&output));
    let page = std::fs::read_to_string(&page_path).expect("the page");
    assert!(page.contains("<b>Conformant</b>"));
    assert!(page.contains("<dd>7</dd>"), "the seed");
    assert!(page.contains("id=\"case-action.sdk.unary_command_reply\""));
    assert!(page.contains("<div class=\"seq lanes2\""), "the wire trace");
}
