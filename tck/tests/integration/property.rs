//! Property-generated scenarios (`*.property_*`): they pass against the conforming model and the reference
//! proxy, and a fault of the model (SDK properties) or of the proxy (proxy properties) is caught and
//! shrunk to a short scenario that the same seed finds again.

use std::path::Path;

use cloudstate_tck::{ModelFault as Fault, ModelOptions};

use crate::support::{
    HEAVY, ModelServer, closing_line, counts, describe, faulty_proxy, run_tck, tck_binary,
};

/// Every SDK-mode property case.
const SDK_PROPERTIES: &str = "*.sdk.property_*";
/// How many SDK-mode property cases there are.
const SDK_PROPERTY_COUNT: usize = 6;
/// Every proxy-mode property case.
const PROXY_PROPERTIES: &str = "*.proxy.property_*";
/// How many proxy-mode property cases there are.
const PROXY_PROPERTY_COUNT: usize = 3;

/// Runs property cases in `mode` against `target` (`--target ADDR` or `--spawn CMD`) and returns the
/// binary's output and the JSON report.
async fn run_properties(
    mode: &str,
    target: [&str; 2],
    select: &str,
    seed: &str,
    scenarios: &str,
) -> (std::process::Output, serde_json::Value) {
    let dir = tempfile::tempdir().expect("temp dir");
    let json = dir.path().join("report.json");
    let output = run_tck(&[
        mode,
        target[0],
        target[1],
        "--select",
        select,
        "--seed",
        seed,
        "--scenarios",
        scenarios,
        "--timeout-ms",
        "60000",
        "--json",
        json.to_str().expect("utf-8"),
    ])
    .await;
    let report =
        serde_json::from_slice(&std::fs::read(&json).expect("JSON report")).expect("valid JSON");
    (output, report)
}

/// The numbered steps of the first shrunk scenario in a failure message (`  3. e1: Process [...]`), up to
/// its `failure:` line.
fn shrunk_steps(message: &str) -> Vec<&str> {
    message
        .lines()
        .take_while(|line| !line.starts_with("failure:"))
        .filter_map(|line| line.strip_prefix("  "))
        .filter(|line| {
            line.split_once(". ")
                .is_some_and(|(number, _)| number.parse::<usize>().is_ok())
        })
        .collect()
}

/// Checks that `select` failed, with a shrunk scenario of one to eight steps and a rerun line for the
/// seed and number of scenarios; returns the steps.
fn expect_shrunk_failure(
    output: &std::process::Output,
    report: &serde_json::Value,
    select: &str,
    seed: &str,
    scenarios: &str,
) -> Vec<String> {
    assert_ne!(output.status.code(), Some(0), "{}", describe(output));
    let case = &report["cases"][0];
    assert_eq!(case["id"], select, "{case}");
    assert_eq!(case["outcome"], "fail", "{case}");
    let message = case["message"].as_str().expect("a failure message");
    let steps = shrunk_steps(message);
    // A smaller scenario counts only after five passes in a row, so under a busy machine (the other tests
    // run beside this one) an interleaving can end the shrinking a few steps earlier.
    assert!(
        !steps.is_empty() && steps.len() <= 8,
        "shrunk to {} steps:\n{message}",
        steps.len()
    );
    // Each counterexample reruns the scenarios up to its own.
    let rerun = format!("--select {select} --seed {seed} --scenarios ");
    let Some((_, after)) = message.split_once(&rerun) else {
        panic!("no rerun line in\n{message}");
    };
    let count: String = after.chars().take_while(char::is_ascii_digit).collect();
    let most: u64 = scenarios.parse().expect("a number");
    assert!(
        count.parse::<u64>().is_ok_and(|n| (1..=most).contains(&n)),
        "{message}"
    );
    assert!(!message.contains("<TARGET>"), "{message}");
    steps.into_iter().map(str::to_owned).collect()
}

#[tokio::test]
async fn every_sdk_property_passes_against_the_model() {
    let _turn = HEAVY.lock().await;
    let model = ModelServer::start().await;
    let target = ["--target", model.address.as_str()];
    let (output, _) = run_properties("sdk", target, SDK_PROPERTIES, "11", "200").await;
    assert_eq!(output.status.code(), Some(0), "{}", describe(&output));
    assert_eq!(
        counts(&closing_line(&output)),
        (SDK_PROPERTY_COUNT, 0, 0),
        "{}",
        describe(&output)
    );
}

#[tokio::test]
async fn every_proxy_property_passes_against_the_reference_proxy() {
    let _turn = HEAVY.lock().await;
    let proxy = Path::new(tck_binary()).with_file_name("reference-proxy");
    let target = ["--spawn", proxy.to_str().expect("utf-8")];
    let (output, _) = run_properties("proxy", target, PROXY_PROPERTIES, "11", "50").await;
    assert_eq!(output.status.code(), Some(0), "{}", describe(&output));
    assert_eq!(
        counts(&closing_line(&output)),
        (PROXY_PROPERTY_COUNT, 0, 0),
        "{}",
        describe(&output)
    );
}

/// One model fault per SDK property: each is caught and shrunk, and the same seed shrinks to the same
/// scenario again.
#[tokio::test]
async fn a_model_fault_is_caught_by_each_sdk_property_and_shrunk() {
    let _turn = HEAVY.lock().await;
    let pairs = [
        (Fault::SnapshotStale, "event_sourced.sdk.property_replies"),
        (
            Fault::ReplayedEventsIgnored,
            "event_sourced.sdk.property_rehydration",
        ),
        (
            Fault::FirstStateActionWins,
            "value_entity.sdk.property_replies",
        ),
        (Fault::ClearLosesAdds, "crdt.sdk.property_replies"),
        (
            Fault::ReplicatedDeltasEchoed,
            "crdt.sdk.property_replicated",
        ),
        (
            Fault::StreamedInLastRequestOnly,
            "action.sdk.property_calls",
        ),
    ];
    for (fault, select) in pairs {
        let model = ModelServer::start_with(ModelOptions::with_fault(fault)).await;
        let target = ["--target", model.address.as_str()];
        let (output, report) = run_properties("sdk", target, select, "5", "100").await;
        let steps = expect_shrunk_failure(&output, &report, select, "5", "100");
        let (_, again) = run_properties("sdk", target, select, "5", "100").await;
        let again = again["cases"][0]["message"].as_str().expect("a message");
        assert_eq!(shrunk_steps(again), steps, "{fault}: {again}");
    }
}

/// One reference-proxy fault per proxy property: each is caught and shrunk.
#[tokio::test]
async fn a_proxy_fault_is_caught_by_each_proxy_property_and_shrunk() {
    let _turn = HEAVY.lock().await;
    let proxy = tokio::task::spawn_blocking(faulty_proxy)
        .await
        .expect("the build task");
    let proxy = proxy.to_str().expect("utf-8");
    let pairs = [
        (
            "value-entity-state-not-recovered",
            "value_entity.proxy.property_commands",
        ),
        (
            "two-commands-in-flight",
            "event_sourced.proxy.property_commands",
        ),
    ];
    for (fault, select) in pairs {
        let spawn = format!("{proxy} --fault {fault}");
        let target = ["--spawn", spawn.as_str()];
        let (output, report) = run_properties("proxy", target, select, "5", "100").await;
        let steps = expect_shrunk_failure(&output, &report, select, "5", "100");
        let message = report["cases"][0]["message"].as_str().unwrap_or_default();
        assert!(
            message.contains(&format!("--spawn '{spawn}'")),
            "{fault}: {steps:?}\n{message}"
        );
    }
}
