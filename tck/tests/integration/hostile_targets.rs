//! Action targets whose answers the TCK's own client cannot take or that break off: a message over the
//! decoding limit, a connection dropped in the middle of each call, a unary call answered with an
//! endless stream. None of them passes a case that expects the target to fail a call: a status the TCK's
//! client made up is not the target's answer.

use std::io;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::task::{Context, Poll};

use bytes::Bytes;
use cloudstate_protocol::cloudstate::Reply;
use cloudstate_protocol::cloudstate::action::{ActionResponse, action_response};
use cloudstate_protocol::cloudstate::entity_discovery_server::EntityDiscoveryServer;
use futures::StreamExt as _;
use futures::stream::BoxStream;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::TcpStream;
use tonic::transport::server::{Connected, TcpConnectInfo};
use tonic::{Status, Streaming};

use crate::misbehaving::GarbageFunction;
use crate::raw_service::{Raw, RawAnswers};
use crate::support::{describe, run_tck};

/// The three cases that expect the target to fail the call.
const EXPECTING_A_FAILED_CALL: [&str; 3] = [
    "protocol.sdk.action_unknown_command",
    "protocol.sdk.action_unknown_service",
    "protocol.sdk.action_payload_of_another_type",
];

/// How the hostile action target answers every call, whatever its method.
#[derive(Debug, Clone, Copy)]
enum Habit {
    /// One reply of 50 MB.
    Oversized,
    /// Replies, one after another, for as long as the caller reads.
    Endless,
    /// Drops the connection the call came on.
    Drop,
}

/// `ActionProtocol` with one habit for every method, and the count of connection drops it asked for.
#[derive(Clone)]
struct HostileAction {
    habit: Habit,
    drops: Arc<AtomicU64>,
}

/// An encoded `ActionResponse` whose reply carries these bytes as a model `Response`.
fn reply_of(value: Vec<u8>) -> Bytes {
    let response = ActionResponse {
        response: Some(action_response::Response::Reply(Reply {
            payload: Some(prost_types::Any {
                type_url: "type.googleapis.com/cloudstate.tck.model.action.Response".into(),
                value,
            }),
            metadata: None,
        })),
        side_effects: Vec::new(),
    };
    Bytes::from(prost::Message::encode_to_vec(&response))
}

impl RawAnswers for HostileAction {
    const SERVICE: &'static str = "cloudstate.action.ActionProtocol";

    fn answer(&mut self, _requests: Streaming<Bytes>) -> BoxStream<'static, Result<Bytes, Status>> {
        match self.habit {
            Habit::Oversized => {
                futures::stream::once(async { Ok(reply_of(vec![b'x'; 70 << 20])) }).boxed()
            }
            // `Response { message: "one" }`: the right answer to the case below, again and again.
            Habit::Endless => {
                futures::stream::repeat_with(|| Ok(reply_of(b"\x0a\x03one".to_vec()))).boxed()
            }
            Habit::Drop => {
                self.drops.fetch_add(1, Ordering::SeqCst);
                futures::stream::pending().boxed()
            }
        }
    }
}

/// A connection that fails every read and write once a drop was asked for after it was accepted: the
/// response headers of the call that asked for it are the first write to fail.
struct Droppable {
    io: TcpStream,
    accepted_after: u64,
    drops: Arc<AtomicU64>,
}

impl Droppable {
    fn dropped(&self) -> Option<io::Error> {
        (self.drops.load(Ordering::SeqCst) > self.accepted_after)
            .then(|| io::Error::new(io::ErrorKind::ConnectionReset, "dropped on purpose"))
    }
}

impl Connected for Droppable {
    type ConnectInfo = TcpConnectInfo;

    fn connect_info(&self) -> Self::ConnectInfo {
        self.io.connect_info()
    }
}

impl AsyncRead for Droppable {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        if let Some(error) = self.dropped() {
            return Poll::Ready(Err(error));
        }
        Pin::new(&mut self.io).poll_read(cx, buf)
    }
}

impl AsyncWrite for Droppable {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        if let Some(error) = self.dropped() {
            return Poll::Ready(Err(error));
        }
        Pin::new(&mut self.io).poll_write(cx, buf)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.io).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.io).poll_shutdown(cx)
    }
}

/// Serves discovery (the model's) and the hostile action service on a free port; returns the address.
async fn serve(habit: Habit) -> (String, tokio::task::JoinHandle<()>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let address = listener.local_addr().expect("address").to_string();
    let drops = Arc::new(AtomicU64::new(0));
    let action = HostileAction {
        habit,
        drops: drops.clone(),
    };
    let incoming = tokio_stream::wrappers::TcpListenerStream::new(listener).map(move |io| {
        io.map(|io| Droppable {
            io,
            accepted_after: drops.load(Ordering::SeqCst),
            drops: drops.clone(),
        })
    });
    let server = tokio::spawn(async move {
        let _ = tonic::transport::Server::builder()
            .add_service(EntityDiscoveryServer::new(GarbageFunction))
            .add_service(Raw(action))
            .serve_with_incoming(incoming)
            .await;
    });
    (address, server)
}

/// Runs `cases` against a target with `habit`; returns the console output, after checking the run
/// neither passed nor panicked.
async fn run_against(habit: Habit, cases: &[&str]) -> String {
    let (address, server) = serve(habit).await;
    let mut args = vec!["sdk", "--target", &address, "--timeout-ms", "2000"];
    for case in cases {
        args.extend(["--select", case]);
    }
    let output = run_tck(&args).await;
    server.abort();
    assert_eq!(output.status.code(), Some(100), "{}", describe(&output));
    assert!(
        !String::from_utf8_lossy(&output.stderr).contains("panicked"),
        "{}",
        describe(&output)
    );
    String::from_utf8_lossy(&output.stdout).into_owned()
}

#[tokio::test]
async fn an_answer_over_the_decoding_limit_is_an_error_not_a_failed_call() {
    let stdout = run_against(Habit::Oversized, &EXPECTING_A_FAILED_CALL).await;
    for case in EXPECTING_A_FAILED_CALL {
        assert!(
            stdout.contains(&format!("ERROR {case}")),
            "{case}: {stdout}"
        );
    }
    assert!(stdout.contains("over its 64 MiB limit"), "{stdout}");
}

#[tokio::test]
async fn a_dropped_connection_is_always_an_error_of_the_run() {
    let cases = [
        &EXPECTING_A_FAILED_CALL[..],
        &[
            "action.sdk.unary_command_reply",
            "action.sdk.streamed_in_command_reply",
            "action.sdk.streamed_out_command_replies_and_side_effects",
            "action.sdk.streamed_command_replies_and_side_effects",
        ],
    ]
    .concat();
    let stdout = run_against(Habit::Drop, &cases).await;
    for case in &cases {
        assert!(
            stdout.contains(&format!("ERROR {case}")),
            "{case}: {stdout}"
        );
    }
    assert!(stdout.contains("without a gRPC status"), "{stdout}");
    assert!(!stdout.contains("PASS "), "{stdout}");
}

#[tokio::test]
async fn an_endless_stream_on_a_unary_call_is_a_failure_that_says_so() {
    let case = "action.sdk.unary_command_reply";
    let stdout = run_against(Habit::Endless, &[case]).await;
    assert!(stdout.contains(&format!("FAIL  {case}")), "{stdout}");
    assert!(
        stdout.contains("a second message on a call whose method answers exactly one"),
        "{stdout}"
    );
}
