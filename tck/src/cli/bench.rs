//! `cloudstate-tck bench`: measure a proxy that serves the TCK model, against a plain gRPC echo server.
//!
//! By default the reference proxy beside this binary is started in front of the built-in model service;
//! `--proxy-spawn` starts another proxy the same way, and `--proxy` measures one that is already running.
//! The table goes to stdout, progress to stderr, and the results to `--json` as well when given. The
//! command measures and reports; it does not judge, so it exits 0 whatever the numbers are.

use std::path::PathBuf;
use std::time::Duration;

use super::args::BenchArgs;
use crate::bench::proxy::ProxyUnderTest;
use crate::bench::run::{BenchConfig, run as run_bench};
use crate::error::TckError;
use crate::exit;

/// Runs the bench; returns the exit code.
pub(super) async fn run(args: BenchArgs) -> Result<u8, TckError> {
    let proxy = match (args.proxy, args.proxy_spawn) {
        (Some(address), None) => ProxyUnderTest::Running(address),
        (None, Some(command)) => ProxyUnderTest::Spawn(command),
        (None, None) => ProxyUnderTest::Spawn(reference_proxy_command()?),
        (Some(_), Some(_)) => {
            return Err(TckError::BadArguments(
                "give --proxy HOST:PORT or --proxy-spawn CMD, not both".to_owned(),
            ));
        }
    };
    let concurrency = usize::try_from(args.concurrency)
        .map_err(|_| TckError::BadArguments("--concurrency is too large".to_owned()))?;
    let config = BenchConfig {
        proxy,
        duration: Duration::from_secs(args.duration),
        concurrency,
    };
    eprintln!(
        "cloudstate-tck bench: {concurrency} clients, {} s per run",
        args.duration
    );
    let started = std::time::Instant::now();
    let mut progress = |what: &str| {
        eprintln!("  [{:>5.1} s] {what}", started.elapsed().as_secs_f64());
    };
    let report = run_bench(&config, &mut progress).await?;
    eprintln!("  [{:>5.1} s] done", started.elapsed().as_secs_f64());
    print!("{}", report.render());
    if let Some(path) = &args.json {
        write_json(path, &report)?;
    }
    Ok(exit::OK)
}

/// Writes the report as pretty JSON, creating the directory when needed.
fn write_json(path: &PathBuf, report: &crate::bench::report::BenchReport) -> Result<(), TckError> {
    let failed =
        |error: String| TckError::Setup(format!("cannot write {}: {error}", path.display()));
    let text = serde_json::to_string_pretty(report).map_err(|error| failed(error.to_string()))?;
    if let Some(dir) = path.parent().filter(|dir| !dir.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(|error| failed(error.to_string()))?;
    }
    std::fs::write(path, text + "\n").map_err(|error| failed(error.to_string()))
}

/// The reference proxy beside this binary; built first when it is missing and this binary runs from its
/// source tree (as with `cargo run`), in the same profile.
fn reference_proxy_command() -> Result<String, TckError> {
    let exe = std::env::current_exe()
        .map_err(|error| TckError::Setup(format!("cannot locate this binary: {error}")))?;
    let dir = exe.parent().map(PathBuf::from).unwrap_or_default();
    let proxy = dir.join("reference-proxy");
    if proxy.exists() {
        return Ok(proxy.display().to_string());
    }
    let workspace = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..");
    if !workspace.join("Cargo.toml").exists() {
        return Err(TckError::Setup(format!(
            "no reference-proxy beside {}; build it (cargo build --release -p reference-proxy) or pass \
             --proxy-spawn",
            exe.display()
        )));
    }
    eprintln!(
        "building reference-proxy, which is not beside {} yet",
        exe.display()
    );
    let mut build =
        std::process::Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned()));
    build
        .current_dir(&workspace)
        .args(["build", "-p", "reference-proxy"]);
    if dir.file_name().is_some_and(|name| name == "release") {
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
    Ok(proxy.display().to_string())
}
