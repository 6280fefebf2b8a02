//! Proxy runs: the TCK starts (or reaches) the user function, puts its interceptor in front of it, starts
//! (or reaches) the proxy pointed at the interceptor, and runs the proxy-mode cases as the proxy's client.

use std::sync::Arc;
use std::sync::atomic::AtomicU64;
use std::time::Duration;

use cloudstate_protocol::cloudstate::{EntitySpec, ProxyInfo};
use prost::Message as _;
use tokio::net::TcpListener;
use tokio::time::Instant;
use tonic::transport::Channel;

use super::model::start_model;
use super::{Prepared, connect_error, gate};
use crate::case::Mode;
use crate::error::TckError;
use crate::model::{Headers, ModelOptions};
use crate::proxy::{CallEvent, Interceptor, ProxyExecutor, StartupDiscovery};
use crate::run::{
    CaseExecutor, RunScope, RunningTarget, TargetInfo, TargetMonitor, run_cases, served_services,
};
use crate::session::{Discovery, SpawnedProxy, check_address, connect, discover, wait_until_ready};

/// Everything a proxy run needs once the proxy is up.
#[derive(Debug)]
pub(crate) struct ProxySession {
    pub(crate) executor: ProxyExecutor,
    pub(crate) info: TargetInfo,
    pub(crate) served: Option<std::collections::BTreeSet<String>>,
    pub(crate) process: Option<SpawnedProxy>,
    _interceptor: Interceptor,
}

/// How to reach the proxy under test.
#[derive(Debug, Clone)]
pub(crate) enum ProxyTarget {
    /// Already running at this address.
    Running(String),
    /// Started by the TCK with this command.
    Spawn(String),
    /// Started by the TCK with this command, as a proxy that keeps entity state across a restart: it
    /// gets `STORE=sqlite:PATH` on a scratch file, and cases may kill and restart it.
    SpawnDurable(String),
}

/// Starts the interceptor in front of `upstream`, then reaches or starts the proxy, waits until it is
/// ready, and captures the discovery exchange it made.
pub(crate) async fn start_session(
    target: ProxyTarget,
    upstream: Channel,
    intercept_port: Option<u16>,
    spawn_timeout: Duration,
    relay_timeout: Option<Duration>,
) -> Result<ProxySession, TckError> {
    let served = match discover(&upstream, Duration::from_secs(5)).await {
        Discovery::Answered(spec) => Some(served_services(&spec)),
        Discovery::NoAnswer(_) => None,
    };
    let port = match (intercept_port, &target) {
        (Some(port), _) => port,
        (None, ProxyTarget::Running(_)) => 8090,
        (None, ProxyTarget::Spawn(_) | ProxyTarget::SpawnDurable(_)) => 0,
    };
    let listener = TcpListener::bind(("127.0.0.1", port))
        .await
        .map_err(|error| {
            TckError::Setup(format!(
                "cannot bind the interceptor on 127.0.0.1:{port}: {error}"
            ))
        })?;
    let interceptor = Interceptor::start(listener, upstream)
        .map_err(|error| TckError::Setup(format!("cannot start the interceptor: {error}")))?;
    let (command, durable) = match target {
        ProxyTarget::Running(address) => {
            check_address(&address).map_err(connect_error)?;
            wait_until_ready(&address, None, spawn_timeout)
                .await
                .map_err(TckError::Setup)?;
            return finish_session(address, None, served, interceptor, relay_timeout).await;
        }
        ProxyTarget::Spawn(command) => (command, false),
        ProxyTarget::SpawnDurable(command) => (command, true),
    };
    let user_function_port = interceptor.address.port();
    let process = SpawnedProxy::start(
        &command,
        user_function_port,
        durable,
        relay_timeout,
        spawn_timeout,
    )
    .map_err(|error| TckError::Setup(format!("cannot start `{command}`: {error}")))?;
    if let Err(error) = process.wait_until_ready().await {
        process.stop(Duration::from_secs(2)).await;
        let output = process.output_text().await;
        return Err(TckError::Setup(if output.is_empty() {
            format!("{error}\nthe process printed nothing")
        } else {
            format!("{error}\nits last output:\n{output}")
        }));
    }
    let address = process.address().to_owned();
    finish_session(address, Some(process), served, interceptor, relay_timeout).await
}

/// Connects to the ready proxy and gathers what the run needs.
async fn finish_session(
    address: String,
    process: Option<SpawnedProxy>,
    served: Option<std::collections::BTreeSet<String>>,
    interceptor: Interceptor,
    relay_timeout: Option<Duration>,
) -> Result<ProxySession, TckError> {
    let channel = connect(&address, Duration::from_secs(5))
        .await
        .map_err(connect_error)?;
    let startup = capture_startup_discovery(&interceptor).await;
    let info = TargetInfo {
        address: address.clone(),
        spawned: process.as_ref().map(|p| p.command().to_owned()),
        service_info: None,
    };
    let executor = ProxyExecutor {
        channel,
        http_address: address,
        traffic: interceptor.traffic.clone(),
        startup: Arc::new(startup),
        entity_ids: Arc::new(AtomicU64::new(0)),
        spawned: process.clone(),
        relay_timeout,
        last_failed: Arc::default(),
    };
    Ok(ProxySession {
        executor,
        info,
        served,
        process,
        _interceptor: interceptor,
    })
}

