//! `cloudstate-tck replay`: every stream of the given transcripts becomes a case, played against a
//! user function by the ordinary runner, with its reporters, expected failures and exit codes.

use super::args::ReplayArgs;
use super::prepared::{prepare_cases, selection};
use crate::case::Case;
use crate::cases::all_cases;
use crate::error::TckError;
use crate::harness::{connect_error, run_replay};
use crate::record::ReplayPlan;
use crate::session::check_address;

/// Replays the transcripts; returns the exit code.
pub(super) async fn run(args: ReplayArgs) -> Result<u8, TckError> {
    let selection = selection(&args.common)?;
    check_address(&args.target).map_err(connect_error)?;
    let replay = ReplayPlan::load(&args.files)
        .map_err(TckError::BadArguments)?
        .build();
    let cases: Vec<&'static Case> = replay
        .cases
        .iter()
        .copied()
        .filter(|case| selection.matches(case.info.id))
        .collect();
    if cases.is_empty() {
        return Err(TckError::NoCaseSelected(format!(
            "no recorded stream matches --select {:?} --skip {:?}",
            args.common.select, args.common.skip
        )));
    }
    // The expected-failures file may name replayed streams as well as the catalog's cases.
    let known: Vec<&'static Case> = all_cases()
        .into_iter()
        .chain(replay.cases.iter().copied())
        .collect();
    let prepared = prepare_cases(&args.common, cases, &known)?;
    run_replay(&args.target, &replay, prepared).await
}
