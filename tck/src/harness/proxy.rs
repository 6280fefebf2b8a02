//! Proxy runs: the TCK starts (or reaches) the user function, puts its interceptor in front of it, starts
//! (or reaches) the proxy pointed at the interceptor, and runs the proxy-mode cases as the proxy's client.

use std::sync::Arc;
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
    CaseExecutor, Lanes, RunScope, RunningTarget, TargetInfo, TargetMonitor, run_cases,
    served_services,
};
use crate::session::{Discovery, SpawnedProxy, check_address, connect, discover, wait_until_ready};

/// How many times a proxy whose port was taken before it bound it is started, on a new port each time.
const START_ATTEMPTS: u32 = 3;

/// Everything a proxy run needs once the proxy is up.
#[derive(Debug)]
pub(crate) struct ProxySession {
    pub(crate) executor: ProxyExecutor,
    pub(crate) info: TargetInfo,
    pub(crate) served: Option<std::collections::BTreeSet<String>>,
    pub(crate) process: Option<SpawnedProxy>,
    running: RunningTarget,
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
    let mut attempts = 1;
    let process = loop {
        let process = SpawnedProxy::start(
            &command,
            user_function_port,
            durable,
            relay_timeout,
            spawn_timeout,
        )
        .map_err(|error| TckError::Setup(format!("cannot start `{command}`: {error}")))?;
        let Err(error) = process.wait_until_ready().await else {
            break process;
        };
        process.stop(Duration::from_secs(2)).await;
        let output = process.output_text().await;
        // Another socket took the free port the TCK chose before the proxy bound it: choose again.
        if attempts < START_ATTEMPTS && output.contains("Address already in use") {
            attempts += 1;
            continue;
        }
        return Err(TckError::Setup(if output.is_empty() {
            format!("{error}\nthe process printed nothing")
        } else {
            format!("{error}\nits last output:\n{output}")
        }));
    };
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
    let address_of_proxy = address.clone();
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
        spawned: process.clone(),
        relay_timeout,
        last_failed: Arc::default(),
    };
    Ok(ProxySession {
        executor,
        info,
        served,
        process,
        running: RunningTarget::new(address_of_proxy),
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
    // A proxy the TCK did not start, or an interceptor on a fixed port, has one user function address.
    let instances = match (&target, args.intercept_port) {
        (ProxyTarget::Running(_), _) | (_, Some(_)) => 1,
        _ => prepared.options.jobs.min(prepared.cases.len()),
    };
    let sessions = start_sessions(
        instances,
        target,
        upstream,
        args.intercept_port,
        args.spawn_timeout,
        args.relay_timeout,
    )
    .await?;
    run_sessions(prepared, sessions).await
}

/// Starts `count` sessions (at least one), each with its own interceptor and proxy instance, side by
/// side.
pub(crate) async fn start_sessions(
    count: usize,
    target: ProxyTarget,
    upstream: Channel,
    intercept_port: Option<u16>,
    spawn_timeout: Duration,
    relay_timeout: Option<Duration>,
) -> Result<Vec<ProxySession>, TckError> {
    let started = (0..count.max(1)).map(|_| {
        start_session(
            target.clone(),
            upstream.clone(),
            intercept_port,
            spawn_timeout,
            relay_timeout,
        )
    });
    let mut sessions = futures::future::try_join_all(started).await?;
    let count = sessions.len();
    for session in &mut sessions {
        if count > 1
            && let Some(spawned) = &mut session.info.spawned
        {
            spawned.push_str(&format!(" ({count} instances, one per lane)"));
        }
    }
    Ok(sessions)
}

async fn run_sessions(
    prepared: &mut Prepared,
    mut sessions: Vec<ProxySession>,
) -> Result<u8, TckError> {
    let (scope, executors) = proxy_suite_on(&sessions);
    run_on_sessions(prepared, scope, executors, &mut sessions).await
}

/// The scope of a proxy-suite run on `sessions` (at least one), described by the first, and the executor
/// of each session's lane.
pub(crate) fn proxy_suite_on(sessions: &[ProxySession]) -> (RunScope, Vec<Box<dyn CaseExecutor>>) {
    let scope = RunScope {
        mode: Mode::Proxy,
        target: sessions[0].info.clone(),
        served: sessions[0].served.clone(),
    };
    let executors = sessions
        .iter()
        .map(|session| Box::new(session.executor.clone()) as Box<dyn CaseExecutor>)
        .collect();
    (scope, executors)
}

/// Runs the prepared cases with one executor per session, each case on the proxy of its lane (watching
/// each proxy's process when the TCK started it), then stops those processes; returns the exit code.
pub(crate) async fn run_on_sessions(
    prepared: &mut Prepared,
    scope: RunScope,
    executors: Vec<Box<dyn CaseExecutor>>,
    sessions: &mut [ProxySession],
) -> Result<u8, TckError> {
    let lanes = session_lanes(executors, sessions);
    let summary = run_cases(
        &prepared.cases,
        scope,
        &prepared.options,
        lanes,
        &mut prepared.reporters,
    )
    .await;
    stop_sessions(sessions).await;
    prepared.exit_code(&summary?)
}

/// One lane per session: its executor, watched by the session's monitor.
pub(crate) fn session_lanes<'a>(
    executors: Vec<Box<dyn CaseExecutor>>,
    sessions: &'a mut [ProxySession],
) -> Lanes<'a> {
    Lanes::separate(
        executors
            .into_iter()
            .zip(sessions.iter_mut().map(ProxySession::monitor)),
    )
}

/// Stops the proxies the TCK started.
pub(crate) async fn stop_sessions(sessions: &mut [ProxySession]) {
    for session in sessions.iter_mut() {
        if let Some(process) = session.process.as_mut() {
            process.stop(Duration::from_secs(5)).await;
        }
    }
}

impl ProxySession {
    /// What watches this session's proxy: its process when the TCK started it, otherwise a probe of its
    /// address.
    fn monitor(&mut self) -> &mut dyn TargetMonitor {
        match self.process.as_mut() {
            Some(process) => process,
            None => &mut self.running,
        }
    }
}
