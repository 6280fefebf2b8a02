//! The command line itself: `list`, `explain`, `--help`, bad arguments and empty selections.

use crate::support::{describe, run_tck};

#[tokio::test]
async fn list_prints_every_case() {
    let output = run_tck(&["list"]).await;
    assert_eq!(output.status.code(), Some(0), "{}", describe(&output));
    insta::assert_snapshot!("list", String::from_utf8_lossy(&output.stdout));
}

#[tokio::test]
async fn list_json_is_an_array_of_case_records() {
    let output = run_tck(&["list", "--format", "json"]).await;
    assert_eq!(output.status.code(), Some(0), "{}", describe(&output));
    let records: serde_json::Value = serde_json::from_slice(&output.stdout).expect("JSON");
    let records = records.as_array().expect("an array");
    assert!(records.len() >= 75, "{} cases", records.len());
    let first = &records[0];
    for key in ["id", "area", "mode", "summary", "requirements", "services"] {
        assert!(first.get(key).is_some(), "missing {key} in {first}");
    }
}

#[tokio::test]
async fn explain_quotes_the_requirements() {
    let output = run_tck(&["explain", "discovery.sdk.announces_protocol_version"]).await;
    assert_eq!(output.status.code(), Some(0), "{}", describe(&output));
    insta::assert_snapshot!("explain", String::from_utf8_lossy(&output.stdout));
}

#[tokio::test]
async fn explain_of_an_unknown_case_is_a_bad_argument() {
    let output = run_tck(&["explain", "no.such.case"]).await;
    assert_eq!(output.status.code(), Some(64), "{}", describe(&output));
    assert!(String::from_utf8_lossy(&output.stderr).contains("`no.such.case` is not a case ID"));
}

#[tokio::test]
async fn bad_flags_exit_64_and_help_exits_0() {
    let bad = run_tck(&["sdk", "--target", "127.0.0.1:1", "--timeout-ms", "soon"]).await;
    assert_eq!(bad.status.code(), Some(64), "{}", describe(&bad));
    let neither = run_tck(&["sdk"]).await;
    assert_eq!(neither.status.code(), Some(64), "{}", describe(&neither));
    let bad_address = run_tck(&["sdk", "--target", "nowhere"]).await;
    assert_eq!(
        bad_address.status.code(),
        Some(64),
        "{}",
        describe(&bad_address)
    );
    let help = run_tck(&["--help"]).await;
    assert_eq!(help.status.code(), Some(0), "{}", describe(&help));
    assert!(String::from_utf8_lossy(&help.stdout).contains("Exit codes"));
}

#[tokio::test]
async fn a_selection_that_matches_nothing_exits_4() {
    let output = run_tck(&["sdk", "--target", "127.0.0.1:1", "--select", "nothing.*"]).await;
    assert_eq!(output.status.code(), Some(4), "{}", describe(&output));
}

#[tokio::test]
async fn a_bad_expected_failures_file_exits_64() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("expected.txt");
    std::fs::write(&path, "no.such.case because\n").expect("write");
    let output = run_tck(&[
        "sdk",
        "--target",
        "127.0.0.1:1",
        "--expected-failures",
        path.to_str().expect("utf-8"),
    ])
    .await;
    assert_eq!(output.status.code(), Some(64), "{}", describe(&output));
    assert!(
        String::from_utf8_lossy(&output.stderr)
            .contains("expected.txt:1: `no.such.case` is not a case ID")
    );
}
