//! `cloudstate-tck serve-model`: the built-in model service on a port, until Ctrl-C or SIGTERM.

use tokio::net::TcpListener;

use super::args::ServeModelArgs;
use crate::error::TckError;
use crate::exit;
use crate::model::{Fault, ModelOptions, serve_model};

/// Serves the model; returns the exit code once stopped.
pub(super) async fn run(args: ServeModelArgs) -> Result<u8, TckError> {
    if args.list_faults || args.list_variants {
        let listed = if args.list_faults {
            Fault::ALL
        } else {
            Fault::VARIANTS
        };
        for fault in listed {
            println!("{:<36} {}", fault.name(), fault.description());
        }
        return Ok(exit::OK);
    }
    let address = format!("{}:{}", args.host, args.port);
    let listener = TcpListener::bind(&address)
        .await
        .map_err(|error| TckError::Setup(format!("cannot bind {address}: {error}")))?;
    let bound = listener
        .local_addr()
        .map_err(|error| TckError::Setup(format!("cannot bind {address}: {error}")))?;
    println!(
        "cloudstate-tck {}: serving the TCK model on {bound}",
        env!("CARGO_PKG_VERSION")
    );
    if args.headers != crate::model::Headers::default() {
        println!(
            "with response headers {}: {}",
            args.headers,
            args.headers.description()
        );
    }
    let options = match args.fault.or(args.variant) {
        Some(fault) => {
            let kind = if fault.is_variant() {
                "variant"
            } else {
                "deliberate fault"
            };
            println!("with the {kind} {fault}: {}", fault.description());
            ModelOptions::with_fault(fault)
        }
        None => ModelOptions::default(),
    };
    serve_model(
        listener,
        options.with_headers(args.headers).logging_reported_errors(),
        crate::run::interrupt::shutdown_signal(),
    )
    .await
    .map_err(|error| TckError::Setup(format!("the model service stopped: {error}")))?;
    Ok(exit::OK)
}
