//! The `reference-proxy` binary.

use std::process::ExitCode;

use clap::Parser as _;
use reference_proxy::Config;

fn main() -> ExitCode {
    let config = Config::parse();
    eprintln!(
        "reference-proxy: would serve on {}:{} for the user function at {}:{}; the proxy is not built yet",
        config.bind_address, config.http_port, config.user_function_host, config.user_function_port
    );
    ExitCode::from(96)
}
