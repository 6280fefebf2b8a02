//! The whole SDK suite against the built-in model service: every case passes, over `--target` and over
//! `--spawn`, and the reports load.

use crate::support::{HEAVY, ModelServer, closing_line, counts, describe, run_tck, tck_binary};

#[tokio::test]
async fn the_sdk_suite_passes_against_the_model_service() {
    let _turn = HEAVY.lock().await;
    let model = ModelServer::start().await;
    let dir = tempfile::tempdir().expect("temp dir");
    let junit = dir.path().join("sdk.xml");
    let json = dir.path().join("sdk.json");
    let output = run_tck(&[
        "sdk",
        "--target",
        &model.address,
        "--seed",
        "7",
        "--junit",
        junit.to_str().expect("utf-8"),
        "--json",
        json.to_str().expect("utf-8"),
    ])
    .await;
    assert_eq!(output.status.code(), Some(0), "{}", describe(&output));
    let (passed, failed, skipped) = counts(&closing_line(&output));
    assert!(passed >= 160, "{passed} passed");
    assert_eq!((failed, skipped), (0, 0), "{}", describe(&output));

    let stdout = String::from_utf8_lossy(&output.stdout).replace(&model.address, "[address]");
    insta::with_settings!({filters => vec![(r"\(\d+ ms\)", "([duration])"), (r"in \d+ ms:", "in [duration]:")]}, {
        insta::assert_snapshot!("sdk_console_report", stdout);
    });

    let report: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&json).expect("JSON report")).expect("valid JSON");
    assert_eq!(report["format_version"], 1);
    assert_eq!(report["seed"], 7);
    assert_eq!(report["cases"].as_array().map(Vec::len), Some(passed));
    assert_eq!(
        report["target"]["service_info"]["protocol_minor_version"],
        2
    );

    let xml = std::fs::read_to_string(&junit).expect("JUnit report");
    assert_eq!(
        xml.matches("<testcase ").count(),
        passed,
        "one testcase per case"
    );
    for suite in [
        "discovery.sdk",
        "action.sdk",
        "value_entity.sdk",
        "event_sourced.sdk",
        "crdt.sdk",
    ] {
        assert!(
            xml.contains(&format!("<testsuite name=\"{suite}\"")),
            "suite {suite} missing"
        );
    }
}

#[tokio::test]
async fn spawn_mode_starts_and_always_stops_the_model() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .expect("bind")
        .local_addr()
        .expect("address")
        .port();
    // The shell writes its process ID and becomes the model, so the file names the model's process.
    let dir = tempfile::tempdir().expect("temp dir");
    let pid_file = dir.path().join("model.pid");
    let command = format!(
        "echo $$ > '{}'; exec {} serve-model",
        pid_file.display(),
        tck_binary()
    );
    let output = run_tck(&[
        "sdk",
        "--spawn",
        &command,
        "--spawn-port",
        &port.to_string(),
        "--select",
        "value_entity.*",
    ])
    .await;
    assert_eq!(output.status.code(), Some(0), "{}", describe(&output));
    let (passed, failed, _) = counts(&closing_line(&output));
    assert!(passed >= 19 && failed == 0, "{}", describe(&output));
    // The TCK stopped (and reaped) the model it spawned. Its port is no proof: with other tests
    // binding free ports at the same time, another server may have taken it since.
    let pid = std::fs::read_to_string(&pid_file).expect("the model wrote its process ID");
    assert!(
        !std::path::Path::new("/proc").join(pid.trim()).exists(),
        "the spawned model (process {}) is still running",
        pid.trim()
    );
}

#[tokio::test]
async fn an_expected_failure_that_passes_turns_the_run_red() {
    let model = ModelServer::start().await;
    let dir = tempfile::tempdir().expect("temp dir");
    let expected = dir.path().join("expected.txt");
    std::fs::write(
        &expected,
        "discovery.sdk.announces_protocol_version  thought to announce no version\n",
    )
    .expect("write");
    let output = run_tck(&[
        "sdk",
        "--target",
        &model.address,
        "--select",
        "discovery.*",
        "--expected-failures",
        expected.to_str().expect("utf-8"),
    ])
    .await;
    assert_eq!(output.status.code(), Some(100), "{}", describe(&output));
    assert!(
        String::from_utf8_lossy(&output.stdout)
            .contains("discovery.sdk.announces_protocol_version")
    );
}

#[tokio::test]
async fn reports_keep_the_start_of_passing_traces_unless_asked_for_all() {
    let model = ModelServer::start().await;
    let dir = tempfile::tempdir().expect("temp dir");
    let case = "action.sdk.property_calls";
    let mut lengths = Vec::new();
    for trace in ["failures", "all"] {
        let json = dir.path().join(format!("{trace}.json"));
        let output = run_tck(&[
            "sdk",
            "--target",
            &model.address,
            "--seed",
            "7",
            "--select",
            case,
            "--trace",
            trace,
            "--json",
            json.to_str().expect("utf-8"),
        ])
        .await;
        assert_eq!(output.status.code(), Some(0), "{}", describe(&output));
        let report: serde_json::Value =
            serde_json::from_slice(&std::fs::read(&json).expect("JSON report"))
                .expect("valid JSON");
        let entries = report["cases"][0]["trace"]
            .as_array()
            .expect("a trace")
            .clone();
        lengths.push(entries);
    }
    let (kept, all) = (&lengths[0], &lengths[1]);
    let limit = cloudstate_tck::PASSING_ENTRIES;
    assert_eq!(kept.len(), limit + 1, "the start and one note");
    assert!(all.len() > 10 * limit, "{} entries in all", all.len());
    let calls = |entries: &[serde_json::Value]| -> Vec<String> {
        entries
            .iter()
            .map(|entry| format!("{} {}", entry["stream"], entry["direction"]))
            .collect()
    };
    assert_eq!(
        calls(&kept[..limit]),
        calls(&all[..limit]),
        "the same start"
    );
    let note = kept[limit]["text"].as_str().expect("text");
    assert!(note.contains("--trace all"), "{note}");
}
