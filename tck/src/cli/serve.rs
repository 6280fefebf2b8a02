//! `cloudstate-tck serve-model`: the built-in model service on a port, until Ctrl-C or SIGTERM.

use super::args::ServeModelArgs;
use crate::error::TckError;
use crate::exit;
use crate::harness::serve_model_until_stopped;
use crate::model::Fault;
use crate::stdout::outln;

/// Lists the faults or variants, or serves the model; returns the exit code once stopped.
pub(super) async fn run(args: ServeModelArgs) -> Result<u8, TckError> {
    if args.list_faults || args.list_variants {
        let listed = if args.list_faults {
            Fault::ALL
        } else {
            Fault::VARIANTS
        };
        for fault in listed {
            outln!("{:<36} {}", fault.name(), fault.description());
        }
        return Ok(exit::OK);
    }
    let fault = args.fault.or(args.variant);
    serve_model_until_stopped(&args.host, args.port, fault, args.headers).await
}