/// Reads the `discover` call the proxy made at start-up from the interceptor's record.
async fn capture_startup_discovery(interceptor: &Interceptor) -> StartupDiscovery {
    let mut startup = StartupDiscovery::default();
    let deadline = Instant::now() + Duration::from_millis(500);
    while let Some(mut call) = interceptor.traffic.next_call(deadline).await {
        if call.path != "/cloudstate.EntityDiscovery/discover" {
            continue;
        }
        while let Some(event) = call.next_event_until(deadline).await {
            match event {
                CallEvent::FromProxy(bytes) => startup.proxy_info = ProxyInfo::decode(bytes).ok(),
                CallEvent::FromUserFunction(bytes) => {
                    startup.entity_spec = EntitySpec::decode(bytes).ok()
                }
                CallEvent::Ended(_) | CallEvent::ProxyCancelled => break,
                CallEvent::ProxyHalfClosed => {}
            }
        }
        if startup.proxy_info.is_some() {
            break;
        }
    }
    startup
}

/// How the proxy suite reaches its proxy and the user function behind it.
#[derive(Debug, Clone)]
pub(crate) struct ProxyRunOptions {
    /// The address of a running proxy.
    pub(crate) target: Option<String>,
    /// The command that starts the proxy.
    pub(crate) spawn: Option<String>,
    /// Whether the started proxy keeps its state across a restart (a scratch SQLite store).
    pub(crate) durable: bool,
    /// The user function behind the proxy; the built-in model when absent.
    pub(crate) user_function: Option<String>,
    /// When the built-in model sends its response headers.
    pub(crate) model_headers: Headers,
    /// The port of the interceptor the proxy talks to.
    pub(crate) intercept_port: Option<u16>,
    /// How long the proxy may take to become ready.
    pub(crate) spawn_timeout: Duration,
    /// The relay timeout given to a started proxy.
    pub(crate) relay_timeout: Option<Duration>,
}

/// Runs the proxy suite; returns the exit code.
pub(crate) async fn run_proxy_suite(
    args: &ProxyRunOptions,
    mut prepared: Prepared,
) -> Result<u8, TckError> {
    let target = TargetInfo {
        address: args.target.clone().unwrap_or_default(),
        spawned: args.spawn.clone(),
        service_info: None,
    };
    run_prepared(args, &mut prepared)
        .await
        .map_err(|error| prepared.setup_failed(Mode::Proxy, target, error))
}

async fn run_prepared(args: &ProxyRunOptions, prepared: &mut Prepared) -> Result<u8, TckError> {
    let (upstream, _model) = match &args.user_function {
        Some(address) => {
            check_address(address).map_err(connect_error)?;
            let channel = connect(address, Duration::from_secs(10))
                .await
                .map_err(connect_error)?;
            // The discovery gate, for the user function the TCK puts behind the proxy.
            gate(discover(&channel, Duration::from_secs(5)).await, address)?;
            (channel, None)
        }
        None => {
            let model =
                start_model(ModelOptions::default().with_headers(args.model_headers)).await?;
            (model.channel.clone(), Some(model))
        }
    };
    let target = match (&args.target, &args.spawn) {
        (Some(address), _) => ProxyTarget::Running(address.clone()),
        (None, Some(command)) if args.durable => ProxyTarget::SpawnDurable(command.clone()),
        (None, Some(command)) => ProxyTarget::Spawn(command.clone()),
        (None, None) => {
            return Err(TckError::BadArguments(
                "give --target HOST:PORT or --spawn CMD".to_owned(),
            ));
        }
    };
    let session = start_session(
        target,
        upstream,
        args.intercept_port,
        args.spawn_timeout,
        args.relay_timeout,
    )
    .await?;
    run_session(prepared, session).await
}

async fn run_session(prepared: &mut Prepared, mut session: ProxySession) -> Result<u8, TckError> {
    let scope = RunScope {
        mode: Mode::Proxy,
        target: session.info.clone(),
        served: session.served.clone(),
    };
    let mut executor = session.executor.clone();
    run_on_session(prepared, scope, &mut executor, &mut session).await
}

/// Runs the prepared cases with `executor` while `session`'s proxy is up (watching its process when the
/// TCK started it), then stops that process; returns the exit code.
pub(crate) async fn run_on_session(
    prepared: &mut Prepared,
    scope: RunScope,
    executor: &mut dyn CaseExecutor,
    session: &mut ProxySession,
) -> Result<u8, TckError> {
    let mut running = RunningTarget::new(session.info.address.clone());
    let monitor: &mut dyn TargetMonitor = match session.process.as_mut() {
        Some(process) => process,
        None => &mut running,
    };
    let summary = run_cases(
        &prepared.cases,
        scope,
        &prepared.options,
        executor,
        monitor,
        &mut prepared.reporters,
    )
    .await;
    if let Some(process) = session.process.as_mut() {
        process.stop(Duration::from_secs(5)).await;
    }
    prepared.exit_code(&summary?)
}
