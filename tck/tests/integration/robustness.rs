//! Targets that crash or send hostile bytes: the case in flight fails (a crash on a protocol message is
//! a conformance failure) with the target's last output, the TCK restarts a target it spawned and carries
//! on, and malformed frames are failures, never
//! a panic. (A target that hangs is cut off at the case deadline: see `misbehaving.rs`.)

use bytes::Bytes;
use cloudstate_protocol::cloudstate::entity_discovery_server::EntityDiscoveryServer;
use futures::StreamExt as _;
use futures::stream::BoxStream;
use tonic::{Status, Streaming};

use crate::misbehaving::GarbageFunction;
use crate::raw_service::{Raw, RawAnswers};
use crate::support::{HEAVY, closing_line, counts, describe, run_tck, tck_binary};

#[tokio::test]
async fn a_spawned_target_killed_mid_run_fails_the_case_in_flight_and_is_restarted() {
    let _turn = HEAVY.lock().await;
    let dir = tempfile::tempdir().expect("temp dir");
    let mark = dir.path().join("started-once");
    let json = dir.path().join("report.json");
    let tck = tck_binary();
    // The first start is killed a second in, mid-run; the restart runs for good.
    let command = format!(
        "if [ -e {mark} ]; then exec {tck} serve-model; fi; touch {mark}; \
         (sleep 1; echo dying on purpose >&2; kill -9 $$) & exec {tck} serve-model",
        mark = mark.display()
    );
    let json_arg = json.to_str().expect("utf-8");
    let output = run_tck(&["sdk", "--spawn", &command, "--json", json_arg]).await;
    assert_eq!(output.status.code(), Some(100), "{}", describe(&output));
    let stdout = String::from_utf8_lossy(&output.stdout);
    let (passed, failed, skipped) = counts(&closing_line(&output));
    assert_eq!((failed, skipped), (1, 0), "{}", describe(&output));
    assert!(passed > 100, "the run carried on: {}", describe(&output));
    assert!(stdout.contains("FAIL "), "{stdout}");
    // The kill lands at a moment of the test's choosing: during a case's exchange (which then fails
    // with what it had seen) or after it ended well; the case fails either way.
    assert!(stdout.contains("during this case"), "{stdout}");
    assert!(
        stdout.contains("the target process exited (signal: 9 (SIGKILL))"),
        "{stdout}"
    );
    assert!(stdout.contains("[stderr] dying on purpose"), "{stdout}");
    assert!(
        stdout.contains("the TCK restarted the target on 127.0.0.1:"),
        "{stdout}"
    );
    let report = std::fs::read_to_string(&json).expect("the JSON report");
    assert!(report.contains("the TCK restarted the target"), "{report}");
    assert!(
        !String::from_utf8_lossy(&output.stderr).contains("panicked"),
        "{}",
        describe(&output)
    );
}

/// `EventSourced.handle` answering every message it receives with the same bytes, whatever they are.
#[derive(Debug, Clone)]
struct RawEventSourced(Bytes);

impl RawAnswers for RawEventSourced {
    const SERVICE: &'static str = "cloudstate.eventsourced.EventSourced";

    fn answer(&mut self, requests: Streaming<Bytes>) -> BoxStream<'static, Result<Bytes, Status>> {
        let answer = self.0.clone();
        requests.map(move |_| Ok(answer.clone())).boxed()
    }
}

/// Runs the event-sourced SDK cases against a target whose `EventSourced.handle` answers with `bytes`;
/// every case that needs a reply fails, and nothing panics.
async fn hostile_event_sourced(bytes: &'static [u8]) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let address = listener.local_addr().expect("address").to_string();
    let server = tokio::spawn(
        tonic::transport::Server::builder()
            .add_service(EntityDiscoveryServer::new(GarbageFunction))
            .add_service(Raw(RawEventSourced(Bytes::from_static(bytes))))
            .serve_with_incoming(tokio_stream::wrappers::TcpListenerStream::new(listener)),
    );
    let output = run_tck(&[
        "sdk",
        "--target",
        &address,
        "--select",
        "event_sourced.sdk.*",
        "--timeout-ms",
        "2000",
    ])
    .await;
    server.abort();
    assert_eq!(output.status.code(), Some(100), "{}", describe(&output));
    let (passed, failed, _) = counts(&closing_line(&output));
    assert!(failed > 0, "{}", describe(&output));
    assert!(failed > passed, "{}", describe(&output));
    assert!(
        !String::from_utf8_lossy(&output.stderr).contains("panicked"),
        "{}",
        describe(&output)
    );
}

#[tokio::test]
async fn malformed_frames_on_a_stream_are_failures_not_panics() {
    // Field 31 with wire type 7: not protobuf at all.
    hostile_event_sourced(&[0xff, 0xff, 0xff]).await;
}

#[tokio::test]
async fn a_message_of_the_wrong_type_on_a_stream_is_a_failure() {
    // Valid protobuf, but only a field `EventSourcedStreamOut` does not have (3, a nested message):
    // another message type, which decodes to an `EventSourcedStreamOut` with nothing set.
    hostile_event_sourced(&[0x1a, 0x05, 0x12, 0x03, b'b', b'a', b'd']).await;
}

#[tokio::test]
async fn ctrl_c_ends_the_case_in_flight_and_still_writes_the_reports() {
    use std::io::{BufRead as _, BufReader};
    use std::process::{Command, Stdio};

    // A model that never ends a stream the TCK half-closed: the case waits a minute for its end.
    let model = crate::support::ModelServer::start_with(cloudstate_tck::ModelOptions::with_fault(
        cloudstate_tck::ModelFault::NeverClosesStreams,
    ))
    .await;
    let dir = tempfile::tempdir().expect("temp dir");
    let json = dir.path().join("interrupted.json");
    let mut tck = Command::new(crate::support::tck_binary())
        .args([
            "sdk",
            "--target",
            &model.address,
            "--select",
            "event_sourced.sdk.initial_empty_state",
            "--timeout-ms",
            "60000",
            "--close-timeout-ms",
            "60000",
            "--json",
        ])
        .arg(&json)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("the TCK starts");
    let stdout = tck.stdout.take().expect("stdout");
    let outcome = tokio::task::spawn_blocking(move || {
        // Ready when the run has started: its header line is out, and the first case is waiting.
        let mut lines = BufReader::new(stdout).lines();
        let started = lines
            .by_ref()
            .map_while(Result::ok)
            .any(|line| line.contains(" selected, seed"));
        assert!(started, "the run never started");
        let pid = nix::unistd::Pid::from_raw(i32::try_from(tck.id()).expect("pid"));
        nix::sys::signal::kill(pid, nix::sys::signal::Signal::SIGINT).expect("SIGINT");
        let rest: Vec<String> = lines.map_while(Result::ok).collect();
        (tck.wait().expect("the TCK exits"), rest)
    });
    let (status, rest) = tokio::time::timeout(std::time::Duration::from_secs(30), outcome)
        .await
        .expect("the TCK stops soon after Ctrl-C")
        .expect("join");
    assert_eq!(status.code(), Some(130), "{rest:?}");
    let report: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&json).expect("the JSON report is written"))
            .expect("valid JSON");
    let first = &report["cases"][0];
    assert_eq!(first["outcome"], "error", "{first}");
    assert!(
        first["message"]
            .as_str()
            .unwrap_or_default()
            .contains("interrupted"),
        "{first}"
    );
}
