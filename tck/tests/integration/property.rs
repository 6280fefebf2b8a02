//! Property-generated scenarios (`*.property_*`): they pass against the conforming model, the same seed
//! reruns the same scenarios, and a model fault is caught and shrunk to a short scenario.

use cloudstate_tck::model::{Fault, ModelOptions, serve_model};
use tokio::net::TcpListener;
use tokio::sync::oneshot;

use crate::support::{ModelServer, closing_line, counts, describe, run_tck};

/// Every property case.
const PROPERTIES: &str = "*.property_*";

/// The model under `fault` on a free loopback port; stops when the sender is dropped.
async fn faulty_model(fault: Fault) -> (String, oneshot::Sender<()>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let address = listener.local_addr().expect("address").to_string();
    let (stop, stopped) = oneshot::channel::<()>();
    tokio::spawn(serve_model(
        listener,
        ModelOptions::with_fault(fault),
        async move {
            let _ = stopped.await;
        },
    ));
    (address, stop)
}

/// Runs the property cases against `address` and returns the binary's output and the JSON report.
async fn run_properties(
    address: &str,
    select: &str,
    seed: &str,
    scenarios: &str,
) -> (std::process::Output, serde_json::Value) {
    let dir = tempfile::tempdir().expect("temp dir");
    let json = dir.path().join("report.json");
    let output = run_tck(&[
        "sdk",
        "--target",
        address,
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

/// The numbered commands of the shrunk scenario in a failure message.
fn shrunk_commands(message: &str) -> Vec<&str> {
    message
        .lines()
        .map(str::trim_start)
        .filter(|line| {
            line.split_once(". e")
                .is_some_and(|(number, _)| number.parse::<usize>().is_ok())
        })
        .collect()
}

#[tokio::test]
async fn every_property_passes_against_the_model() {
    let model = ModelServer::start().await;
    let (output, _) = run_properties(&model.address, PROPERTIES, "11", "200").await;
    assert_eq!(output.status.code(), Some(0), "{}", describe(&output));
    assert_eq!(
        counts(&closing_line(&output)),
        (3, 0, 0),
        "{}",
        describe(&output)
    );
}

#[tokio::test]
async fn a_stale_snapshot_is_caught_and_shrunk_to_at_most_five_commands() {
    let (address, _stop) = faulty_model(Fault::SnapshotStale).await;
    let select = "event_sourced.sdk.property_replies";
    let (output, report) = run_properties(&address, select, "5", "100").await;
    assert_ne!(output.status.code(), Some(0), "{}", describe(&output));
    let case = &report["cases"][0];
    assert_eq!(case["id"], select, "{case}");
    assert_eq!(case["outcome"], "fail", "{case}");
    let message = case["message"].as_str().expect("a failure message");
    let commands = shrunk_commands(message);
    assert!(
        !commands.is_empty() && commands.len() <= 5,
        "shrunk to {} commands:\n{message}",
        commands.len()
    );
    assert!(
        message.contains(&format!("--select {select} --seed 5 --scenarios 100")),
        "{message}"
    );

    // The same seed finds and shrinks to the same scenario.
    let (_, again) = run_properties(&address, select, "5", "100").await;
    let again = again["cases"][0]["message"].as_str().expect("a message");
    assert_eq!(shrunk_commands(again), commands);
}

#[tokio::test]
async fn a_value_entity_fault_is_caught_and_shrunk() {
    let (address, _stop) = faulty_model(Fault::FirstStateActionWins).await;
    let select = "value_entity.sdk.property_replies";
    let (output, report) = run_properties(&address, select, "9", "100").await;
    assert_ne!(output.status.code(), Some(0), "{}", describe(&output));
    let message = report["cases"][0]["message"]
        .as_str()
        .expect("a failure message");
    let commands = shrunk_commands(message);
    assert!(
        !commands.is_empty() && commands.len() <= 5,
        "shrunk to {} commands:\n{message}",
        commands.len()
    );
}
