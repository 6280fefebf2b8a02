//! `cloudstate-tck record`: a transparent man in the middle between a proxy and its user function,
//! writing every call it relays to a transcript when it stops.

use std::time::Duration;

use super::args::RecordArgs;
use crate::error::TckError;
use crate::exit;
use crate::harness::connect_error;
use crate::record::record_until_stopped;
use crate::session::check_address;

/// Records until Ctrl-C, SIGTERM or the end of `--duration`, then writes the transcript.
pub(super) async fn run(args: RecordArgs) -> Result<u8, TckError> {
    check_address(&args.listen).map_err(connect_error)?;
    check_address(&args.upstream).map_err(connect_error)?;
    let limit = match args.duration {
        Some(seconds) if seconds.is_finite() && seconds > 0.0 => {
            Some(Duration::from_secs_f64(seconds))
        }
        Some(seconds) => {
            return Err(TckError::BadArguments(format!(
                "--duration must be a positive number of seconds, not {seconds}"
            )));
        }
        None => None,
    };
    record_until_stopped(&args.listen, &args.upstream, limit, &args.out).await?;
    Ok(exit::OK)
}
