//! One bench run, phase by phase:
//!
//! 1. throughput: each workload through a fresh proxy and then against the echo server, after one
//!    unmeasured request to every entity of the run (so entities are active when timing starts);
//! 2. memory: a fresh proxy's resident memory before and after activating 50,000 event-sourced entities,
//!    and once they passivated;
//! 3. durability: event-sourced commands through a fresh proxy with `STORE=sqlite:PATH` (a scratch file).
//!
//! With a proxy that is already running, phases 1 and 2 run against it (memory last, and only when its
//! process is on this machine), and phase 3 is left out.

use std::time::Duration;

use super::echo::EchoServer;
use super::load::{Clients, Plan, Workload, run_load};
use super::memory::resident_kib;
use super::proxy::{ProxyHandle, ProxyUnderTest};
use super::report::{BenchReport, DurableResult, Machine, MemoryResult, WorkloadResult};
use super::stats::Summary;
use crate::error::TckError;
use crate::harness::{InProcessModel, start_model};
use crate::model::ModelOptions;
use crate::session::ScratchFile;

/// How many event-sourced entities the memory phase activates.
pub(crate) const MEMORY_ENTITIES: usize = 50_000;
/// The passivation timeout of the proxy that the memory phase starts.
const MEMORY_PASSIVATION: Duration = Duration::from_secs(5);
/// How long after the passivation timeout the memory phase reads the memory again: the reference
/// proxy gives memory back to the system at most every 5 s after a wave of passivations.
const MEMORY_SETTLING: Duration = Duration::from_secs(8);
/// How many entities a throughput run spreads its requests over (shared out among the clients).
pub(crate) const THROUGHPUT_ENTITIES: usize = 1_024;

/// What to run.
#[derive(Debug, Clone)]
pub(crate) struct BenchConfig {
    /// The proxy.
    pub proxy: ProxyUnderTest,
    /// How long each measured run lasts.
    pub duration: Duration,
    /// Concurrent clients.
    pub concurrency: usize,
}

/// The proxies of one run: how to get a fresh one for each phase.
struct Proxies<'a> {
    config: &'a BenchConfig,
    model: Option<InProcessModel>,
}

impl Proxies<'_> {
    /// A proxy to measure; one that the bench starts gets `extra` in its environment.
    async fn start(&self, extra: Vec<(&'static str, String)>) -> Result<ProxyHandle, TckError> {
        match (&self.config.proxy, &self.model) {
            (ProxyUnderTest::Spawn(command), Some(model)) => {
                ProxyHandle::spawn(command, model.port, extra).await
            }
            (ProxyUnderTest::Running(address), _) => ProxyHandle::running(address),
            (ProxyUnderTest::Spawn(_), None) => Err(TckError::Setup(
                "no model service for the spawned proxy".to_owned(),
            )),
        }
    }
}

/// Runs every phase and returns what it measured. `progress` hears what is about to happen.
pub(crate) async fn run(
    config: &BenchConfig,
    progress: &mut dyn FnMut(&str),
) -> Result<BenchReport, TckError> {
    let spawned = matches!(config.proxy, ProxyUnderTest::Spawn(_));
    let proxies = Proxies {
        config,
        model: if spawned {
            Some(start_model(ModelOptions::default()).await?)
        } else {
            None
        },
    };
    let echo = EchoServer::start()
        .await
        .map_err(|error| TckError::Setup(format!("cannot start the echo server: {error}")))?;
    let echo_clients = connect(&echo.address.to_string(), config.concurrency).await?;
    let mut report = BenchReport {
        proxy: match &config.proxy {
            ProxyUnderTest::Running(address) => address.clone(),
            ProxyUnderTest::Spawn(command) => command.clone(),
        },
        concurrency: config.concurrency,
        duration_seconds: config.duration.as_secs_f64(),
        machine: Machine::this(),
        workloads: Vec::new(),
        memory: None,
        durable: None,
        failures: Vec::new(),
    };

    let proxy = proxies.start(Vec::new()).await?;
    let clients = connect(&proxy.address, config.concurrency).await?;
    for workload in [
        Workload::EventSourced,
        Workload::ValueEntity,
        Workload::Action,
    ] {
        progress(&format!("{} through the proxy", workload.label()));
        let through = measure(&clients, workload, config, &mut report, &proxy).await?;
        progress(&format!("{} against the echo server", workload.label()));
        let baseline = measure(&echo_clients, workload, config, &mut report, &proxy).await?;
        report.workloads.push(WorkloadResult {
            workload,
            ratio: ratio(&through, &baseline),
            proxy: through,
            echo: baseline,
        });
    }
    let memory_proxy = if spawned {
        proxy.stop().await;
        // Room for every entity of the phase, above the reference proxy's default cap.
        let room = ("MAX_ACTIVE_ENTITIES", (2 * MEMORY_ENTITIES).to_string());
        let passivation = (
            "PASSIVATION_TIMEOUT_MS",
            MEMORY_PASSIVATION.as_millis().to_string(),
        );
        proxies.start(vec![room, passivation]).await?
    } else {
        proxy
    };
    progress(&format!(
        "memory with {MEMORY_ENTITIES} active event-sourced entities"
    ));
    report.memory = measure_memory(&memory_proxy, config, spawned, &mut report.failures).await?;
    memory_proxy.stop().await;

    if spawned {
        let file = ScratchFile::in_temp_dir();
        progress(&format!(
            "event-sourced commands with STORE=sqlite:{}",
            file.path().display()
        ));
        let store = ("STORE", format!("sqlite:{}", file.path().display()));
        let proxy = proxies.start(vec![store]).await?;
        let clients = connect(&proxy.address, config.concurrency).await?;
        let summary = measure(
            &clients,
            Workload::EventSourced,
            config,
            &mut report,
            &proxy,
        )
        .await?;
        proxy.stop().await;
        let echo = report
            .workloads
            .iter()
            .find(|result| result.workload == Workload::EventSourced)
            .map(|result| result.echo);
        report.durable = Some(DurableResult {
            events_per_second: summary.per_second,
            ratio: echo.map_or(0.0, |echo| ratio(&summary, &echo)),
            summary,
        });
    }
    Ok(report)
}

