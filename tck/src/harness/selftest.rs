//! The self-test: the SDK suite against the built-in model service and the proxy suite against the
//! reference proxy in front of it, in one run and one report. The reference proxy runs on a
//! durable SQLite scratch store, so that the cases that restart it run too.

use std::sync::Arc;
use std::time::Duration;

use futures::future::BoxFuture;
use tokio::time::Instant;

use super::Prepared;
use super::model::start_model;
use super::proxy::{ProxyTarget, run_on_sessions, start_sessions};
use crate::case::{Case, CaseBody, CaseSettings, Mode, Verdict};
use crate::error::TckError;
use crate::model::{Headers, ModelOptions};
use crate::proxy::ProxyExecutor;
use crate::run::{CaseExecutor, RunScope, SdkExecutor, TargetInfo, served_services};
use crate::session::{Discovery, discover, reference_proxy_command};
use crate::wire::Trace;

/// Runs SDK-mode cases against the model and proxy-mode cases through the proxy.
#[derive(Debug, Clone)]
struct SelftestExecutor {
    sdk: SdkExecutor,
    proxy: ProxyExecutor,
}

impl CaseExecutor for SelftestExecutor {
    fn start(
        &mut self,
        case: &'static Case,
        trace: Trace,
        deadline: Instant,
        settings: CaseSettings,
    ) -> BoxFuture<'static, Verdict> {
        match case.body {
            CaseBody::Sdk(_) => self.sdk.start(case, trace, deadline, settings),
            CaseBody::Proxy(_) => self.proxy.start(case, trace, deadline, settings),
        }
    }
}

/// The relay timeout the self-test and the fault matrix give the reference proxy: short, so that the
/// cases that hold an answer past it end soon.
pub(crate) const REFERENCE_RELAY_TIMEOUT: Duration = Duration::from_millis(1_000);

/// What the self-test starts: the reference proxy's command (the binary beside this one when absent) and
/// when the built-in model sends its response headers.
#[derive(Debug, Clone, Default)]
pub(crate) struct SelftestOptions {
    /// The command that starts the proxy in front of the model.
    pub(crate) proxy_command: Option<String>,
    /// When the built-in model sends its response headers.
    pub(crate) model_headers: Headers,
}

/// Runs the self-test; returns the exit code.
pub(crate) async fn run_selftest(
    mut args: SelftestOptions,
    mut prepared: Prepared,
) -> Result<u8, TckError> {
    run_prepared(&mut args, &mut prepared)
        .await
        .map_err(|error| prepared.setup_failed(Mode::Proxy, TargetInfo::default(), error))
}

async fn run_prepared(args: &mut SelftestOptions, prepared: &mut Prepared) -> Result<u8, TckError> {
    let model = start_model(ModelOptions::default().with_headers(args.model_headers)).await?;
    let spec = match discover(&model.channel, Duration::from_secs(5)).await {
        Discovery::Answered(spec) => spec,
        Discovery::NoAnswer(reason) => {
            return Err(TckError::Setup(format!(
                "the built-in model service: {reason}"
            )));
        }
    };
    let served = Some(served_services(&spec));
    let sdk = SdkExecutor::new(model.channel.clone(), Some(Arc::new(spec)))
        .with_close_wait(prepared.options.close_timeout);
    let command = match args.proxy_command.take() {
        Some(command) => command,
        None => reference_proxy_command("--proxy-command")?,
    };
    // One lane, with its own proxy instance, per case that can run at the same time.
    let mut sessions = start_sessions(
        prepared.options.jobs.min(prepared.cases.len()),
        ProxyTarget::SpawnDurable(command),
        model.channel.clone(),
        None,
        Duration::from_secs(30),
        Some(REFERENCE_RELAY_TIMEOUT),
    )
    .await?;
    let mut info = sessions[0].info.clone();
    info.spawned = Some(format!(
        "built-in model service at {} behind {}",
        model.address,
        info.spawned.unwrap_or_default()
    ));
    let scope = RunScope {
        mode: Mode::Proxy,
        target: info,
        served,
    };
    let executors: Vec<Box<dyn CaseExecutor>> = sessions
        .iter()
        .map(|session| {
            Box::new(SelftestExecutor {
                sdk: sdk.clone(),
                proxy: session.executor.clone(),
            }) as Box<dyn CaseExecutor>
        })
        .collect();
    run_on_sessions(prepared, scope, executors, &mut sessions).await
}
