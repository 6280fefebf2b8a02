//! The command line, as clap sees it. The contract is in the repository's design notes: add, never rename.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::model::Headers;
use crate::report::TraceRetention;

/// Conformance test kit for Cloudstate protocol 0.2.
///
/// Exit codes: 0 all selected cases passed (or failed exactly as the expected-failures file says), 100
/// conformance failures (a target that crashes during a case fails it), 96 setup error (target
/// unreachable, spawn failed, or `discover` failed or announced no entity: no case runs, and the reports
/// say why), 64 bad arguments or configuration, 4 no case selected, or every selected case skipped
/// (`--allow-empty` makes that 0).
#[derive(Debug, Parser)]
#[command(name = "cloudstate-tck", version, about, max_term_width = 100)]
pub(crate) struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// Certify an SDK: the TCK plays the proxy against a user function that serves the TCK model.
    Sdk(SdkArgs),
    /// Certify a proxy: the TCK plays its client and, through an interceptor, its user function.
    Proxy(ProxyArgs),
    /// Certify the TCK's own references: the SDK suite against the built-in model service, and the proxy
    /// suite against the reference proxy in front of it.
    Selftest(SelftestArgs),
    /// Serve the built-in TCK model: the reference user function, in Rust.
    ServeModel(ServeModelArgs),
    /// Prove that every case can fail: run the SDK suite against the built-in model under each of its
    /// deliberate faults (and the proxy suite against a proxy under each of its own), and print the kill
    /// matrix. Exit code 0 only when every fault is caught and every case fails under some fault.
    Faults(FaultsArgs),
    /// List the cases.
    List(ListArgs),
    /// Explain a case: what it checks and the requirements it quotes.
    Explain(ExplainArgs),
    /// Read a JSON report back: render the certification page (`--html`), or show what changed since
    /// another run (`--compare`).
    Report(ReportArgs),
    /// Record the traffic between a proxy and its user function into a transcript: a transparent man in
    /// the middle, until Ctrl-C, SIGTERM or `--duration`.
    Record(RecordArgs),
    /// Replay transcripts against a user function: the TCK plays the proxy's side of every recorded
    /// stream and compares what comes back with what was recorded.
    Replay(ReplayArgs),
    /// Measure a proxy that serves the TCK model: throughput and latency of event-sourced commands,
    /// value-entity updates and unary actions, each also as a ratio to a plain gRPC echo server; memory
    /// per active entity; durable event appends per second with SQLite.
    Bench(BenchArgs),
}

/// `cloudstate-tck sdk`.
#[derive(Debug, Args)]
pub(crate) struct SdkArgs {
    /// The user function to test, already running.
    #[arg(
        long,
        value_name = "HOST:PORT",
        required_unless_present = "spawn",
        conflicts_with = "spawn"
    )]
    pub target: Option<String>,
    /// Start the user function with this shell command; the TCK sets `HOST` and `PORT` for it and always
    /// stops it at the end.
    #[arg(long, value_name = "CMD")]
    pub spawn: Option<String>,
    /// The port to give a spawned user function (default: a free port).
    #[arg(long, value_name = "N", requires = "spawn")]
    pub spawn_port: Option<u16>,
    /// How long a spawned user function may take to answer `discover`.
    #[arg(long, value_name = "MS", default_value_t = 30_000, requires = "spawn")]
    pub spawn_timeout_ms: u64,
    /// Options common to every run.
    #[command(flatten)]
    pub common: CommonArgs,
}

