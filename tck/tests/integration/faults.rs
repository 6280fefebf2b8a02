//! Fault injection: the SDK suite against the built-in model under each of its deliberate faults, and the
//! proxy suite against the reference proxy under each of its own. Every fault must be caught by some
//! case, and every case must fail under some fault.

use std::time::Duration;

use crate::support::{HEAVY, describe, faulty_proxy, run_tck, run_tck_within, workspace};

#[tokio::test]
async fn every_fault_is_caught_and_every_case_fails_under_one() {
    let _turn = HEAVY.lock().await;
    let proxy = tokio::task::spawn_blocking(faulty_proxy)
        .await
        .expect("join");
    // The matrix is written where `cloudstate-tck faults` writes it by default.
    let reports = workspace().join("reports");
    let json = reports.join("faults.json");
    let markdown = reports.join("faults.md");
    let output = run_tck_within(
        Duration::from_secs(40 * 60),
        &[
            "faults",
            "--proxy-command",
            proxy.to_str().expect("utf-8"),
            // A debug build spends more CPU than a release build: with fewer runs at once than the
            // release defaults (6 proxies, 16 cases a run) the matrix ends sooner here, and its SDK
            // cases keep well within their 1500 ms deadline.
            "--proxy-jobs",
            "4",
            "--case-jobs",
            "8",
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
    // Every variant (a choice the protocol leaves open) passes every case, in both modes; the ones the
    // verdicts must accept are among them.
    assert_eq!(report["rejected_variants"], serde_json::json!([]));
    let variants = report["variants"].as_array().expect("a list of variants");
    for (mode, name) in [
        ("sdk", "orset-clear-on-last-remove"),
        ("sdk", "value-entity-error-status"),
        ("sdk", "reordered-discovery"),
        ("proxy", "lazy-restart"),
        ("proxy", "empty-reflection-answer"),
    ] {
        let variant = variants
            .iter()
            .find(|v| v["name"] == name && v["mode"] == mode)
            .unwrap_or_else(|| panic!("the {mode} variant {name}"));
        assert_eq!(variant["rejected"], false, "{variant}");
        assert_eq!(variant["failed"], serde_json::json!([]), "{variant}");
    }
    readme_states_the_matrix(&report);
}

/// The README's sentence on the matrix (between `<!-- fault-matrix -->` and `<!-- /fault-matrix -->`)
/// says what this run counted; with `CLOUDSTATE_REGENERATE=1` the test writes it instead.
fn readme_states_the_matrix(report: &serde_json::Value) {
    let of_mode = |list: &str, mode: &str| {
        report[list].as_array().map_or(0, |all| {
            all.iter().filter(|entry| entry["mode"] == mode).count()
        })
    };
    let (model_faults, proxy_faults) = (of_mode("faults", "sdk"), of_mode("faults", "proxy"));
    let (model_variants, proxy_variants) =
        (of_mode("variants", "sdk"), of_mode("variants", "proxy"));
    let sentence = format!(
        "{} faults ({model_faults} model, {proxy_faults} proxy), all caught; {} variants \
         ({model_variants} model, {proxy_variants} proxy), all accepted; {} cases, all killed",
        model_faults + proxy_faults,
        model_variants + proxy_variants,
        report["totals"]["cases"],
    );
    let path = workspace().join("README.md");
    let readme = std::fs::read_to_string(&path).expect("README.md");
    let (start, end) = ("<!-- fault-matrix -->", "<!-- /fault-matrix -->");
    let (before, rest) = readme
        .split_once(start)
        .expect("the README marks the matrix sentence");
    let (_, after) = rest
        .split_once(end)
        .expect("the README ends the matrix sentence");
    let written = format!("{before}{start}{sentence}{end}{after}");
    if std::env::var_os("CLOUDSTATE_REGENERATE").is_some() {
        std::fs::write(&path, written).expect("README.md written");
    } else {
        assert!(
            readme == written,
            "the README's fault-matrix numbers are stale: this run counted {sentence:?}; \
             regenerate with CLOUDSTATE_REGENERATE=1"
        );
    }
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

    let output = run_tck(&["serve-model", "--list-variants"]).await;
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        stdout
            .lines()
            .any(|l| l.starts_with("orset-clear-on-last-remove ")),
        "{stdout}"
    );
    // A variant is not a fault: it passes, so `--fault` does not take it.
    let output = run_tck(&["serve-model", "--fault", "orset-clear-on-last-remove"]).await;
    assert_eq!(output.status.code(), Some(64), "{}", describe(&output));
}

#[tokio::test]
async fn a_model_served_with_a_fault_fails_the_case_that_catches_it() {
    let model = format!(
        "{} serve-model --fault unqualified-entity-type",
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
        failed[0].contains("discovery.sdk.entity_types_are_supported"),
        "{stdout}"
    );
    assert!(stdout.contains("EventSourced"), "{stdout}");
}

#[tokio::test]
async fn should_failures_are_warnings_unless_the_run_is_strict() {
    // Under this fault the model decodes a payload whatever its type URL says: only the SHOULD of
    // MAL-018 is broken.
    let model = format!(
        "{} serve-model --fault payload-type-unchecked",
        crate::support::tck_binary()
    );
    let run = |strict: bool| {
        let model = model.clone();
        async move {
            let mut args = vec![
                "sdk",
                "--spawn",
                &model,
                "--select",
                "protocol.sdk.*_payload_of_another_type",
                "--timeout-ms",
                "3000",
            ];
            if strict {
                args.push("--strict");
            }
            run_tck(&args).await
        }
    };
    let output = run(false).await;
    assert_eq!(output.status.code(), Some(0), "{}", describe(&output));
    let stdout = String::from_utf8_lossy(&output.stdout);
    let warned = stdout.lines().filter(|l| l.starts_with("WARN")).count();
    assert!(warned >= 2, "{stdout}");
    assert!(
        stdout.contains(&format!(
            "{warned} warnings: {warned} cases failed a SHOULD"
        )),
        "{stdout}"
    );
    assert!(stdout.contains("[SHOULD]"), "{stdout}");
    let strict = run(true).await;
    assert_eq!(strict.status.code(), Some(100), "{}", describe(&strict));
    let stdout = String::from_utf8_lossy(&strict.stdout);
    assert!(!stdout.contains("warnings:"), "{stdout}");
}
