//! The command line, as clap sees it. The contract is in the repository's design notes: add, never rename.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// Conformance test kit for Cloudstate protocol 0.2.
///
/// Exit codes: 0 all selected cases passed (or failed exactly as the expected-failures file says), 100
/// conformance failures, 96 setup error (target unreachable, spawn failed), 64 bad arguments or
/// configuration, 4 no case selected.
#[derive(Debug, Parser)]
#[command(name = "cloudstate-tck", version, about, max_term_width = 100)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Certify an SDK: the TCK plays the proxy against a user function that serves the TCK model.
    Sdk(SdkArgs),
    /// Certify a proxy: the TCK plays its client and, through an interceptor, its user function.
    Proxy(ProxyArgs),
    /// Certify the TCK's own references: the SDK suite against the built-in model service, and the proxy
    /// suite against the reference proxy in front of it.
    Selftest(SelftestArgs),
    /// Serve the built-in TCK model: the reference user function, in Rust.
    ServeModel(ServeModelArgs),
    /// List the cases.
    List(ListArgs),
    /// Explain a case: what it checks and the requirements it quotes.
    Explain(ExplainArgs),
    /// Read a JSON report back: render the certification page (`--html`), or show what changed since
    /// another run (`--compare`).
    Report(ReportArgs),
}

/// `cloudstate-tck sdk`.
#[derive(Debug, Args)]
pub struct SdkArgs {
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
pub struct ProxyArgs {
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
    /// Options common to every run.
    #[command(flatten)]
    pub common: CommonArgs,
}

/// `cloudstate-tck selftest`.
#[derive(Debug, Args)]
pub struct SelftestArgs {
    /// The command that starts the reference proxy (default: the `reference-proxy` binary beside this
    /// one, built first when it is missing and the TCK runs from its source tree).
    #[arg(long, value_name = "CMD")]
    pub proxy_command: Option<String>,
    /// Options common to every run (reports default to `reports/selftest.xml` and `.json`).
    #[command(flatten)]
    pub common: CommonArgs,
}

/// Options common to every run.
#[derive(Debug, Args)]
pub struct CommonArgs {
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
    /// The seed of everything random in the run (default: from the clock; reports show it).
    #[arg(long, value_name = "N")]
    pub seed: Option<u64>,
    /// The deadline of each case, in milliseconds.
    #[arg(long, value_name = "MS", default_value_t = 5_000, value_parser = clap::value_parser!(u64).range(1..))]
    pub timeout_ms: u64,
}

/// `cloudstate-tck serve-model`.
#[derive(Debug, Args)]
pub struct ServeModelArgs {
    /// The address to bind.
    #[arg(long, env = "HOST", default_value = "127.0.0.1")]
    pub host: String,
    /// The port to bind (0 picks a free one).
    #[arg(long, env = "PORT", default_value_t = 8080)]
    pub port: u16,
}

/// `cloudstate-tck list`.
#[derive(Debug, Args)]
pub struct ListArgs {
    /// Output format.
    #[arg(long, value_enum, default_value_t = ListFormat::Text)]
    pub format: ListFormat,
}

/// How `list` prints.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ListFormat {
    /// One case per line: ID and summary.
    Text,
    /// A JSON array of case records.
    Json,
}

/// `cloudstate-tck explain`.
#[derive(Debug, Args)]
pub struct ExplainArgs {
    /// The case ID.
    pub case_id: String,
}

/// `cloudstate-tck report`.
#[derive(Debug, Args)]
pub struct ReportArgs {
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