/// `cloudstate-tck proxy`.
#[derive(Debug, Args)]
pub(crate) struct ProxyArgs {
    /// The proxy to test, already running, with its user function pointed at the TCK's interceptor
    /// (`--intercept-port`).
    #[arg(
        long,
        value_name = "HOST:PORT",
        required_unless_present = "spawn",
        conflicts_with = "spawn"
    )]
    pub target: Option<String>,
    /// Start the proxy with this shell command; the TCK sets `HTTP_PORT`, `USER_FUNCTION_HOST` and
    /// `USER_FUNCTION_PORT` for it and always stops it at the end.
    #[arg(long, value_name = "CMD")]
    pub spawn: Option<String>,
    /// The spawned proxy keeps entity state across a restart: the TCK gives it `STORE=sqlite:PATH` on a
    /// scratch file (the reference proxy's setting; configure another proxy's durable store in CMD) and
    /// runs the cases that kill it with SIGKILL and start it again, which are skipped otherwise.
    #[arg(long, requires = "spawn")]
    pub durable: bool,
    /// The user function behind the proxy (default: the TCK's built-in model service).
    #[arg(long, value_name = "HOST:PORT")]
    pub user_function: Option<String>,
    /// The port of the interceptor, where the proxy finds its user function (default: 8090 with
    /// `--target`, a free port with `--spawn`).
    #[arg(long, value_name = "N")]
    pub intercept_port: Option<u16>,
    /// How long a spawned proxy may take to answer `/ready`.
    #[arg(long, value_name = "MS", default_value_t = 30_000)]
    pub spawn_timeout_ms: u64,
    /// The proxy's relay timeout: how long it waits for the user function's answer to a command before
    /// it fails the client's call. A spawned proxy gets `RELAY_TIMEOUT_MS` (the reference proxy's
    /// setting; configure another proxy's in CMD), and the cases that hold an answer past it run; they
    /// are skipped without it.
    #[arg(long, value_name = "MS", value_parser = clap::value_parser!(u64).range(1..))]
    pub relay_timeout_ms: Option<u64>,
    /// When the built-in model behind the proxy sends response headers: `late` (only with the first
    /// message, as grpc-go, grpc-js, grpc-java and grpcio do) or `eager` (at once, as tonic does).
    #[arg(long, value_name = "HABIT", default_value_t = Headers::Late, conflicts_with = "user_function")]
    pub model_headers: Headers,
    /// Options common to every run.
    #[command(flatten)]
    pub common: CommonArgs,
}

/// `cloudstate-tck selftest`.
#[derive(Debug, Args)]
pub(crate) struct SelftestArgs {
    /// The command that starts the reference proxy (default: the `reference-proxy` binary beside this
    /// one, built first when it is missing and the TCK runs from its source tree).
    #[arg(long, value_name = "CMD")]
    pub proxy_command: Option<String>,
    /// When the built-in model sends response headers: `late` (only with the first message, the habit
    /// of most real SDKs' gRPC servers) or `eager` (at once, as tonic does).
    #[arg(long, value_name = "HABIT", default_value_t = Headers::Late)]
    pub model_headers: Headers,
    /// Options common to every run (reports default to `reports/selftest.xml` and `.json`).
    #[command(flatten)]
    pub common: CommonArgs,
}

/// Options common to every run.
#[derive(Debug, Args)]
pub(crate) struct CommonArgs {
    /// Run only the cases whose ID matches one of these globs, e.g. `event_sourced.*`.
    #[arg(long, value_name = "GLOB", num_args = 1..)]
    pub select: Vec<String>,
    /// Leave out the cases whose ID matches one of these globs.
    #[arg(long, value_name = "GLOB", num_args = 1..)]
    pub skip: Vec<String>,
    /// Cases known to fail, one `CASE_ID reason` per line; the run is green only if exactly these fail.
    #[arg(long, value_name = "FILE")]
    pub expected_failures: Option<PathBuf>,
    /// Write a JUnit XML report here.
    #[arg(long, value_name = "PATH")]
    pub junit: Option<PathBuf>,
    /// Write a JSON report here.
    #[arg(long, value_name = "PATH")]
    pub json: Option<PathBuf>,
    /// Write the certification page here: one self-contained HTML file.
    #[arg(long, value_name = "PATH")]
    pub html: Option<PathBuf>,
    /// Which wire traces the report files keep: every failing case's whole and the start of a passing
    /// case's (`failures`), or every trace whole (`all`). The console shows failures' traces either way.
    #[arg(long, value_name = "WHICH", value_enum, default_value_t = TraceRetention::Failures)]
    pub trace: TraceRetention,
    /// The seed of everything random in the run (default: from the clock; reports show it).
    #[arg(long, value_name = "N")]
    pub seed: Option<u64>,
    /// Generated scenarios per property case (`*.property_*`); they share the case deadline. A property
    /// whose deadline allows fewer than 10 of them (or all, when fewer are asked for) is an error.
    #[arg(long, value_name = "N", default_value_t = crate::property::DEFAULT_SCENARIOS, value_parser = clap::value_parser!(u64).range(1..))]
    pub scenarios: u64,
    /// The deadline of each case, in milliseconds.
    #[arg(long, value_name = "MS", default_value_t = 5_000, value_parser = clap::value_parser!(u64).range(1..))]
    pub timeout_ms: u64,
    /// How long a case waits for the target to end a call once nothing else is expected on it (after a
    /// half-close, say), in milliseconds; a target that never ends its calls costs this, not the whole
    /// case deadline.
    #[arg(long, value_name = "MS", default_value_t = 1_000, value_parser = clap::value_parser!(u64).range(1..))]
    pub close_timeout_ms: u64,
    /// How many cases run at once. Cases spend most of their time waiting (for a quiet period, a
    /// passivation, a timeout), so several at a time hide the waits; against an SDK this also opens
    /// several entity streams at once, as a real proxy does. Reports list the cases in the same order,
    /// with the same outcomes, whatever N is. `--jobs 1` runs them one after another. A proxy the TCK
    /// did not start (`--target`) runs its cases one at a time: it has one user function address.
    #[arg(long, value_name = "N", default_value_t = crate::run::DEFAULT_JOBS as u64, value_parser = clap::value_parser!(u64).range(1..=64))]
    pub jobs: u64,
    /// Exit 0 even when no selected case ran (every one was skipped); without it such a run exits 4.
    #[arg(long)]
    pub allow_empty: bool,
    /// Fail the run on SHOULD and MAY failures too; without it they are warnings: shown and counted
    /// apart, but the exit code ignores them.
    #[arg(long)]
    pub strict: bool,
    /// Fail the run only on MUSTs of protocol 0.2: failures of the rules this TCK adds (marked "TCK
    /// addition" in the spec and in every report) become warnings.
    #[arg(long)]
    pub protocol_only: bool,
}

