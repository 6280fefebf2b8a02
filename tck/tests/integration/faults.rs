//! Fault injection: the SDK suite against the built-in model under each of its deliberate faults. Every
//! fault must be caught by some case, and every case must fail under some fault.

use crate::support::{describe, run_tck};

#[tokio::test]
async fn every_model_fault_is_caught_and_every_sdk_case_fails_under_one() {
    let dir = tempfile::tempdir().expect("temp dir");
    let json = dir.path().join("faults.json");
    let markdown = dir.path().join("faults.md");
    let output = run_tck(&[
        "faults",
        "--json",
        json.to_str().expect("utf-8"),
        "--markdown",
        markdown.to_str().expect("utf-8"),
    ])
    .await;
    let report: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&json).expect("JSON report")).expect("valid JSON");
    assert_eq!(
        report["control_problems"],
        serde_json::json!([]),
        "{}",
        describe(&output)
    );
    assert_eq!(
        report["surviving_faults"],
        serde_json::json!([]),
        "faults no case caught\n{}",
        describe(&output)
    );
    assert_eq!(
        report["unkilled_cases"],
        serde_json::json!([]),
        "cases no fault made fail\n{}",
        describe(&output)
    );
    assert_eq!(output.status.code(), Some(0), "{}", describe(&output));
    assert_eq!(report["complete"], true);
    let totals = &report["totals"];
    assert!(totals["faults"].as_u64().unwrap_or(0) >= 30, "{totals}");
    assert!(totals["cases"].as_u64().unwrap_or(0) >= 160, "{totals}");
    assert_eq!(totals["killed"], totals["cases"]);
    let version = report["faults"]
        .as_array()
        .and_then(|faults| {
            faults
                .iter()
                .find(|f| f["name"] == "wrong-protocol-version")
        })
        .expect("the wrong-protocol-version fault");
    assert_eq!(
        version["failed"],
        serde_json::json!(["discovery.sdk.announces_protocol_version"])
    );
    let page = std::fs::read_to_string(&markdown).expect("Markdown report");
    assert!(page.contains("**Complete**"), "{page}");
    assert!(page.contains("| `wrong-command-id` | sdk |"), "{page}");
}

#[tokio::test]
async fn serve_model_lists_its_faults_and_rejects_an_unknown_one() {
    let output = run_tck(&["serve-model", "--list-faults"]).await;
    assert_eq!(output.status.code(), Some(0), "{}", describe(&output));
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(stdout.lines().count() >= 30, "{stdout}");
    assert!(
        stdout
            .lines()
            .any(|line| line.starts_with("wrong-command-id ")),
        "{stdout}"
    );

    let output = run_tck(&["serve-model", "--fault", "no-such-fault"]).await;
    assert_eq!(output.status.code(), Some(64), "{}", describe(&output));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("unknown fault"), "{stderr}");
}

#[tokio::test]
async fn a_model_served_with_a_fault_fails_the_case_that_catches_it() {
    let model = format!(
        "{} serve-model --fault wrong-protocol-version",
        crate::support::tck_binary()
    );
    let output = run_tck(&[
        "sdk",
        "--spawn",
        &model,
        "--select",
        "discovery.*",
        "--timeout-ms",
        "2000",
    ])
    .await;
    assert_eq!(output.status.code(), Some(100), "{}", describe(&output));
    let stdout = String::from_utf8_lossy(&output.stdout);
    let failed: Vec<&str> = stdout
        .lines()
        .filter(|line| line.starts_with("FAIL"))
        .collect();
    assert_eq!(failed.len(), 1, "{stdout}");
    assert!(
        failed[0].contains("discovery.sdk.announces_protocol_version"),
        "{stdout}"
    );
    assert!(stdout.contains("protocol version 0.1"), "{stdout}");
}
