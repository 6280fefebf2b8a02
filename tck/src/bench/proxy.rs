//! The proxy under test: started by the bench in front of the built-in model (once per phase, so each
//! phase starts from a fresh process), or already running.

use std::time::Duration;

use super::memory::listening_pid;
use crate::error::TckError;
use crate::session::{SpawnedProcess, check_address, free_port, no_free_port, wait_until_ready};

/// How long a spawned proxy may take to answer `GET /ready`.
const READY_TIMEOUT: Duration = Duration::from_secs(30);

/// Which proxy to measure.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum ProxyUnderTest {
    /// Already running at this address, in front of a user function that serves the TCK model.
    Running(String),
    /// Started with this shell command, which gets `HTTP_PORT`, `USER_FUNCTION_HOST`,
    /// `USER_FUNCTION_PORT` and, for the durable phase, `STORE=sqlite:PATH`.
    Spawn(String),
}

/// A proxy the bench talks to, stopped when dropped if the bench started it.
#[derive(Debug)]
pub(crate) struct ProxyHandle {
    /// Its gRPC address.
    pub address: String,
    /// Its process, when it runs on this machine and could be found by its listening port.
    pub pid: Option<u32>,
    process: Option<SpawnedProcess>,
}

impl ProxyHandle {
    /// A proxy that is already running; its process is looked up when the address is on loopback.
    pub(crate) fn running(address: &str) -> Result<ProxyHandle, TckError> {
        check_address(address).map_err(|error| TckError::BadArguments(format!("{error:?}")))?;
        let pid = address.rsplit_once(':').and_then(|(host, port)| {
            let local = matches!(host, "127.0.0.1" | "localhost" | "[::1]" | "::1");
            local
                .then(|| port.parse::<u16>().ok())
                .flatten()
                .and_then(listening_pid)
        });
        Ok(ProxyHandle {
            address: address.to_owned(),
            pid,
            process: None,
        })
    }

    /// Starts `command` on a free port in front of the user function at `127.0.0.1:user_function_port`,
    /// with `extra` added to its environment, and waits until it is ready.
    pub(crate) async fn spawn(
        command: &str,
        user_function_port: u16,
        extra: Vec<(&'static str, String)>,
    ) -> Result<ProxyHandle, TckError> {
        let http_port = free_port().map_err(no_free_port)?;
        let mut env = vec![
            ("HTTP_PORT", http_port.to_string()),
            ("USER_FUNCTION_HOST", "127.0.0.1".to_owned()),
            ("USER_FUNCTION_PORT", user_function_port.to_string()),
        ];
        env.extend(extra);
        let mut process = SpawnedProcess::start(command, &env)
            .map_err(|error| TckError::Setup(format!("cannot start `{command}`: {error}")))?;
        let address = format!("127.0.0.1:{http_port}");
        if let Err(reason) = wait_until_ready(&address, Some(&mut process), READY_TIMEOUT).await {
            process.stop(Duration::from_secs(2)).await;
            return Err(TckError::Setup(format!(
                "{reason}; its output:\n{}",
                process.output_text()
            )));
        }
        Ok(ProxyHandle {
            address,
            pid: listening_pid(http_port),
            process: Some(process),
        })
    }

    /// The last lines the proxy wrote, if the bench started it.
    pub(crate) fn output(&self) -> Option<String> {
        self.process.as_ref().map(SpawnedProcess::output_text)
    }

    /// Stops the proxy if the bench started it.
    pub(crate) async fn stop(mut self) {
        if let Some(process) = self.process.as_mut() {
            process.stop(Duration::from_secs(5)).await;
        }
    }
}
