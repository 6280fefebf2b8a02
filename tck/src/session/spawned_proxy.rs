//! The proxy under test when the TCK started it. The run watches its process; a case may kill it hard and
//! start it again (to check what survives a crash), or start another instance of the same command in
//! front of a user function of its own (to check what the proxy does with a bad discovery answer).

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::Mutex;
use tokio::time::Instant;

use super::{ScratchFile, SpawnedProcess};
use crate::run::TargetMonitor;

/// The proxy process the TCK started, shared by the run and its cases; cheap to clone.
#[derive(Debug, Clone)]
pub(crate) struct SpawnedProxy {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    command: String,
    address: String,
    ready_wait: Duration,
    token: String,
    process: Mutex<SpawnedProcess>,
    /// The durable store's file, when the proxy was started as durable; removed when the run ends.
    store: Option<ScratchFile>,
}

impl SpawnedProxy {
    /// Starts `command` on a free loopback port in front of the user function at
    /// `127.0.0.1:user_function_port`. With `durable`, it also gets `STORE=sqlite:PATH` on a fresh scratch
    /// file, and with a `relay_timeout`, `RELAY_TIMEOUT_MS` (the reference proxy's settings; other proxies
    /// configure theirs in `command`). It does not wait for the proxy to be ready: see
    /// [`SpawnedProxy::wait_until_ready`].
    pub(crate) fn start(
        command: &str,
        user_function_port: u16,
        durable: bool,
        relay_timeout: Option<Duration>,
        ready_wait: Duration,
    ) -> std::io::Result<SpawnedProxy> {
        let http_port = super::free_port()?;
        let mut env = proxy_env(http_port, user_function_port);
        let store = durable.then(ScratchFile::in_temp_dir);
        if let Some(file) = &store {
            env.push(("STORE", format!("sqlite:{}", file.path().display())));
        }
        if let Some(timeout) = relay_timeout {
            env.push(("RELAY_TIMEOUT_MS", timeout.as_millis().to_string()));
        }
        let process = SpawnedProcess::start(command, &env)?;
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |since| since.as_nanos());
        Ok(SpawnedProxy {
            inner: Arc::new(Inner {
                command: command.to_owned(),
                address: format!("127.0.0.1:{http_port}"),
                ready_wait,
                token: format!("{:x}", nanos % (1 << 40)),
                process: Mutex::new(process),
                store,
            }),
        })
    }

    /// `host:port` of its public port.
    pub(crate) fn address(&self) -> &str {
        &self.inner.address
    }

    /// The command it was started with.
    pub(crate) fn command(&self) -> &str {
        &self.inner.command
    }

    /// Whether it was started to keep entity state across a restart.
    pub(crate) fn is_durable(&self) -> bool {
        self.inner.store.is_some()
    }

    /// A short text unique to this start of the proxy, for entity IDs that must not meet the state of an
    /// earlier run in a durable store.
    pub(crate) fn run_token(&self) -> &str {
        &self.inner.token
    }

    /// Waits until `GET /ready` answers 200; an error when the process exits first or the wait ends.
    pub(crate) async fn wait_until_ready(&self) -> Result<(), String> {
        let mut process = self.inner.process.lock().await;
        wait_until_ready(
            &self.inner.address,
            Some(&mut process),
            self.inner.ready_wait,
        )
        .await
    }

    /// Its last output lines.
    pub(crate) async fn output_text(&self) -> String {
        self.inner.process.lock().await.output_text()
    }

    /// Stops it: SIGTERM, then SIGKILL after `grace`.
    pub(crate) async fn stop(&self, grace: Duration) {
        self.inner.process.lock().await.stop(grace).await;
    }

    /// Kills its process group with SIGKILL, as a crash would, starts the same command with the same
    /// environment (the same port and store), and waits until it is ready again.
    pub(crate) async fn kill_and_restart(&self) -> Result<(), String> {
        let mut process = self.inner.process.lock().await;
        process.kill().await;
        process
            .restart()
            .await
            .map_err(|error| format!("cannot start `{}` again: {error}", self.inner.command))?;
        wait_until_ready(
            &self.inner.address,
            Some(&mut process),
            self.inner.ready_wait,
        )
        .await
    }

    /// Starts another instance of the same command, on a port of its own, in front of the user function
    /// at `127.0.0.1:user_function_port`, with the proxy's default store.
    pub(crate) fn start_instance(&self, user_function_port: u16) -> std::io::Result<ProxyInstance> {
        let http_port = super::free_port()?;
        let env = proxy_env(http_port, user_function_port);
        let process = SpawnedProcess::start(&self.inner.command, &env)?;
        Ok(ProxyInstance {
            process,
            address: format!("127.0.0.1:{http_port}"),
        })
    }
}

impl TargetMonitor for SpawnedProxy {
    fn exited(&mut self) -> Option<String> {
        let mut process = self.inner.process.try_lock().ok()?;
        process
            .exit_status()
            .map(|status| format!("the target process exited ({status})"))
    }

    fn output(&self) -> Option<String> {
        Some(
            self.inner
                .process
                .try_lock()
                .map(|process| process.output_text())
                .unwrap_or_default(),
        )
    }
}

/// Another instance of the proxy under test, started by a case; its process group is killed when this
/// is dropped.
#[derive(Debug)]
pub(crate) struct ProxyInstance {
    process: SpawnedProcess,
    address: String,
}

impl ProxyInstance {
    /// `host:port` of its public port.
    pub(crate) fn address(&self) -> &str {
        &self.address
    }

    /// How it exited, if it has.
    pub(crate) fn exit_status(&mut self) -> Option<String> {
        self.process.exit_status().map(|status| status.to_string())
    }

    /// Its last output lines.
    pub(crate) fn output_text(&self) -> String {
        self.process.output_text()
    }

    /// Stops it: SIGTERM, then SIGKILL after `grace`.
    pub(crate) async fn stop(&mut self, grace: Duration) {
        self.process.stop(grace).await;
    }
}

/// Waits until `GET /ready` on `address` answers 200, failing early when `process` exits first.
pub(crate) async fn wait_until_ready(
    address: &str,
    mut process: Option<&mut SpawnedProcess>,
    wait: Duration,
) -> Result<(), String> {
    let give_up = Instant::now() + wait;
    let mut last = "it did not accept connections".to_owned();
    loop {
        if let Some(process) = process.as_deref_mut()
            && let Some(status) = process.exit_status()
        {
            return Err(format!(
                "the proxy `{}` exited before it was ready ({status})",
                process.command()
            ));
        }
        if Instant::now() >= give_up {
            return Err(format!(
                "the proxy at {address} was not ready within {} ms: {last}",
                wait.as_millis()
            ));
        }
        match super::http_get(address, "/ready").await {
            Ok(response) if response.status == 200 => return Ok(()),
            Ok(response) => last = format!("GET /ready answered {}", response.status),
            Err(error) => last = format!("GET /ready failed: {error}"),
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// The environment the TCK gives a proxy it starts.
fn proxy_env(http_port: u16, user_function_port: u16) -> Vec<(&'static str, String)> {
    vec![
        ("HTTP_PORT", http_port.to_string()),
        ("USER_FUNCTION_HOST", "127.0.0.1".to_owned()),
        ("USER_FUNCTION_PORT", user_function_port.to_string()),
    ]
}
