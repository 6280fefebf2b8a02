//! `cloudstate-tck selftest`: the SDK suite against the built-in model service and the proxy suite
//! against the reference proxy in front of it, in one run and one report. The reference proxy runs on a
//! durable SQLite scratch store, so that the cases that restart it run too.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use futures::future::BoxFuture;
use tokio::time::Instant;

use super::args::SelftestArgs;
use super::prepared::{Prepared, prepare};
use super::proxy::{ProxyTarget, start_model, start_session};
use crate::case::{Case, CaseBody, Mode, Verdict};
use crate::error::TckError;
use crate::model::ModelOptions;
use crate::proxy::ProxyExecutor;
use crate::report::Recorder;
use crate::run::{
    CaseExecutor, RunScope, SdkExecutor, TargetInfo, TargetMonitor, run_cases, served_services,
};
use crate::session::{Discovery, discover};
use crate::wire::Trace;

/// Runs SDK-mode cases against the model and proxy-mode cases through the proxy.
#[derive(Debug)]
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
    ) -> BoxFuture<'static, Verdict> {
        match case.body {
            CaseBody::Sdk(_) => self.sdk.start(case, trace, deadline),
            CaseBody::Proxy(_) => self.proxy.start(case, trace, deadline),
        }
    }
}

/// The relay timeout the self-test and the fault matrix give the reference proxy: short, so that the
/// cases that hold an answer past it end soon.
pub(super) const REFERENCE_RELAY_TIMEOUT: Duration = Duration::from_millis(1_000);

/// Runs the self-test; returns the exit code.
pub(super) async fn run(mut args: SelftestArgs) -> Result<u8, TckError> {
    let common = &mut args.common;
    let write_default_reports = common.junit.is_none() && common.json.is_none();
    let mut prepared = prepare(common, &[Mode::Sdk, Mode::Proxy])?;
    if write_default_reports {
        let recorder = Recorder::new()
            .retention(common.trace)
            .junit("reports/selftest.xml")
            .json("reports/selftest.json");
        prepared.reporters.push(Box::new(recorder));
    }
    match run_prepared(&mut args, &mut prepared).await {
        Err(error) => Err(prepared.setup_failed(Mode::Proxy, TargetInfo::default(), error)),
        Ok(code) => Ok(code),
    }
}

async fn run_prepared(args: &mut SelftestArgs, prepared: &mut Prepared) -> Result<u8, TckError> {
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
        None => reference_proxy_command()?,
    };
    let mut session = start_session(
        ProxyTarget::SpawnDurable(command),
        model.channel.clone(),
        None,
        Duration::from_secs(30),
        Some(REFERENCE_RELAY_TIMEOUT),
    )
    .await?;
    let mut info = session.info.clone();
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
    let mut executor = SelftestExecutor {
        sdk,
        proxy: session.executor.clone(),
    };
    let summary = match session.process.as_mut() {
        Some(process) => {
            let monitor: &mut dyn TargetMonitor = process;
            run_cases(
                &prepared.cases,
                scope,
                &prepared.options,
                &mut executor,
                monitor,
                &mut prepared.reporters,
            )
            .await
        }
        None => Err(crate::run::ReportError {
            kind: "self-test",
            path: String::new(),
            source: std::io::Error::other("the reference proxy was not started"),
        }),
    };
    if let Some(process) = session.process.as_mut() {
        process.stop(Duration::from_secs(5)).await;
    }
    prepared.exit_code(&summary?)
}

/// The reference proxy beside this binary; built first when it is missing and this binary runs from its
/// source tree (as with `cargo run`).
fn reference_proxy_command() -> Result<String, TckError> {
    let exe = std::env::current_exe()
        .map_err(|error| TckError::Setup(format!("cannot locate this binary: {error}")))?;
    let dir = exe.parent().map(PathBuf::from).unwrap_or_default();
    let proxy = dir.join("reference-proxy");
    if !proxy.exists() {
        let workspace = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..");
        if !workspace.join("Cargo.toml").exists() {
            return Err(TckError::Setup(format!(
                "no reference-proxy beside {}; build it (cargo build -p reference-proxy) or pass --proxy-command",
                exe.display()
            )));
        }
        let release = dir.file_name().is_some_and(|name| name == "release");
        eprintln!(
            "building reference-proxy, which is not beside {} yet",
            exe.display()
        );
        let mut build = std::process::Command::new(
            std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned()),
        );
        build
            .current_dir(&workspace)
            .args(["build", "-p", "reference-proxy"]);
        if release {
            build.arg("--release");
        }
        let status = build
            .status()
            .map_err(|error| TckError::Setup(format!("cannot run cargo: {error}")))?;
        if !status.success() || !proxy.exists() {
            return Err(TckError::Setup(format!(
                "building reference-proxy failed ({status})"
            )));
        }
    }
    Ok(proxy.display().to_string())
}