async fn connect(address: &str, concurrency: usize) -> Result<Clients, TckError> {
    Clients::connect(address, concurrency)
        .await
        .map_err(|error| TckError::Setup(format!("cannot reach {address}: {error:?}")))
}

fn ratio(through: &Summary, baseline: &Summary) -> f64 {
    if baseline.per_second > 0.0 {
        through.per_second / baseline.per_second
    } else {
        0.0
    }
}

/// Touches every entity of the run once (unmeasured), then measures `config.duration` of `workload`.
/// Fails when not one request of the warm-up succeeded: the target does not serve the TCK model.
async fn measure(
    clients: &Clients,
    workload: Workload,
    config: &BenchConfig,
    report: &mut BenchReport,
    proxy: &ProxyHandle,
) -> Result<Summary, TckError> {
    let entities = THROUGHPUT_ENTITIES.div_ceil(config.concurrency).max(1);
    let prefix = format!("bench-{}", std::process::id());
    let warm = Plan::Warm { entities };
    let (samples, _) = run_load(clients, workload, config.concurrency, &warm, &prefix).await;
    if samples.successes() == 0 {
        let output = proxy
            .output()
            .map(|text| format!("; the proxy's output:\n{text}"))
            .unwrap_or_default();
        return Err(TckError::Setup(format!(
            "no {} succeeded: {}{output}",
            workload.label(),
            samples.first_error().unwrap_or("no request was sent")
        )));
    }
    let timed = Plan::Timed {
        duration: config.duration,
        entities,
    };
    let (samples, elapsed) = run_load(clients, workload, config.concurrency, &timed, &prefix).await;
    if let Some(error) = samples.first_error() {
        report.failures.push(error.to_owned());
    }
    Ok(samples.summarize(elapsed))
}

/// The proxy's resident memory before and after activating [`MEMORY_ENTITIES`] event-sourced entities
/// with one command each, and (for a proxy the bench started, whose passivation timeout it set) once
/// they passivated; `None` when its process is unknown.
async fn measure_memory(
    proxy: &ProxyHandle,
    config: &BenchConfig,
    spawned: bool,
    failures: &mut Vec<String>,
) -> Result<Option<MemoryResult>, TckError> {
    let Some(pid) = proxy.pid else {
        return Ok(None);
    };
    let clients = connect(&proxy.address, config.concurrency).await?;
    let prefix = format!("bench-memory-{}", std::process::id());
    // Connections, buffers and the first entity of each client exist before the first reading.
    let warm = Plan::Warm { entities: 1 };
    let warm_prefix = format!("{prefix}-warm");
    run_load(
        &clients,
        Workload::EventSourced,
        config.concurrency,
        &warm,
        &warm_prefix,
    )
    .await;
    let Some(before) = resident_kib(pid) else {
        return Ok(None);
    };
    let plan = Plan::EachOnce {
        count: MEMORY_ENTITIES,
    };
    let (samples, _) = run_load(
        &clients,
        Workload::EventSourced,
        config.concurrency,
        &plan,
        &prefix,
    )
    .await;
    if let Some(error) = samples.first_error() {
        failures.push(error.to_owned());
    }
    let Some(after) = resident_kib(pid) else {
        return Ok(None);
    };
    let passivated = if spawned {
        tokio::time::sleep(MEMORY_PASSIVATION + MEMORY_SETTLING).await;
        resident_kib(pid)
    } else {
        None
    };
    Ok(Some(MemoryResult {
        entities: MEMORY_ENTITIES,
        rss_before_kib: before,
        rss_after_kib: after,
        rss_after_passivation_kib: passivated,
        per_entity_kib: after.saturating_sub(before) as f64 / MEMORY_ENTITIES as f64,
    }))
}
