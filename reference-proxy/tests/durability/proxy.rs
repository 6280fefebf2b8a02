//! The reference-proxy binary as a child process on an SQLite file, gRPC clients of the TCK model
//! services through it, and a small seeded random generator.

use std::io::{Read as _, Write as _};
use std::net::{SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use cloudstate_protocol::cloudstate::tck::model::event_sourced_tck_model_client::EventSourcedTckModelClient;
use cloudstate_protocol::cloudstate::tck::model::valueentity::value_entity_tck_model_client::ValueEntityTckModelClient;
use cloudstate_protocol::cloudstate::tck::model::valueentity::{
    Request as ValueRequest, RequestAction as ValueAction, Update, request_action as value_action,
};
use cloudstate_protocol::cloudstate::tck::model::{
    Emit, Request as EventSourcedRequest, RequestAction, request_action,
};
use tonic::Status;
use tonic::transport::Channel;

/// How long one call may take.
const CALL_TIMEOUT: Duration = Duration::from_secs(10);

/// A running reference proxy.
#[derive(Debug)]
pub(crate) struct Proxy {
    /// Its public address.
    pub(crate) address: SocketAddr,
    child: Child,
}

impl Proxy {
    /// Starts the binary on `store` in front of `user_function`, and waits until `/ready` answers.
    pub(crate) fn start(user_function: SocketAddr, store: &Path) -> Proxy {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|listener| listener.local_addr())
            .expect("a free port")
            .port();
        let child = Command::new(env!("CARGO_BIN_EXE_reference-proxy"))
            .env("HTTP_PORT", port.to_string())
            .env("USER_FUNCTION_HOST", user_function.ip().to_string())
            .env("USER_FUNCTION_PORT", user_function.port().to_string())
            .arg("--store")
            .arg(format!("sqlite:{}", store.display()))
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("the proxy starts");
        let address = SocketAddr::from(([127, 0, 0, 1], port));
        let ready_by = Instant::now() + Duration::from_secs(20);
        while !ready(address) {
            assert!(Instant::now() < ready_by, "the proxy did not become ready");
            std::thread::sleep(Duration::from_millis(20));
        }
        Proxy { address, child }
    }

    /// A gRPC channel to the proxy, connected on first use.
    pub(crate) fn channel(&self) -> Channel {
        Channel::from_shared(format!("http://{}", self.address))
            .expect("an endpoint")
            .connect_lazy()
    }

    /// `kill -9`, and reap the process.
    pub(crate) fn kill(mut self) {
        self.child.kill().expect("SIGKILL");
        self.child.wait().expect("reaped");
    }
}

impl Drop for Proxy {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Whether `GET /ready` answers 200.
fn ready(address: SocketAddr) -> bool {
    let exchange = || -> std::io::Result<String> {
        let mut stream = TcpStream::connect(address)?;
        stream.set_read_timeout(Some(Duration::from_secs(2)))?;
        stream.write_all(b"GET /ready HTTP/1.1\r\nhost: proxy\r\nconnection: close\r\n\r\n")?;
        let mut response = String::new();
        stream.read_to_string(&mut response)?;
        Ok(response)
    };
    exchange().is_ok_and(|response| response.starts_with("HTTP/1.1 200"))
}

/// The SQLite file of a test, in a directory removed at the end.
pub(crate) fn store() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let path = dir.path().join("proxy.db");
    (dir, path)
}

/// Appends `value` to the event-sourced entity `id` (nothing when empty); returns its state.
pub(crate) async fn emit(channel: Channel, id: &str, value: &str) -> Result<String, Status> {
    let actions = (!value.is_empty())
        .then(|| RequestAction {
            action: Some(request_action::Action::Emit(Emit {
                value: value.to_owned(),
            })),
        })
        .into_iter()
        .collect();
    let request = EventSourcedRequest {
        id: id.to_owned(),
        actions,
    };
    let call = async move {
        EventSourcedTckModelClient::new(channel)
            .process(request)
            .await
    };
    match tokio::time::timeout(CALL_TIMEOUT, call).await {
        Ok(reply) => reply.map(|reply| reply.into_inner().message),
        Err(_) => Err(Status::deadline_exceeded("no answer in time")),
    }
}

/// Sets the value entity `id` to `value` (nothing when empty); returns its state.
pub(crate) async fn update(channel: Channel, id: &str, value: &str) -> Result<String, Status> {
    let actions = (!value.is_empty())
        .then(|| ValueAction {
            action: Some(value_action::Action::Update(Update {
                value: value.to_owned(),
            })),
        })
        .into_iter()
        .collect();
    let request = ValueRequest {
        id: id.to_owned(),
        actions,
    };
    let call = async move {
        ValueEntityTckModelClient::new(channel)
            .process(request)
            .await
    };
    match tokio::time::timeout(CALL_TIMEOUT, call).await {
        Ok(reply) => reply.map(|reply| reply.into_inner().message),
        Err(_) => Err(Status::deadline_exceeded("no answer in time")),
    }
}

/// A xorshift generator: enough to pick kill points reproducibly from a printed seed.
#[derive(Debug, Clone)]
pub(crate) struct Rng(u64);

impl Rng {
    /// From `DURABILITY_SEED` when set, otherwise from the clock; prints the seed.
    pub(crate) fn seeded() -> Rng {
        let seed = std::env::var("DURABILITY_SEED")
            .ok()
            .and_then(|seed| seed.parse().ok())
            .unwrap_or_else(|| {
                std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .map_or(1, |now| now.as_nanos() as u64)
            });
        println!("durability: seed {seed} (rerun with DURABILITY_SEED={seed})");
        Rng(seed.max(1))
    }

    /// A number in `low..high`.
    pub(crate) fn between(&mut self, low: u64, high: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        low + self.0 % (high - low).max(1)
    }
}
