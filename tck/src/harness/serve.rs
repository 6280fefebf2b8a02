//! Serving the built-in model on an address until Ctrl-C or SIGTERM (`cloudstate-tck serve-model`).

use tokio::net::TcpListener;

use crate::error::TckError;
use crate::exit;
use crate::model::{Fault, Headers, ModelOptions, serve_model};
use crate::stdout::outln;

/// Binds `host:port`, says what it serves (the bound address, a transport habit other than the default,
/// a fault or variant), serves the model until stopped, and returns the exit code.
pub(crate) async fn serve_model_until_stopped(
    host: &str,
    port: u16,
    fault: Option<Fault>,
    headers: Headers,
) -> Result<u8, TckError> {
    let address = format!("{host}:{port}");
    let cannot_bind =
        |error: std::io::Error| TckError::Setup(format!("cannot bind {address}: {error}"));
    let listener = TcpListener::bind(&address).await.map_err(cannot_bind)?;
    let bound = listener.local_addr().map_err(cannot_bind)?;
    outln!(
        "cloudstate-tck {}: serving the TCK model on {bound}",
        env!("CARGO_PKG_VERSION")
    );
    if headers != Headers::default() {
        outln!("with response headers {headers}: {}", headers.description());
    }
    let options = match fault {
        Some(fault) => {
            let kind = if fault.is_variant() {
                "variant"
            } else {
                "deliberate fault"
            };
            outln!("with the {kind} {fault}: {}", fault.description());
            ModelOptions::with_fault(fault)
        }
        None => ModelOptions::default(),
    };
    serve_model(
        listener,
        options.with_headers(headers).logging_reported_errors(),
        crate::run::interrupt::shutdown_signal(),
    )
    .await
    .map_err(|error| TckError::Setup(format!("the model service stopped: {error}")))?;
    Ok(exit::OK)
}
