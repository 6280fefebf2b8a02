//! What the runner does with targets as they are found in the wild: a `discover` that fails or announces
//! nothing, a run in which every case is skipped, a running target that dies, an older protocol version,
//! failures that would print kilobytes of binary, and a target that never ends its streams.

use std::io::{BufRead as _, BufReader};
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use cloudstate_protocol::cloudstate::entity_discovery_server::{
    EntityDiscovery, EntityDiscoveryServer,
};
use cloudstate_protocol::cloudstate::{EntitySpec, ProxyInfo, UserFunctionError};
use cloudstate_tck::{ModelFault as Fault, ModelOptions};
use tonic::{Request, Response, Status};

use crate::support::{ModelServer, closing_line, counts, describe, run_tck, tck_binary};

/// A user function that only answers discovery, with `answer(n)` on its `n`th call.
#[derive(Clone)]
struct Discovery {
    answer: Arc<dyn Fn(usize) -> Result<EntitySpec, Status> + Send + Sync>,
    calls: Arc<AtomicUsize>,
}

#[tonic::async_trait]
impl EntityDiscovery for Discovery {
    async fn discover(&self, _: Request<ProxyInfo>) -> Result<Response<EntitySpec>, Status> {
        let call = self.calls.fetch_add(1, Ordering::SeqCst);
        (self.answer)(call).map(Response::new)
    }

    async fn report_error(&self, _: Request<UserFunctionError>) -> Result<Response<()>, Status> {
        Ok(Response::new(()))
    }
}

/// Serves `answer` as discovery on a free port; returns the address.
async fn serve_discovery(
    answer: impl Fn(usize) -> Result<EntitySpec, Status> + Send + Sync + 'static,
) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let address = listener.local_addr().expect("address").to_string();
    let discovery = Discovery {
        answer: Arc::new(answer),
        calls: Arc::default(),
    };
    tokio::spawn(
        tonic::transport::Server::builder()
            .add_service(EntityDiscoveryServer::new(discovery))
            .serve_with_incoming(tokio_stream::wrappers::TcpListenerStream::new(listener)),
    );
    address
}

#[tokio::test]
async fn a_failing_discover_is_a_setup_error_with_reports_and_no_case() {
    let address = serve_discovery(|_| Err(Status::internal("the SDK failed to start"))).await;
    let dir = tempfile::tempdir().expect("temp dir");
    let (json, junit) = (dir.path().join("run.json"), dir.path().join("run.xml"));
    let output = run_tck(&[
        "sdk",
        "--target",
        &address,
        "--json",
        json.to_str().expect("utf-8"),
        "--junit",
        junit.to_str().expect("utf-8"),
    ])
    .await;
    assert_eq!(output.status.code(), Some(96), "{}", describe(&output));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("did not answer `discover`") && stderr.contains("the SDK failed to start"),
        "{stderr}"
    );
    assert!(!String::from_utf8_lossy(&output.stdout).contains("PASS"));
    let report: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&json).expect("the JSON report"))
            .expect("JSON");
    assert!(
        report["summary"]["setup_error"]
            .as_str()
            .is_some_and(|error| error.contains("did not answer `discover`")),
        "{report}"
    );
    assert_eq!(report["cases"].as_array().map(Vec::len), Some(0));
    let xml = std::fs::read_to_string(&junit).expect("the JUnit report");
    assert!(
        xml.contains("name=\"setup\"") && xml.contains("<error"),
        "{xml}"
    );
}

#[tokio::test]
async fn a_discover_without_entities_is_a_setup_error() {
    let address = serve_discovery(|_| Ok(EntitySpec::default())).await;
    let output = run_tck(&["sdk", "--target", &address]).await;
    assert_eq!(output.status.code(), Some(96), "{}", describe(&output));
    assert!(
        String::from_utf8_lossy(&output.stderr).contains("no entity"),
        "{}",
        describe(&output)
    );
}

/// The model's spec with only the event-sourced entities.
fn event_sourced_only() -> EntitySpec {
    let mut spec = cloudstate_tck::entity_spec();
    spec.entities
        .retain(|entity| entity.entity_type == "cloudstate.eventsourced.EventSourced");
    spec
}

#[tokio::test]
async fn a_run_where_every_case_is_skipped_exits_4_unless_allowed() {
    let address = serve_discovery(|_| Ok(event_sourced_only())).await;
    let output = run_tck(&["sdk", "--target", &address, "--select", "crdt.sdk.*"]).await;
    assert_eq!(output.status.code(), Some(4), "{}", describe(&output));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(stderr.lines().count(), 1, "one line: {stderr}");
    assert!(
        stderr.contains("no selected case ran") && stderr.contains("does not serve"),
        "{stderr}"
    );
    let allowed = run_tck(&[
        "sdk",
        "--target",
        &address,
        "--select",
        "crdt.sdk.*",
        "--allow-empty",
    ])
    .await;
    assert_eq!(allowed.status.code(), Some(0), "{}", describe(&allowed));
}

