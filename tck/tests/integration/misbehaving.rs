//! Targets that are not there, never answer, exit at once, or answer with garbage: the TCK reports them
//! clearly, in time, and never panics.

use std::time::{Duration, Instant};

use cloudstate_protocol::cloudstate::entity_discovery_server::{
    EntityDiscovery, EntityDiscoveryServer,
};
use cloudstate_protocol::cloudstate::eventsourced::event_sourced_server::{
    EventSourced, EventSourcedServer,
};
use cloudstate_protocol::cloudstate::eventsourced::{
    EventSourcedReply, EventSourcedStreamIn, EventSourcedStreamOut, event_sourced_stream_in,
    event_sourced_stream_out,
};
use cloudstate_protocol::cloudstate::{
    ClientAction, EntitySpec, ProxyInfo, Reply, UserFunctionError, client_action,
};
use tokio::sync::{mpsc, oneshot};
use tokio_stream::wrappers::ReceiverStream;
use tonic::{Request, Response, Status, Streaming};

use crate::support::{describe, run_tck, tck_binary};

#[tokio::test]
async fn an_unreachable_target_is_a_setup_error_within_15_seconds() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let address = listener.local_addr().expect("address").to_string();
    drop(listener);
    let started = Instant::now();
    let output = run_tck(&["sdk", "--target", &address]).await;
    assert!(
        started.elapsed() < Duration::from_secs(15),
        "took {:?}",
        started.elapsed()
    );
    assert_eq!(output.status.code(), Some(96), "{}", describe(&output));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(stderr.lines().count(), 1, "one clear line: {stderr}");
    assert!(
        stderr.contains(&format!("cannot reach the target at {address}")),
        "{stderr}"
    );
}

#[tokio::test]
async fn a_target_that_never_answers_is_a_setup_error_within_seconds() {
    // Accepts connections and reads nothing: `discover` never answers, so no case can run.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let address = listener.local_addr().expect("address").to_string();
    let (stop, mut stopped) = oneshot::channel::<()>();
    let holder = std::thread::spawn(move || {
        listener.set_nonblocking(true).expect("nonblocking");
        let mut connections = Vec::new();
        while stopped.try_recv().is_err() {
            if let Ok((connection, _)) = listener.accept() {
                connections.push(connection);
            }
            std::thread::yield_now();
        }
    });
    let dir = tempfile::tempdir().expect("temp dir");
    let json = dir.path().join("run.json");
    let started = Instant::now();
    let output = run_tck(&[
        "sdk",
        "--target",
        &address,
        "--timeout-ms",
        "300",
        "--json",
        json.to_str().expect("utf-8"),
    ])
    .await;
    let _ = stop.send(());
    holder.join().expect("holder thread");
    assert!(
        started.elapsed() < Duration::from_secs(15),
        "took {:?}",
        started.elapsed()
    );
    assert_eq!(output.status.code(), Some(96), "{}", describe(&output));
    assert!(
        String::from_utf8_lossy(&output.stderr).contains("did not answer `discover`"),
        "{}",
        describe(&output)
    );
    let report = std::fs::read_to_string(&json).expect("a report, also for a setup error");
    assert!(report.contains("\"setup_error\""), "{report}");
}

#[tokio::test]
async fn a_spawned_target_that_exits_at_once_is_a_setup_error_with_its_output() {
    let output = run_tck(&[
        "sdk",
        "--spawn",
        "echo model is broken >&2; exit 3",
        "--spawn-timeout-ms",
        "10000",
    ])
    .await;
    assert_eq!(output.status.code(), Some(96), "{}", describe(&output));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("exited before it answered `discover`"),
        "{stderr}"
    );
    assert!(stderr.contains("model is broken"), "{stderr}");
}

#[tokio::test]
async fn a_spawned_target_that_never_binds_is_a_setup_error() {
    let output = run_tck(&["sdk", "--spawn", "sleep 30", "--spawn-timeout-ms", "1000"]).await;
    assert_eq!(output.status.code(), Some(96), "{}", describe(&output));
    assert!(
        String::from_utf8_lossy(&output.stderr).contains("did not answer `discover`"),
        "{}",
        describe(&output)
    );
    assert!(tck_binary().ends_with("cloudstate-tck"));
}

/// A user function that announces the model but answers every event-sourced command with bytes that do
/// not decode as the announced payload type.
#[derive(Debug, Default)]
pub(crate) struct GarbageFunction;

#[tonic::async_trait]
impl EntityDiscovery for GarbageFunction {
    async fn discover(&self, _: Request<ProxyInfo>) -> Result<Response<EntitySpec>, Status> {
        Ok(Response::new(cloudstate_tck::entity_spec()))
    }
    async fn report_error(&self, _: Request<UserFunctionError>) -> Result<Response<()>, Status> {
        Ok(Response::new(()))
    }
}

#[tonic::async_trait]
impl EventSourced for GarbageFunction {
    type handleStream = ReceiverStream<Result<EventSourcedStreamOut, Status>>;

    async fn handle(
        &self,
        request: Request<Streaming<EventSourcedStreamIn>>,
    ) -> Result<Response<Self::handleStream>, Status> {
        let mut input = request.into_inner();
        let (replies, stream) = mpsc::channel(16);
        tokio::spawn(async move {
            while let Ok(Some(message)) = input.message().await {
                if let Some(event_sourced_stream_in::Message::Command(command)) = message.message {
                    let garbage = prost_types::Any {
                        type_url: "type.googleapis.com/cloudstate.tck.model.Response".into(),
                        value: vec![0xff, 0xff, 0xff],
                    };
                    let reply = EventSourcedReply {
                        command_id: command.id,
                        client_action: Some(ClientAction {
                            action: Some(client_action::Action::Reply(Reply {
                                payload: Some(garbage),
                                metadata: None,
                            })),
                        }),
                        ..Default::default()
                    };
                    let out = EventSourcedStreamOut {
                        message: Some(event_sourced_stream_out::Message::Reply(reply)),
                    };
                    if replies.send(Ok(out)).await.is_err() {
                        break;
                    }
                }
            }
        });
        Ok(Response::new(ReceiverStream::new(stream)))
    }
}

#[tokio::test]
async fn garbage_in_an_any_is_a_failure_with_the_bytes_shown() {
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
    let case = "event_sourced.sdk.initial_empty_state";
    let output = run_tck(&["sdk", "--target", &address, "--select", case]).await;
    assert_eq!(output.status.code(), Some(100), "{}", describe(&output));
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(stdout.contains(&format!("FAIL  {case}")), "{stdout}");
    assert!(
        stdout.contains("\"@bytes\": \"0xffffff\""),
        "the undecodable payload is shown: {stdout}"
    );
    assert!(
        !String::from_utf8_lossy(&output.stderr).contains("panicked"),
        "{}",
        describe(&output)
    );

    // The same failure, listed as expected, makes the run green; listed but passing would make it red.
    let dir = tempfile::tempdir().expect("temp dir");
    let expected = dir.path().join("expected.txt");
    std::fs::write(
        &expected,
        format!("{case}  answers with undecodable payloads\n"),
    )
    .expect("write");
    let expected = expected.to_str().expect("utf-8");
    let green = run_tck(&[
        "sdk",
        "--target",
        &address,
        "--select",
        case,
        "--expected-failures",
        expected,
    ])
    .await;
    assert_eq!(green.status.code(), Some(0), "{}", describe(&green));
    server.abort();
}
