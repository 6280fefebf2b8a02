//! `cloudstate-tck selftest`: certify the reference proxy and the built-in model service against each
//! other; without report options it writes `reports/selftest.xml` and `reports/selftest.json`.

use super::args::SelftestArgs;
use super::prepared::prepare;
use crate::case::Mode;
use crate::error::TckError;
use crate::harness::{SelftestOptions, run_selftest};
use crate::report::Recorder;

/// Runs the self-test; returns the exit code.
pub(super) async fn run(args: SelftestArgs) -> Result<u8, TckError> {
    let common = &args.common;
    let write_default_reports = common.junit.is_none() && common.json.is_none();
    let mut prepared = prepare(common, &[Mode::Sdk, Mode::Proxy])?;
    if write_default_reports {
        let recorder = Recorder::new()
            .retention(common.trace)
            .junit("reports/selftest.xml")
            .json("reports/selftest.json");
        prepared.reporters.push(Box::new(recorder));
    }
    let options = SelftestOptions {
        proxy_command: args.proxy_command,
        model_headers: args.model_headers,
    };
    run_selftest(options, prepared).await
}
