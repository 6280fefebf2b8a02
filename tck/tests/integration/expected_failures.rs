//! The expected-failures file makes a run green only when exactly the listed cases fail: an unexpected
//! pass and an unexpected failure each turn the run red (exit 100) and are named in the output.

use std::path::{Path, PathBuf};
use std::process::Output;

use cloudstate_protocol::cloudstate::entity_discovery_server::EntityDiscoveryServer;
use cloudstate_protocol::cloudstate::eventsourced::event_sourced_server::EventSourcedServer;
use tokio::task::JoinHandle;

use crate::misbehaving::GarbageFunction;
use crate::support::{ModelServer, describe, run_tck};

/// Two cases that pass against the built-in model and fail against [`GarbageFunction`], which answers
/// every event-sourced command with an undecodable payload.
const FIRST: &str = "event_sourced.sdk.initial_empty_state";
const SECOND: &str = "event_sourced.sdk.single_emitted_event";

/// Writes an expected-failures file listing `cases`, each with a reason.
fn expected_file(dir: &Path, cases: &[&str]) -> PathBuf {
    let path = dir.join("expected.txt");
    let text: String = cases
        .iter()
        .map(|case| format!("{case}  known to fail in this test\n"))
        .collect();
    std::fs::write(&path, text).expect("write the expected-failures file");
    path
}

/// Runs `FIRST` and `SECOND` against `address` with this expected-failures file.
async fn run_both(address: &str, expected: &Path) -> Output {
    run_tck(&[
        "sdk",
        "--target",
        address,
        "--select",
        FIRST,
        SECOND,
        "--expected-failures",
        expected.to_str().expect("utf-8"),
    ])
    .await
}

/// The case IDs listed under `title` in the closing summary of a run.
fn listed_under(output: &Output, title: &str) -> Vec<String> {
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .skip_while(|line| !line.starts_with(title))
        .skip(1)
        .take_while(|line| line.starts_with("  ") && !line.starts_with("  |"))
        .map(|line| line.trim().to_owned())
        .collect()
}

/// Serves [`GarbageFunction`] on a free loopback port.
async fn serve_garbage() -> (String, JoinHandle<Result<(), tonic::transport::Error>>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let address = listener.local_addr().expect("address").to_string();
    let server = tokio::spawn(
        tonic::transport::Server::builder()
            .add_service(EntityDiscoveryServer::new(GarbageFunction))
            .add_service(EventSourcedServer::new(GarbageFunction))
            .serve_with_incoming(tokio_stream::wrappers::TcpListenerStream::new(listener)),
    );
    (address, server)
}

#[tokio::test]
async fn a_listed_case_that_passes_turns_the_run_red() {
    let model = ModelServer::start().await;
    let dir = tempfile::tempdir().expect("temp dir");
    let expected = expected_file(dir.path(), &[SECOND]);
    let output = run_both(&model.address, &expected).await;
    assert_eq!(output.status.code(), Some(100), "{}", describe(&output));
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        stdout.contains(&format!("PASS  {SECOND}")) && stdout.contains("UNEXPECTED PASS"),
        "{}",
        describe(&output)
    );
    assert_eq!(
        listed_under(&output, "Unexpected passes"),
        [SECOND],
        "{}",
        describe(&output)
    );
    assert!(
        listed_under(&output, "Unexpected failures").is_empty(),
        "{}",
        describe(&output)
    );
    assert!(stdout.contains("NOT as expected"), "{}", describe(&output));
}

#[tokio::test]
async fn an_unlisted_failure_turns_the_run_red_and_listing_it_turns_it_green() {
    let (address, server) = serve_garbage().await;
    let dir = tempfile::tempdir().expect("temp dir");

    // Both cases fail; only the first is listed, so the second is an unexpected failure.
    let expected = expected_file(dir.path(), &[FIRST]);
    let red = run_both(&address, &expected).await;
    assert_eq!(red.status.code(), Some(100), "{}", describe(&red));
    let stdout = String::from_utf8_lossy(&red.stdout);
    assert!(
        stdout.contains(&format!("FAIL  {FIRST}")) && stdout.contains("(expected: known to fail"),
        "the listed failure is shown as expected: {}",
        describe(&red)
    );
    assert!(
        stdout.contains(&format!("FAIL  {SECOND}")),
        "{}",
        describe(&red)
    );
    assert_eq!(
        listed_under(&red, "Unexpected failures"),
        [SECOND],
        "{}",
        describe(&red)
    );
    assert!(
        listed_under(&red, "Unexpected passes").is_empty(),
        "{}",
        describe(&red)
    );

    // Listing both failures makes the same run green.
    let expected = expected_file(dir.path(), &[FIRST, SECOND]);
    let green = run_both(&address, &expected).await;
    assert_eq!(green.status.code(), Some(0), "{}", describe(&green));
    assert!(
        String::from_utf8_lossy(&green.stdout).contains("every outcome as expected"),
        "{}",
        describe(&green)
    );
    server.abort();
}
