//! Start-up: find the user function, ask it what it serves, and check the answer before serving anything.

use std::time::Duration;

use cloudstate_protocol::cloudstate::entity_discovery_client::EntityDiscoveryClient;
use cloudstate_protocol::cloudstate::{EntitySpec, ProxyInfo};
use cloudstate_protocol::names::{ENTITY_TYPES, PROTOCOL_MAJOR_VERSION, PROTOCOL_MINOR_VERSION};
use tonic::transport::Endpoint;

use crate::deviation;
use crate::user_function::UserFunction;
use crate::user_spec::UserSpec;

/// Why the proxy cannot start.
#[derive(Debug, thiserror::Error)]
pub enum StartupError {
    /// The user function address is not usable.
    #[error("invalid user function address {0}")]
    BadAddress(String),
    /// The user function did not answer `discover` in time.
    #[error(
        "the user function at {address} did not answer discover within {seconds} s: {last_error}"
    )]
    Unreachable {
        /// Where it was expected.
        address: String,
        /// How long the proxy tried.
        seconds: u64,
        /// The last error seen.
        last_error: String,
    },
    /// The user function answered, but its spec cannot be served; it was told with `reportError`.
    #[error("{0}")]
    Refused(String),
}

/// The `ProxyInfo` this proxy announces.
pub fn proxy_info() -> ProxyInfo {
    let minor_version = deviation::discovery::announced_minor_version(PROTOCOL_MINOR_VERSION);
    ProxyInfo {
        protocol_major_version: PROTOCOL_MAJOR_VERSION,
        protocol_minor_version: minor_version,
        proxy_name: "reference-proxy".to_owned(),
        proxy_version: env!("CARGO_PKG_VERSION").to_owned(),
        supported_entity_types: ENTITY_TYPES.iter().map(|t| (*t).to_owned()).collect(),
    }
}

/// Calls `discover` with backoff until the user function answers (or `give_up_after` passes), then checks
/// the protocol version (see [`check`]; without `strict_minor` other minor versions are accepted) and the
/// spec. Problems with the spec are reported to the user function with `reportError`.
pub async fn discover(
    host: &str,
    port: u16,
    strict_minor: bool,
    give_up_after: Duration,
) -> Result<(UserFunction, UserSpec), StartupError> {
    let address = format!("{host}:{port}");
    let endpoint = Endpoint::from_shared(format!("http://{address}"))
        .map_err(|error| StartupError::BadAddress(format!("{address}: {error}")))?
        .connect_timeout(Duration::from_secs(2))
        .tcp_nodelay(true);
    let channel = endpoint.connect_lazy();
    let user_function = UserFunction {
        channel: channel.clone(),
    };
    tracing::info!(user_function = %address, "discovering the user function");
    let started = tokio::time::Instant::now();
    let mut backoff = Duration::from_millis(50);
    let spec = loop {
        let mut client = EntityDiscoveryClient::new(channel.clone());
        let last_error =
            match tokio::time::timeout(Duration::from_secs(5), client.discover(proxy_info())).await
            {
                Ok(Ok(response)) => break response.into_inner(),
                Ok(Err(status)) => format!("{:?}: {}", status.code(), status.message()),
                Err(_) => "no answer within 5 s".to_owned(),
            };
        tracing::debug!(error = ?last_error, "discover did not answer yet; trying again");
        if started.elapsed() + backoff > give_up_after {
            return Err(StartupError::Unreachable {
                address,
                seconds: give_up_after.as_secs(),
                last_error,
            });
        }
        tokio::time::sleep(backoff).await;
        backoff = (backoff * 2).min(Duration::from_secs(2));
    };
    let info = spec.service_info.clone().unwrap_or_default();
    tracing::info!(
        service = ?info.service_name,
        service_version = ?info.service_version,
        support_library = ?format!("{} {}", info.support_library_name, info.support_library_version),
        protocol = %format!("{}.{}", info.protocol_major_version, info.protocol_minor_version),
        entities = spec.entities.len(),
        "the user function answered discover"
    );
    match check(spec, strict_minor) {
        Ok(spec) => Ok((user_function, spec)),
        Err(message) => {
            tracing::error!(reason = ?message, "refusing the user function");
            if deviation::discovery::reports_refusal() {
                user_function.report_error(&message).await;
            }
            Err(StartupError::Refused(message))
        }
    }
}

/// Checks the version and the spec; the error is the message for `reportError`.
///
/// Another major version is always refused: its messages are not these. With `strict_minor`, so is any
/// other minor version than this proxy's; without it (`--no-version-check`), a user function of another
/// minor version of protocol 0 is served, as the libraries written before 0.2 announce 0.0.
pub fn check(spec: EntitySpec, strict_minor: bool) -> Result<UserSpec, String> {
    let (major, minor) = spec.service_info.as_ref().map_or((0, 0), |info| {
        (info.protocol_major_version, info.protocol_minor_version)
    });
    let accepted = if strict_minor {
        (major, minor) == (PROTOCOL_MAJOR_VERSION, PROTOCOL_MINOR_VERSION)
    } else {
        major == PROTOCOL_MAJOR_VERSION
    };
    if !deviation::discovery::accepts_version(accepted) {
        return Err(format!(
            "incompatible protocol version: the user function speaks {major}.{minor}, this proxy speaks \
             {PROTOCOL_MAJOR_VERSION}.{PROTOCOL_MINOR_VERSION}"
        ));
    }
    UserSpec::new(spec).map_err(|error| format!("cannot serve the announced entities: {error}"))
}
