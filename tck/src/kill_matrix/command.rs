//! A fault-matrix run: the SDK suite against the model under each of its faults and variants, then,
//! given a proxy built with its faults, the proxy suite under each of the proxy's; the matrix is printed
//! and written.

use std::path::PathBuf;
use std::time::Duration;

use tokio::time::Instant;

use super::matrix::{Matrix, UNKILLABLE_MD, parse_uncatchable, parse_unkillable};
use super::proxy::proxy_faults;
use super::report;
use super::run::SuiteRun;
use super::sdk::{MatrixOptions, sdk_control, sdk_faults};
use crate::case::Mode;
use crate::error::TckError;
use crate::exit;
use crate::model::{Fault, Headers};
use crate::report::CaseOutcome;
use crate::run::{ReportError, RunOptions};
use crate::stdout::{out, outln};

/// What a fault-matrix run is given.
#[derive(Debug, Clone)]
pub(crate) struct MatrixArgs {
    /// Where the kill matrix is written as JSON.
    pub(crate) json: PathBuf,
    /// Where the kill matrix is written as Markdown.
    pub(crate) markdown: PathBuf,
    /// The command of a proxy built with its faults, for the proxy side of the matrix.
    pub(crate) proxy_command: Option<String>,
    /// The case deadline of SDK runs, in milliseconds.
    pub(crate) timeout_ms: u64,
    /// The case deadline of proxy runs, in milliseconds.
    pub(crate) proxy_timeout_ms: u64,
    /// How many faulty models run at once.
    pub(crate) jobs: usize,
    /// How many faulty proxies run at once.
    pub(crate) proxy_jobs: usize,
    /// How many cases of each run go at once.
    pub(crate) case_jobs: usize,
    /// Generated scenarios per property case in each run.
    pub(crate) scenarios: u64,
    /// The seed of the property cases; 0 when absent, so that every matrix runs the same scenarios.
    pub(crate) seed: Option<u64>,
    /// When the model behind the proxy sends its response headers.
    pub(crate) model_headers: Headers,
}

/// Runs the matrix; returns 0 when it is complete, 100 otherwise.
pub(crate) async fn run_fault_matrix(args: MatrixArgs) -> Result<u8, TckError> {
    let started = Instant::now();
    let options = MatrixOptions {
        case_timeout: Duration::from_millis(args.timeout_ms),
        jobs: args.jobs,
        case_jobs: args.case_jobs,
        scenarios: args.scenarios,
        seed: args.seed.unwrap_or(0),
    };
    let mut matrix = Matrix {
        unkillable: parse_unkillable(UNKILLABLE_MD),
        uncatchable: parse_uncatchable(UNKILLABLE_MD),
        ..Matrix::default()
    };
    outln!(
        "cloudstate-tck {}: fault injection, {} model faults and {} variants, case deadline {} ms, {} at a time, seed {}",
        env!("CARGO_PKG_VERSION"),
        Fault::ALL.len(),
        Fault::VARIANTS.len(),
        args.timeout_ms,
        options.jobs,
        options.seed
    );
    // The two sides share nothing but the machine: they run at the same time, each into its own
    // matrix, and their lines interleave as runs end.
    let sdk_side = async {
        let mut side = Matrix::default();
        let control = sdk_control(&options).await;
        outln!("{}", control_line(Mode::Sdk, &control));
        side.controls.push((Mode::Sdk, control));
        if side.control_problems().is_empty() {
            side.faults = sdk_faults(Fault::ALL, &options, |fault| {
                outln!("{}", report::fault_line(fault));
            })
            .await;
            side.variants = sdk_faults(Fault::VARIANTS, &options, |variant| {
                outln!("{}", report::variant_line(variant));
            })
            .await;
        }
        side
    };
    let proxy_side = async {
        let mut side = Matrix::default();
        if let Some(command) = &args.proxy_command {
            let proxy_options = RunOptions {
                case_timeout: Duration::from_millis(args.proxy_timeout_ms),
                ..options.run_options()
            };
            proxy_faults(
                command,
                args.model_headers,
                &proxy_options,
                args.proxy_jobs,
                &mut side,
            )
            .await;
        }
        side
    };
    let (sdk_side, proxy_side) = tokio::join!(sdk_side, proxy_side);
    matrix.merge(sdk_side);
    matrix.merge(proxy_side);
    matrix.duration = started.elapsed();
    out!("{}", report::summary(&matrix));
    report::write(&matrix, &args.json, &args.markdown).map_err(|source| {
        TckError::Report(ReportError {
            kind: "kill matrix",
            path: format!("{} or {}", args.json.display(), args.markdown.display()),
            source,
        })
    })?;
    outln!(
        "wrote {} and {}",
        args.json.display(),
        args.markdown.display()
    );
    Ok(if matrix.is_complete() {
        exit::OK
    } else {
        exit::CONFORMANCE_FAILURES
    })
}

/// The line that says how a suite did without a fault.
pub(super) fn control_line(mode: Mode, run: &SuiteRun) -> String {
    if let Some(error) = &run.setup_error {
        return format!("control   {mode:<5}  the target did not come up: {error}");
    }
    let passed = run
        .results
        .iter()
        .filter(|result| result.verdict == CaseOutcome::Pass)
        .count();
    format!(
        "control   {mode:<5}  without a fault: {passed} of {} cases passed  ({} ms)",
        run.results.len(),
        run.duration.as_millis()
    )
}