/// `cloudstate-tck serve-model`.
#[derive(Debug, Args)]
pub(crate) struct ServeModelArgs {
    /// The address to bind.
    #[arg(long, env = "HOST", default_value = "127.0.0.1")]
    pub host: String,
    /// The port to bind (0 picks a free one).
    #[arg(long, env = "PORT", default_value_t = 8080)]
    pub port: u16,
    /// Serve the model with this deliberate fault, to see cases fail (`--list-faults` lists them).
    #[arg(long, value_name = "NAME", conflicts_with = "variant")]
    pub fault: Option<crate::model::Fault>,
    /// List the faults `--fault` takes, one per line (the name, then what it does), and exit.
    #[arg(long)]
    pub list_faults: bool,
    /// Serve the model with this variant: a choice the protocol leaves open, made as a public SDK makes
    /// it, which every case must accept (`--list-variants` lists them).
    #[arg(long, value_name = "NAME", value_parser = crate::model::Fault::variant)]
    pub variant: Option<crate::model::Fault>,
    /// List the variants `--variant` takes, one per line (the name, then what it does), and exit.
    #[arg(long)]
    pub list_variants: bool,
    /// The transport habit: when response headers go out, which gRPC leaves to the server and the common
    /// gRPC stacks do differently.
    #[arg(long, value_name = "HABIT", default_value_t = Headers::Eager)]
    pub headers: Headers,
}

/// `cloudstate-tck faults`.
#[derive(Debug, Args)]
pub(crate) struct FaultsArgs {
    /// Write the kill matrix as JSON here.
    #[arg(long, value_name = "PATH", default_value = "reports/faults.json")]
    pub json: PathBuf,
    /// Write the kill matrix as Markdown here.
    #[arg(long, value_name = "PATH", default_value = "reports/faults.md")]
    pub markdown: PathBuf,
    /// Also run the proxy suite against this proxy under each of its faults: a reference-proxy built with
    /// the cargo feature `faults`, which answers `--list-faults` and takes `--fault NAME`.
    #[arg(long, value_name = "CMD")]
    pub proxy_command: Option<String>,
    /// The deadline of each SDK case, in milliseconds: short, so that faults that never answer end soon.
    #[arg(long, value_name = "MS", default_value_t = 1_500, value_parser = clap::value_parser!(u64).range(1..))]
    pub timeout_ms: u64,
    /// The deadline of each proxy case, in milliseconds.
    #[arg(long, value_name = "MS", default_value_t = 5_000, value_parser = clap::value_parser!(u64).range(1..))]
    pub proxy_timeout_ms: u64,
    /// How many faulty models run at once (default: the number of CPUs; more starve the timing of the
    /// property cases, which then prove nothing either way).
    #[arg(long, value_name = "N", default_value_t = crate::kill_matrix::default_jobs() as u64, value_parser = clap::value_parser!(u64).range(1..=64))]
    pub jobs: u64,
    /// How many faulty proxies run at once, each with its own model, interceptors and ports; the proxy
    /// side of the matrix runs at the same time as the SDK side.
    #[arg(long, value_name = "N", default_value_t = crate::kill_matrix::MATRIX_PROXY_JOBS as u64, value_parser = clap::value_parser!(u64).range(1..=16))]
    pub proxy_jobs: u64,
    /// How many cases of each run go at once (as `--jobs` of `sdk` and `proxy`). A property case that
    /// runs out of time beside others runs again alone.
    #[arg(long, value_name = "N", default_value_t = crate::kill_matrix::MATRIX_CASE_JOBS as u64, value_parser = clap::value_parser!(u64).range(1..=64))]
    pub case_jobs: u64,
    /// The seed of every run (default: 0, so that every matrix runs the same property scenarios).
    #[arg(long, value_name = "N")]
    pub seed: Option<u64>,
    /// Generated scenarios per property case in each run: fewer than a certification run's 100, since
    /// every property case must only be shown to fail under some fault and to pass without one, in each
    /// of some 160 runs.
    #[arg(long, value_name = "N", default_value_t = crate::kill_matrix::MATRIX_SCENARIOS, value_parser = clap::value_parser!(u64).range(1..))]
    pub scenarios: u64,
    /// When the built-in models send response headers: `late` (only with the first message, the habit
    /// of most real SDKs' gRPC servers) or `eager` (at once, as tonic does).
    #[arg(long, value_name = "HABIT", default_value_t = Headers::Late)]
    pub model_headers: Headers,
}

