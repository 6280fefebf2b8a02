//! Clients that never finish: a connection that sends nothing, headers or a body that stall, idle
//! connections, more connections than the limit, and calls whose answer never comes. Each is cut off
//! with the right status within its limit, and the proxy keeps serving everyone else.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use cloudstate_protocol::cloudstate::tck::model::valueentity::Request;
use cloudstate_protocol::cloudstate::tck::model::valueentity::value_entity_tck_model_client::ValueEntityTckModelClient;
use reference_proxy::dispatch::{Call, Dispatch, MessageStream};
use reference_proxy::frontend::ConnectionLimits;
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::net::TcpStream;
use tokio::time::timeout;
use tonic::{Code, Status};

use crate::frontend_support::{Proxy, WAIT, tck_spec};

/// Never answers a call; counts the calls it got.
#[derive(Debug, Default)]
struct Silent(AtomicUsize);

#[tonic::async_trait]
impl Dispatch for Silent {
    async fn dispatch(&self, _call: Call) -> Result<MessageStream, Status> {
        self.0.fetch_add(1, Ordering::SeqCst);
        std::future::pending().await
    }
}

/// Tight limits, so that the tests take a second or two.
fn tight() -> ConnectionLimits {
    ConnectionLimits {
        max_connections: 4,
        header_read_timeout: Duration::from_millis(300),
        body_read_timeout: Duration::from_millis(300),
        idle_timeout: Duration::from_millis(500),
        request_timeout: Duration::from_millis(400),
    }
}

async fn start(limits: ConnectionLimits) -> Proxy {
    start_counting(limits).await.0
}

/// [`start`], with the count of calls that reached the (silent) user function.
async fn start_counting(limits: ConnectionLimits) -> (Proxy, Arc<Silent>) {
    let silent = Arc::new(Silent::default());
    let proxy = Proxy::start_with(tck_spec(), silent.clone(), limits).await;
    (proxy, silent)
}

/// Reads until the proxy closes the connection; what it sent, and how long it took.
async fn until_closed(stream: &mut TcpStream) -> (String, Duration) {
    let started = Instant::now();
    let mut received = Vec::new();
    timeout(WAIT, stream.read_to_end(&mut received))
        .await
        .expect("the proxy closed the connection in time")
        .expect("read");
    (
        String::from_utf8_lossy(&received).into_owned(),
        started.elapsed(),
    )
}

#[tokio::test]
async fn connections_that_send_nothing_or_stall_in_their_headers_are_closed() {
    let proxy = start(tight()).await;
    let mut silent = TcpStream::connect(proxy.address).await.expect("connect");
    let (_, waited) = until_closed(&mut silent).await;
    assert!(waited < Duration::from_secs(3), "closed after {waited:?}");

    let mut slow = TcpStream::connect(proxy.address).await.expect("connect");
    slow.write_all(b"GET /ready HTTP/1.1\r\nhost: te")
        .await
        .expect("send");
    let (_, waited) = until_closed(&mut slow).await;
    assert!(waited < Duration::from_secs(3), "closed after {waited:?}");
    proxy.stop().await;
}

/// Waiting for its next request, an HTTP/1.1 connection has the header-read timeout (hyper's timer
/// starts when the connection waits for a request head); an HTTP/2 connection has the idle timeout.
#[tokio::test]
async fn an_idle_connection_is_closed_after_its_request() {
    let proxy = start(tight()).await;
    let mut stream = TcpStream::connect(proxy.address).await.expect("connect");
    stream
        .write_all(b"GET /alive HTTP/1.1\r\nhost: test\r\n\r\n")
        .await
        .expect("send");
    let (answer, waited) = until_closed(&mut stream).await;
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    assert!(
        waited >= Duration::from_millis(250) && waited < Duration::from_secs(4),
        "closed after {waited:?}"
    );
    proxy.stop().await;
}

#[tokio::test]
async fn a_request_body_that_stalls_is_answered_408() {
    let proxy = start(tight()).await;
    let mut stream = TcpStream::connect(proxy.address).await.expect("connect");
    stream
        .write_all(
            b"POST /tck/model/entity/x HTTP/1.1\r\nhost: test\r\ncontent-type: application/json\r\n\
              content-length: 100\r\n\r\n{\"id\":",
        )
        .await
        .expect("send");
    let (answer, _) = until_closed(&mut stream).await;
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
    let (status, _, _) = proxy
        .http("POST", "/tck/model/entity/x", Some("application/json"), "")
        .await;
    assert_ne!(status, 0);
    proxy.stop().await;
}

#[tokio::test]
async fn a_body_declared_too_large_is_refused_before_it_is_read() {
    let proxy = start(tight()).await;
    let mut stream = TcpStream::connect(proxy.address).await.expect("connect");
    stream
        .write_all(
            b"POST /tck/model/entity/x HTTP/1.1\r\nhost: test\r\ncontent-type: application/json\r\n\
              content-length: 100000000000\r\nconnection: close\r\n\r\n",
        )
        .await
        .expect("send");
    let (answer, waited) = until_closed(&mut stream).await;
    assert!(answer.starts_with("HTTP/1.1 413"), "{answer}");
    assert!(waited < Duration::from_secs(1), "took {waited:?}");
    proxy.stop().await;
}

