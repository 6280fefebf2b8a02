//! Running the binary and hosting services on loopback for tests.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::Duration;

use cloudstate_tck::{ModelOptions, serve_model};
use tokio::net::TcpListener;
use tokio::sync::oneshot;

/// Tests that load the whole machine (a full self-test, the fault matrix, property cases, runs compared
/// at two `--jobs`) take turns: beside each other, the time budgets of their cases would measure the other
/// test's load rather than the target. Hold it for the whole test: `let _turn = HEAVY.lock().await;`.
pub(crate) static HEAVY: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

/// The binary under test.
pub(crate) fn tck_binary() -> &'static str {
    env!("CARGO_BIN_EXE_cloudstate-tck")
}

/// Runs the binary with these arguments, off the async runtime, and returns its output.
pub(crate) async fn run_tck(args: &[&str]) -> Output {
    run_tck_within(Duration::from_secs(120), args).await
}

/// Runs the binary like [`run_tck`], for runs that may take longer than two minutes.
pub(crate) async fn run_tck_within(limit: Duration, args: &[&str]) -> Output {
    let args: Vec<String> = args.iter().map(|s| (*s).to_owned()).collect();
    let run = tokio::task::spawn_blocking(move || {
        std::process::Command::new(tck_binary())
            .args(&args)
            .output()
            .expect("the binary runs")
    });
    tokio::time::timeout(limit, run)
        .await
        .expect("the binary finishes")
        .expect("join")
}

/// The exit code, stdout and stderr of a run, for assertions.
pub(crate) fn describe(output: &Output) -> String {
    format!(
        "exit {:?}\n--- stdout\n{}\n--- stderr\n{}",
        output.status.code(),
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

/// The built-in model service on a free loopback port; stops when dropped.
pub(crate) struct ModelServer {
    /// `127.0.0.1:<port>`.
    pub(crate) address: String,
    _stop: oneshot::Sender<()>,
}

impl ModelServer {
    /// Binds 127.0.0.1:0 and serves the model; ready as soon as this returns (the socket is bound).
    pub(crate) async fn start() -> ModelServer {
        ModelServer::start_with(ModelOptions::default()).await
    }

    /// Like [`ModelServer::start`], with these options (a fault, say).
    pub(crate) async fn start_with(options: ModelOptions) -> ModelServer {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let address = listener.local_addr().expect("address").to_string();
        let (stop, stopped) = oneshot::channel::<()>();
        tokio::spawn(serve_model(listener, options, async move {
            let _ = stopped.await;
        }));
        ModelServer {
            address,
            _stop: stop,
        }
    }
}

/// The last line of stdout: the closing `N passed, N failed, N skipped`.
pub(crate) fn closing_line(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .last()
        .unwrap_or_default()
        .to_owned()
}

/// Parses `N passed, N failed, N skipped`.
pub(crate) fn counts(line: &str) -> (usize, usize, usize) {
    let numbers: Vec<usize> = line
        .split(", ")
        .map(|part| {
            part.split_whitespace()
                .next()
                .and_then(|n| n.parse().ok())
                .expect("a count")
        })
        .collect();
    assert_eq!(numbers.len(), 3, "not a closing line: {line}");
    (numbers[0], numbers[1], numbers[2])
}

/// The workspace root.
pub(crate) fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the crate sits in the workspace")
        .to_path_buf()
}

/// Builds the reference proxy with its cargo feature `faults` into a target folder of its own,
/// `proxy-faults` (so that the feature never reaches the ordinary build), and returns the binary.
/// Blocks: call it through `spawn_blocking`.
pub(crate) fn faulty_proxy() -> PathBuf {
    let target_dir = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace().join("target"))
        .join("proxy-faults");
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let output = Command::new(cargo)
        .current_dir(workspace())
        .args(["build", "--locked", "--quiet", "-p", "reference-proxy"])
        .args(["--features", "faults", "--target-dir"])
        .arg(&target_dir)
        .output()
        .expect("cargo runs");
    assert!(
        output.status.success(),
        "building the reference proxy with its faults failed\n{}",
        describe(&output)
    );
    target_dir.join("debug").join("reference-proxy")
}
