//! The reference proxy on its SQLite store, in front of the built-in model: writes acknowledged before a
//! `kill -9` are there after a restart on the same file.

use std::io::{Read as _, Write as _};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::support::{ModelServer, tck_binary};

/// The reference proxy binary, built beside the TCK by the workspace's test command.
pub(crate) fn reference_proxy() -> PathBuf {
    let path = Path::new(tck_binary()).with_file_name("reference-proxy");
    assert!(
        path.exists(),
        "{} is missing: run the tests with `cargo test --workspace`",
        path.display()
    );
    path
}

/// Starts the reference proxy in front of the user function at `model`, with these arguments and
/// environment and its log to `log`; returns it and its address once `/ready` answers 200.
pub(crate) fn start_proxy(
    model: &str,
    args: &[&str],
    env: &[(&str, &str)],
    log: Stdio,
) -> (Child, String) {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .expect("bind")
        .local_addr()
        .expect("address")
        .port();
    let (host, model_port) = model.rsplit_once(':').expect("host:port");
    let child = Command::new(reference_proxy())
        .env("HTTP_PORT", port.to_string())
        .env("USER_FUNCTION_HOST", host)
        .env("USER_FUNCTION_PORT", model_port)
        .envs(env.iter().copied())
        .args(args)
        .stdout(Stdio::null())
        .stderr(log)
        .spawn()
        .expect("the proxy starts");
    let address = format!("127.0.0.1:{port}");
    let ready_by = Instant::now() + Duration::from_secs(20);
    while post_raw(&address, "GET", "/ready", "").map(|(status, _)| status) != Some(200) {
        assert!(Instant::now() < ready_by, "the proxy did not become ready");
        std::thread::sleep(Duration::from_millis(50));
    }
    (child, address)
}

/// One HTTP/1.1 request; `None` when nothing answers.
pub(crate) fn post_raw(
    address: &str,
    method: &str,
    path: &str,
    body: &str,
) -> Option<(u16, String)> {
    request_within(Duration::from_secs(10), address, method, path, body)
}

/// One HTTP/1.1 request, given up (the connection closed) after `patience`; `None` when nothing answers
/// by then.
pub(crate) fn request_within(
    patience: Duration,
    address: &str,
    method: &str,
    path: &str,
    body: &str,
) -> Option<(u16, String)> {
    let mut stream = TcpStream::connect(address).ok()?;
    stream.set_read_timeout(Some(patience)).ok()?;
    let request = format!(
        "{method} {path} HTTP/1.1\r\nhost: {address}\r\nconnection: close\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n{body}",
        body.len()
    );
    stream.write_all(request.as_bytes()).ok()?;
    let mut response = String::new();
    stream.read_to_string(&mut response).ok()?;
    let status = response.split_whitespace().nth(1)?.parse().ok()?;
    let body = response
        .split_once("\r\n\r\n")
        .map(|(_, body)| body.to_owned())?;
    Some((status, body))
}

/// A request that must answer 200; returns the body.
pub(crate) fn post(address: &str, path: &str, body: &str) -> String {
    let (status, body) = post_raw(address, "POST", path, body).expect("the proxy answers");
    assert_eq!(status, 200, "{path}: {body}");
    body
}

#[tokio::test]
async fn acknowledged_writes_survive_kill_9() {
    let model = ModelServer::start().await;
    let dir = tempfile::tempdir().expect("temp dir");
    let store = dir.path().join("proxy.db");
    let model_address = model.address.clone();
    let store_path = store.clone();
    tokio::task::spawn_blocking(move || {
        let emit = r#"{"id":"e1","actions":[{"emit":{"value":"A"}}]}"#;
        let update = r#"{"id":"v1","actions":[{"update":{"value":"X"}}]}"#;
        let store = format!("sqlite:{}", store_path.display());
        let (mut proxy, address) =
            start_proxy(&model_address, &["--store", &store], &[], Stdio::null());
        assert_eq!(
            post(&address, "/tck/model/eventsourced/e1", emit),
            r#"{"message":"A"}"#
        );
        assert_eq!(
            post(&address, "/tck/model/eventsourced/e1", emit),
            r#"{"message":"AA"}"#
        );
        assert_eq!(
            post(&address, "/tck/model/entity/v1", update),
            r#"{"message":"X"}"#
        );
        proxy.kill().expect("kill -9");
        proxy.wait().expect("reaped");

        let (mut proxy, address) =
            start_proxy(&model_address, &["--store", &store], &[], Stdio::null());
        assert_eq!(
            post(&address, "/tck/model/eventsourced/e1", r#"{"id":"e1"}"#),
            r#"{"message":"AA"}"#
        );
        assert_eq!(
            post(&address, "/tck/model/entity/v1", r#"{"id":"v1"}"#),
            r#"{"message":"X"}"#
        );
        proxy.kill().expect("stop");
        proxy.wait().expect("reaped");
    })
    .await
    .expect("the test body");
}