/// `cloudstate-tck list`.
#[derive(Debug, Args)]
pub(crate) struct ListArgs {
    /// Output format.
    #[arg(long, value_enum, default_value_t = ListFormat::Text)]
    pub format: ListFormat,
}

/// How `list` prints.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum ListFormat {
    /// One case per line: ID and summary.
    Text,
    /// A JSON array of case records.
    Json,
}

/// `cloudstate-tck explain`.
#[derive(Debug, Args)]
pub(crate) struct ExplainArgs {
    /// The case ID.
    pub case_id: String,
}

/// `cloudstate-tck report`.
#[derive(Debug, Args)]
pub(crate) struct ReportArgs {
    /// The JSON report of a run, as written by `--json`.
    #[arg(value_name = "FILE.json")]
    pub file: PathBuf,
    /// Write the certification page of the run here: one self-contained HTML file.
    #[arg(long, value_name = "PATH")]
    pub html: Option<PathBuf>,
    /// An earlier run's JSON report: print the cases whose outcome changed since it, were added or were
    /// removed (and show them on the page with `--html`).
    #[arg(long, value_name = "BASELINE.json")]
    pub compare: Option<PathBuf>,
}

/// `cloudstate-tck record`.
#[derive(Debug, Args)]
pub(crate) struct RecordArgs {
    /// Where to listen: point the proxy's user function here (start the proxy after the recorder, so
    /// that its discovery call is recorded).
    #[arg(long, value_name = "HOST:PORT")]
    pub listen: String,
    /// The user function to relay to.
    #[arg(long, value_name = "HOST:PORT")]
    pub upstream: String,
    /// The transcript to write when recording stops.
    #[arg(long, value_name = "FILE")]
    pub out: PathBuf,
    /// Stop after this many seconds (default: at Ctrl-C or SIGTERM).
    #[arg(long, value_name = "S")]
    pub duration: Option<f64>,
}

/// `cloudstate-tck replay`.
#[derive(Debug, Args)]
pub(crate) struct ReplayArgs {
    /// The transcripts to replay; each recorded stream is a case `replay.<file stem>.<n>_<service>_<method>`.
    #[arg(value_name = "FILE", required = true)]
    pub files: Vec<PathBuf>,
    /// The user function to replay against, already running.
    #[arg(long, value_name = "HOST:PORT")]
    pub target: String,
    /// Options common to every run.
    #[command(flatten)]
    pub common: CommonArgs,
}

/// `cloudstate-tck bench`.
#[derive(Debug, Args)]
pub(crate) struct BenchArgs {
    /// Measure this proxy, already running in front of a user function that serves the TCK model
    /// (default: the reference proxy beside this binary, started in front of the built-in model).
    #[arg(long, value_name = "HOST:PORT", conflicts_with = "proxy_spawn")]
    pub proxy: Option<String>,
    /// Start the proxy with this shell command, once per phase, in front of the built-in model; it gets
    /// `HTTP_PORT`, `USER_FUNCTION_HOST`, `USER_FUNCTION_PORT`, and `STORE=sqlite:PATH` for the durable
    /// phase.
    #[arg(long, value_name = "CMD")]
    pub proxy_spawn: Option<String>,
    /// How long each measured run lasts, in seconds.
    #[arg(long, value_name = "S", default_value_t = 5, value_parser = clap::value_parser!(u64).range(1..=600))]
    pub duration: u64,
    /// Concurrent clients, each with one request in flight.
    #[arg(long, value_name = "N", default_value_t = 64, value_parser = clap::value_parser!(u64).range(1..=4096))]
    pub concurrency: u64,
    /// Write the results as JSON here.
    #[arg(long, value_name = "PATH")]
    pub json: Option<PathBuf>,
}
