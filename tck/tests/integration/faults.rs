//! Fault injection: the SDK suite against the built-in model under each of its deliberate faults, and the
//! proxy suite against the reference proxy under each of its own. Every fault must be caught by some
//! case, and every case must fail under some fault.

use std::time::Duration;

use crate::support::{describe, faulty_proxy, run_tck, run_tck_within, workspace};

#[tokio::test]
async fn every_fault_is_caught_and_every_case_fails_under_one() {
    let proxy = tokio::task::spawn_blocking(faulty_proxy)
        .await
        .expect("join");
    // The matrix is written where `cloudstate-tck faults` writes it by default.
    let reports = workspace().join("reports");
    let json = reports.join("faults.json");
    let markdown = reports.join("faults.md");
    let output = run_tck_within(
        Duration::from_secs(20 * 60),
        &[
            "faults",
            "--proxy-command",
            proxy.to_str().expect("utf-8"),
            "--json",
            json.to_str().expect("utf-8"),
            "--markdown",
            markdown.to_str().expect("utf-8"),
        ],
    )
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
    assert_eq!(totals["killed"], totals["cases"]);
    let faults = report["faults"].as_array().expect("a list of faults");
    for mode in ["sdk", "proxy"] {
        let of_mode: Vec<&serde_json::Value> = faults
            .iter()
            .filter(|fault| fault["mode"] == mode)
            .collect();
        assert!(of_mode.len() >= 20, "only {} {mode} faults", of_mode.len());
        assert!(
            of_mode.iter().all(|fault| fault["setup_error"].is_null()),
            "a {mode} fault could not be set up\n{}",
            describe(&output)
        );
    }
    let version = faults
        .iter()
        .find(|f| f["name"] == "wrong-protocol-version" && f["mode"] == "sdk")
        .expect("the wrong-protocol-version fault");
    assert!(
        version["failed"].as_array().is_some_and(
            |failed| failed.contains(&"discovery.sdk.announces_protocol_version".into())
        ),
        "{version}"
    );
    let page = std::fs::read_to_string(&markdown).expect("Markdown report");
    assert!(page.contains("**Complete**"), "{page}");
    assert!(page.contains("| `wrong-command-id` | sdk |"), "{page}");
    assert!(page.contains("| `no-replay` | proxy |"), "{page}");
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
