//! Start-up configuration: environment variables, overridden by flags.

use std::net::IpAddr;

use clap::Parser;

/// How the proxy is started: where it listens and where its user function is.
#[derive(Debug, Clone, Parser)]
#[command(
    name = "reference-proxy",
    version,
    about = "A small, single-node reference proxy for Cloudstate protocol 0.2"
)]
pub struct Config {
    /// The one public port: gRPC, HTTP/JSON, reflection and health.
    #[arg(long, env = "HTTP_PORT", default_value_t = 9000)]
    pub http_port: u16,

    /// The address the public port binds to.
    #[arg(long, env = "BIND_ADDRESS", default_value = "127.0.0.1")]
    pub bind_address: IpAddr,

    /// Host of the user function.
    #[arg(long, env = "USER_FUNCTION_HOST", default_value = "127.0.0.1")]
    pub user_function_host: String,

    /// Port of the user function.
    #[arg(long, env = "USER_FUNCTION_PORT", default_value_t = 8080)]
    pub user_function_port: u16,
}