#[tokio::test]
async fn idle_connections_make_room_at_the_limit_and_busy_ones_do_not() {
    let limits = ConnectionLimits {
        header_read_timeout: Duration::from_secs(30),
        idle_timeout: Duration::from_secs(30),
        request_timeout: Duration::from_secs(30),
        ..tight()
    };
    let (proxy, silent) = start_counting(limits).await;
    // Every permit is taken by a connection that sends nothing: the next client is served all the same,
    // and the idle connection that waited longest is closed to make room.
    let mut idle = Vec::new();
    for _ in 0..4 {
        idle.push(TcpStream::connect(proxy.address).await.expect("connect"));
    }
    let (status, _, body) = proxy.http("GET", "/alive", None, "").await;
    assert_eq!(status, 200, "{body}");
    let (_, waited) = until_closed(&mut idle[0]).await;
    assert!(waited < WAIT, "closed to make room");
    drop(idle);

    // Every connection has a request in flight: the next one is refused, 503 or `UNAVAILABLE`.
    let mut busy = Vec::new();
    for n in 0..4 {
        let mut stream = TcpStream::connect(proxy.address).await.expect("connect");
        let body = format!(r#"{{"id":"busy-{n}"}}"#);
        let request = format!(
            "POST /tck/model/entity/busy-{n} HTTP/1.1\r\nhost: proxy\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n{body}",
            body.len()
        );
        stream.write_all(request.as_bytes()).await.expect("write");
        busy.push(stream);
    }
    let in_flight = async {
        while silent.0.load(Ordering::SeqCst) < 4 {
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    };
    timeout(WAIT, in_flight)
        .await
        .expect("every request in flight");
    let (status, _, body) = proxy.http("GET", "/ready", None, "").await;
    assert_eq!(status, 503, "{body}");
    assert!(body.contains("MAX_CONNECTIONS"), "{body}");
    let channel = proxy.channel().await;
    let refused = ValueEntityTckModelClient::new(channel)
        .process(Request::default())
        .await
        .expect_err("refused");
    assert_eq!(refused.code(), Code::Unavailable, "{refused:?}");
    // A connection given back makes room at once.
    drop(busy.pop());
    let served = async {
        loop {
            let (status, _, _) = proxy.http("GET", "/alive", None, "").await;
            if status == 200 {
                break;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    };
    timeout(WAIT, served).await.expect("served again");
    drop(busy);
    proxy.stop().await;
}

/// A gRPC call sent with a raw HTTP/2 client (tonic's own client would enforce the `grpc-timeout` itself
/// and race the proxy); returns the `grpc-status` of the answer and how long it took.
async fn raw_grpc_call(proxy: &Proxy, grpc_timeout: Option<&str>) -> (String, Duration) {
    let tcp = TcpStream::connect(proxy.address).await.expect("connect");
    let (mut client, connection) = h2::client::handshake(tcp).await.expect("h2 handshake");
    tokio::spawn(connection);
    let mut request = http::Request::post(format!(
        "http://{}/cloudstate.tck.model.valueentity.ValueEntityTckModel/Process",
        proxy.address
    ))
    .header("content-type", "application/grpc")
    .header("te", "trailers");
    if let Some(timeout) = grpc_timeout {
        request = request.header("grpc-timeout", timeout);
    }
    let request = request.body(()).expect("a request");
    let started = Instant::now();
    let (response, mut body) = client.send_request(request, false).expect("sent");
    // One gRPC frame: not compressed, 3 bytes, field 1 = "x".
    body.send_data(
        bytes::Bytes::from_static(&[0, 0, 0, 0, 3, 0x0a, 1, b'x']),
        true,
    )
    .expect("body sent");
    let response = timeout(WAIT, response)
        .await
        .expect("answered in time")
        .expect("a response");
    let mut status = response.headers().get("grpc-status").cloned();
    let mut body = response.into_body();
    if status.is_none() {
        while let Some(data) = timeout(WAIT, body.data()).await.expect("in time") {
            data.expect("data");
        }
        let trailers = timeout(WAIT, body.trailers())
            .await
            .expect("in time")
            .expect("trailers");
        status = trailers.and_then(|trailers| trailers.get("grpc-status").cloned());
    }
    let status = status
        .map(|value| value.to_str().unwrap_or_default().to_owned())
        .unwrap_or_default();
    (status, started.elapsed())
}

#[tokio::test]
async fn a_call_ends_at_its_deadline() {
    let limits = ConnectionLimits {
        request_timeout: Duration::from_secs(5),
        ..tight()
    };
    let proxy = start(limits).await;
    // The client's deadline.
    let (status, waited) = raw_grpc_call(&proxy, Some("200m")).await;
    assert_eq!(status, (Code::DeadlineExceeded as i32).to_string());
    assert!(waited < Duration::from_secs(2), "took {waited:?}");
    proxy.stop().await;
    // Without one, the request timeout, also over HTTP.
    let proxy = start(tight()).await;
    let (status, waited) = raw_grpc_call(&proxy, None).await;
    assert_eq!(status, (Code::DeadlineExceeded as i32).to_string());
    assert!(waited < Duration::from_secs(2), "took {waited:?}");
    let (status, _, _) = proxy.post("/tck/model/entity/z", r#"{"id":"z"}"#).await;
    assert_eq!(status, 504);
    proxy.stop().await;
}
