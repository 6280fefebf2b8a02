//! SDK runs: reaching the user function under test or starting it (and starting it again when it dies),
//! the discovery gate, and running the SDK suite against it.
//!
//! Discovery is a gate: the target must answer `discover` with at least one entity before any case runs;
//! otherwise the run is a setup error (exit 96), and its reports say why.

use std::sync::Arc;
use std::time::Duration;

use cloudstate_protocol::cloudstate::EntitySpec;
use futures::future::BoxFuture;
use tokio::time::Instant;

use super::Prepared;
use crate::case::Mode;
use crate::error::TckError;
use crate::run::{RunningTarget, SdkTarget, ServiceInfoReport, TargetInfo, TargetMonitor, run_sdk};
use crate::session::{
    ConnectError, Discovery, SpawnedProcess, check_address, connect, discover, free_port,
    no_free_port,
};
use crate::stdout::outln;

/// How long `--target` is retried before the TCK gives up on it.
const TARGET_CONNECT_WAIT: Duration = Duration::from_secs(10);

/// Where the user function under test is: running at `target`, or started with `spawn` (on
/// `spawn_port`, or a free one) and given `spawn_timeout` to answer `discover`.
#[derive(Debug, Clone, Default)]
pub(crate) struct SdkTargetOptions {
    /// The address of a running user function.
    pub(crate) target: Option<String>,
    /// The command that starts the user function.
    pub(crate) spawn: Option<String>,
    /// The port the started user function listens on.
    pub(crate) spawn_port: Option<u16>,
    /// How long the started user function may take to answer `discover`.
    pub(crate) spawn_timeout: Duration,
}

/// Runs the SDK suite against the user function `args` names; returns the exit code.
pub(crate) async fn run_sdk_suite(
    args: &SdkTargetOptions,
    mut prepared: Prepared,
) -> Result<u8, TckError> {
    let address = match (&args.target, args.spawn_port) {
        (Some(address), _) => address.clone(),
        (None, Some(port)) => format!("127.0.0.1:{port}"),
        (None, None) => String::new(),
    };
    let target = TargetInfo {
        address,
        spawned: args.spawn.clone(),
        service_info: None,
    };
    run_prepared(args, &mut prepared)
        .await
        .map_err(|error| prepared.setup_failed(Mode::Sdk, target, error))
}

async fn run_prepared(args: &SdkTargetOptions, prepared: &mut Prepared) -> Result<u8, TckError> {
    match (&args.target, &args.spawn) {
        (Some(address), _) => {
            check_address(address).map_err(connect_error)?;
            let channel = connect(address, TARGET_CONNECT_WAIT)
                .await
                .map_err(connect_error)?;
            let info = TargetInfo {
                address: address.clone(),
                spawned: None,
                service_info: None,
            };
            let spec_wait = prepared.options.case_timeout.min(Duration::from_secs(5));
            let spec = gate(discover(&channel, spec_wait).await, address)?;
            let mut monitor = RunningTarget::new(address.clone());
            finish(prepared, channel, info, spec, &mut monitor).await
        }
        (None, Some(command)) => {
            let port = match args.spawn_port {
                Some(port) => port,
                None => free_port().map_err(no_free_port)?,
            };
            let address = format!("127.0.0.1:{port}");
            let env = [("HOST", "127.0.0.1".to_owned()), ("PORT", port.to_string())];
            let mut process = SpawnedProcess::start(command, &env)
                .map_err(|error| TckError::Setup(format!("cannot start `{command}`: {error}")))?;
            let wait = args.spawn_timeout;
            let ready = wait_until_ready(&mut process, &address, wait).await;
            let (channel, spec) = match ready.and_then(|(channel, spec)| {
                gate(Discovery::Answered(spec), &address).map(|spec| (channel, spec))
            }) {
                Ok(ready) => ready,
                Err(error) => {
                    process.stop(Duration::from_secs(2)).await;
                    return Err(with_output(error, &process));
                }
            };
            let info = TargetInfo {
                address: address.clone(),
                spawned: Some(command.clone()),
                service_info: None,
            };
            let mut monitor = Restarting {
                process,
                address,
                wait,
                restarts: 0,
                gave_up: false,
            };
            let code = finish(prepared, channel, info, spec, &mut monitor).await;
            monitor.process.stop(Duration::from_secs(5)).await;
            code
        }
        (None, None) => Err(TckError::BadArguments(
            "give --target HOST:PORT or --spawn CMD".to_owned(),
        )),
    }
}