#[tokio::test]
async fn a_running_target_that_dies_fails_its_case_and_the_rest_are_not_run() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .expect("a free port")
        .port();
    let mut model = Command::new(tck_binary())
        .args(["serve-model", "--port", &port.to_string()])
        .stdout(Stdio::null())
        .spawn()
        .expect("serve-model starts");
    let address = format!("127.0.0.1:{port}");
    let mut tck = Command::new(tck_binary())
        .args([
            "sdk",
            "--target",
            &address,
            "--select",
            "value_entity.sdk.*",
        ])
        .stdout(Stdio::piped())
        .spawn()
        .expect("the TCK starts");
    let stdout = tck.stdout.take().expect("stdout");
    let lines = tokio::task::spawn_blocking(move || {
        let mut lines = Vec::new();
        let mut killed = false;
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if !killed && line.starts_with("PASS") {
                let _ = model.kill();
                killed = true;
            }
            lines.push(line);
        }
        let _ = model.kill();
        let _ = model.wait();
        lines
    })
    .await
    .expect("the TCK's output");
    let status = tck.wait().expect("the TCK ends");
    let text = lines.join("\n");
    assert_eq!(status.code(), Some(100), "{text}");
    let failed: Vec<&String> = lines.iter().filter(|l| l.starts_with("FAIL")).collect();
    assert_eq!(failed.len(), 1, "one case saw the target die: {text}");
    assert!(text.contains("no longer accepts connections"), "{text}");
    assert_eq!(text.matches("note: the target at").count(), 1, "{text}");
    assert!(
        lines
            .iter()
            .filter(|l| l.starts_with("SKIP"))
            .all(|l| l.contains("not run: the target at")),
        "{text}"
    );
    assert!(
        lines
            .iter()
            .filter(|l| l.starts_with("SKIP"))
            .all(|l| !l.contains("connect error")),
        "{text}"
    );
}

/// The model's spec as a library written before protocol 0.2 would announce it: version 0.0, and no
/// passivation strategies.
fn as_protocol_0_0() -> EntitySpec {
    let mut spec = cloudstate_tck::entity_spec();
    if let Some(info) = spec.service_info.as_mut() {
        info.protocol_major_version = 0;
        info.protocol_minor_version = 0;
    }
    for entity in &mut spec.entities {
        entity.passivation_strategy = None;
    }
    spec
}

#[tokio::test]
async fn an_older_protocol_version_is_explained_once_and_on_each_failure_it_causes() {
    let address = serve_discovery(|_| Ok(as_protocol_0_0())).await;
    let output = run_tck(&[
        "sdk",
        "--target",
        &address,
        "--select",
        "discovery.sdk.announces_protocol_version",
        "event_sourced.sdk.configured_entity",
    ])
    .await;
    assert_eq!(output.status.code(), Some(100), "{}", describe(&output));
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(
        stdout
            .matches("note: the target announces protocol 0.0, older than")
            .count(),
        1,
        "{stdout}"
    );
    assert_eq!(
        stdout
            .matches("what this case checks was added by 0.2")
            .count(),
        2,
        "{stdout}"
    );
}

#[tokio::test]
async fn binary_blobs_are_summarised_on_the_console_and_whole_in_json() {
    // The third `discover` (the case's second, after the run's own) leaves the last entity out, so the
    // repeatability case fails with the two `EntitySpec`s, each with its descriptor set of some 20 KB.
    let address = serve_discovery(|call| {
        let mut spec = cloudstate_tck::entity_spec();
        if call >= 2 {
            spec.entities.pop();
        }
        Ok(spec)
    })
    .await;
    let dir = tempfile::tempdir().expect("temp dir");
    let json = dir.path().join("run.json");
    let output = run_tck(&[
        "sdk",
        "--target",
        &address,
        "--select",
        "discovery.sdk.discover_is_repeatable",
        "--json",
        json.to_str().expect("utf-8"),
    ])
    .await;
    assert_eq!(output.status.code(), Some(100), "{}", describe(&output));
    let stdout = String::from_utf8_lossy(&output.stdout);
    let longest = stdout.lines().map(str::len).max().unwrap_or_default();
    assert!(longest < 5_000, "a line of {longest} characters: {stdout}");
    assert!(stdout.contains("bytes as hex"), "{stdout}");
    let report = std::fs::read_to_string(&json).expect("the JSON report");
    assert!(
        report.lines().any(|line| line.len() > 10_000),
        "the JSON report keeps the whole blob"
    );
}

#[tokio::test]
async fn a_target_that_never_ends_its_streams_costs_seconds_not_minutes() {
    let model = ModelServer::start_with(ModelOptions::with_fault(Fault::NeverClosesStreams)).await;
    let started = Instant::now();
    let output = run_tck(&["sdk", "--target", &model.address]).await;
    // A bound against hangs, not a speed target (README, Performance, has the measurement).
    assert!(
        started.elapsed() < Duration::from_secs(90),
        "took {:?}",
        started.elapsed()
    );
    assert_eq!(output.status.code(), Some(100), "{}", describe(&output));
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(stdout.contains("(--close-timeout-ms)"), "{stdout}");
    assert!(stdout.contains("earlier calls within"), "{stdout}");
    let (passed, failed, _) = counts(&closing_line(&output));
    assert!(passed > 0 && failed > 0, "{}", describe(&output));
}
