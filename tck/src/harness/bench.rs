//! A bench run as the command runs it (`cloudstate-tck bench`): progress on stderr, the table on stdout,
//! and the results as JSON when asked. The bench measures and reports; it does not judge, so the exit
//! code is 0 whatever the numbers are.

use std::path::Path;

use crate::bench::run::{BenchConfig, run};
use crate::error::TckError;
use crate::exit;
use crate::stdout::out;

/// Runs every phase of `config`, prints the table, writes `json` when given, and returns the exit code.
pub(crate) async fn run_bench(config: &BenchConfig, json: Option<&Path>) -> Result<u8, TckError> {
    eprintln!(
        "cloudstate-tck bench: {} clients, {} s per run",
        config.concurrency,
        config.duration.as_secs()
    );
    let started = std::time::Instant::now();
    let mut progress = |what: &str| {
        eprintln!("  [{:>5.1} s] {what}", started.elapsed().as_secs_f64());
    };
    let report = run(config, &mut progress).await?;
    progress("done");
    out!("{}", report.render());
    if let Some(path) = json {
        report.write_json(path)?;
    }
    Ok(exit::OK)
}