/// The discovery gate: the target's `EntitySpec`, or the setup error that stops the run before its first
/// case: `discover` failed or timed out, or announced no entity, so no case could tell what to test.
pub(crate) fn gate(discovery: Discovery, address: &str) -> Result<EntitySpec, TckError> {
    match discovery {
        Discovery::Answered(spec) if spec.entities.is_empty() => Err(TckError::Setup(format!(
            "the target at {address} answered `discover` with no entity (spec DISC-001), so no case \
             can run"
        ))),
        Discovery::Answered(spec) => Ok(spec),
        Discovery::NoAnswer(reason) => Err(TckError::Setup(format!(
            "the target at {address} did not answer `discover` ({reason}); without its EntitySpec \
             no case can run"
        ))),
    }
}

/// A spawned target that the TCK starts again, with the same command and port, when it dies during a
/// case, until one restart fails.
struct Restarting {
    process: SpawnedProcess,
    address: String,
    wait: Duration,
    restarts: usize,
    gave_up: bool,
}

impl TargetMonitor for Restarting {
    fn exited(&mut self) -> Option<String> {
        self.process.exited()
    }

    fn output(&self) -> Option<String> {
        self.process.output()
    }

    fn restart(&mut self) -> BoxFuture<'_, Option<Result<String, String>>> {
        Box::pin(async move {
            if self.gave_up {
                return None;
            }
            let restarted = match self.process.restart().await {
                Ok(()) => wait_until_ready(&mut self.process, &self.address, self.wait).await,
                Err(error) => Err(TckError::Setup(format!("cannot start it: {error}"))),
            };
            match restarted {
                Ok(_) => {
                    self.restarts += 1;
                    outln!(
                        "note: the target exited; restarted it on {} (restart {})",
                        self.address,
                        self.restarts
                    );
                    Some(Ok(format!(
                        "the TCK restarted the target on {} (restart {}) and it answered `discover`",
                        self.address, self.restarts
                    )))
                }
                Err(error) => {
                    self.gave_up = true;
                    Some(Err(error.to_string()))
                }
            }
        })
    }
}

async fn finish(
    prepared: &mut Prepared,
    channel: tonic::transport::Channel,
    mut info: TargetInfo,
    spec: EntitySpec,
    monitor: &mut dyn TargetMonitor,
) -> Result<u8, TckError> {
    info.service_info = spec.service_info.as_ref().map(ServiceInfoReport::from);
    let target = SdkTarget {
        channel,
        spec: Some(Arc::new(spec)),
        info,
    };
    let summary = run_sdk(
        &prepared.cases,
        &target,
        &prepared.options,
        monitor,
        &mut prepared.reporters,
    )
    .await?;
    prepared.exit_code(&summary)
}

async fn wait_until_ready(
    process: &mut SpawnedProcess,
    address: &str,
    wait: Duration,
) -> Result<
    (
        tonic::transport::Channel,
        cloudstate_protocol::cloudstate::EntitySpec,
    ),
    TckError,
> {
    let give_up = Instant::now() + wait;
    let mut last_problem = "it did not accept connections".to_owned();
    loop {
        if let Some(status) = process.exit_status() {
            return Err(TckError::Setup(format!(
                "the target `{}` exited before it answered `discover` ({status})",
                process.command()
            )));
        }
        if Instant::now() >= give_up {
            return Err(TckError::Setup(format!(
                "the target `{}` did not answer `discover` on {address} within {} ms: {last_problem}",
                process.command(),
                wait.as_millis()
            )));
        }
        match connect(address, Duration::from_millis(100)).await {
            Ok(channel) => match discover(&channel, Duration::from_secs(2)).await {
                Discovery::Answered(spec) => return Ok((channel, spec)),
                Discovery::NoAnswer(reason) => last_problem = reason,
            },
            Err(ConnectError::Unreachable(_) | ConnectError::BadAddress(_)) => {}
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

fn with_output(error: TckError, process: &SpawnedProcess) -> TckError {
    let output = process.output_text();
    match error {
        TckError::Setup(message) if output.is_empty() => {
            TckError::Setup(format!("{message}\nthe process printed nothing"))
        }
        TckError::Setup(message) => {
            TckError::Setup(format!("{message}\nits last output:\n{output}"))
        }
        other => other,
    }
}

pub(crate) fn connect_error(error: ConnectError) -> TckError {
    match error {
        ConnectError::BadAddress(message) => TckError::BadArguments(message),
        ConnectError::Unreachable(message) => TckError::Setup(message),
    }
}
