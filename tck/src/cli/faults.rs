//! `cloudstate-tck faults`: proves that every case can fail, by running the suites under every fault
//! and variant of the model (and of a proxy built with its faults) and writing the kill matrix.

use super::args::FaultsArgs;
use crate::error::TckError;
use crate::kill_matrix::{MatrixArgs, run_fault_matrix};

/// Runs the matrix; returns 0 when it is complete, 100 otherwise.
pub(super) async fn run(args: FaultsArgs) -> Result<u8, TckError> {
    run_fault_matrix(MatrixArgs {
        json: args.json,
        markdown: args.markdown,
        proxy_command: args.proxy_command,
        timeout_ms: args.timeout_ms,
        proxy_timeout_ms: args.proxy_timeout_ms,
        jobs: usize::try_from(args.jobs).unwrap_or(1),
        proxy_jobs: usize::try_from(args.proxy_jobs).unwrap_or(1),
        case_jobs: usize::try_from(args.case_jobs).unwrap_or(1),
        scenarios: args.scenarios,
        seed: args.seed,
        model_headers: args.model_headers,
    })
    .await
}
