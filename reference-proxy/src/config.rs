//! Start-up configuration: environment variables, overridden by flags.

use std::net::IpAddr;
use std::path::PathBuf;
use std::str::FromStr;

use clap::Parser;

/// How the proxy is started: where it listens, where its user function is, and where state is kept.
#[derive(Debug, Clone, Parser)]
#[command(
    name = "reference-proxy",
    version,
    about = "A small, single-node reference proxy for Cloudstate protocol 0.2"
)]
pub struct Config {
    /// The one public port: gRPC, HTTP/JSON, reflection, `/ready` and `/alive`.
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

    /// Where state is kept: `memory`, or `sqlite:PATH` for a durable embedded file.
    #[arg(long, env = "STORE", default_value = "memory")]
    pub store: StoreConfig,

    /// Accept a user function that announces another minor version of protocol 0 than 0.2: the support
    /// libraries written before protocol 0.2 announce 0.0. Another major version is always refused.
    #[arg(long)]
    pub no_version_check: bool,

    /// How long an entity may stay idle before it is passivated when its service announces no
    /// passivation timeout, in milliseconds (the Akka proxy's default, 30 s).
    #[arg(long, env = "PASSIVATION_TIMEOUT_MS", default_value_t = 30_000, value_parser = clap::value_parser!(u64).range(1..))]
    pub passivation_timeout_ms: u64,

    /// How long the proxy waits for the user function's answer to a command before it fails the
    /// client's call with `DEADLINE_EXCEEDED` and starts the entity again from its stored state on the
    /// next command, in milliseconds. The default, one minute, is the Akka proxy's `relay-timeout`: long
    /// enough for a command that does real work, short enough that a stuck user function does not hold
    /// its clients for ever.
    #[arg(long, env = "RELAY_TIMEOUT_MS", default_value_t = 60_000, value_parser = clap::value_parser!(u64).range(1..))]
    pub relay_timeout_ms: u64,

    /// How long to keep retrying `discover` before giving up, in seconds.
    #[arg(long, env = "DISCOVERY_TIMEOUT_SECS", default_value_t = 60)]
    pub discovery_timeout_secs: u64,

    /// The most client connections served at once. A connection over the limit is answered 503 (gRPC:
    /// `UNAVAILABLE`) and closed. Default: the open-file limit less 128 (at least 16), or 1024 where the
    /// limit cannot be read.
    #[arg(long, env = "MAX_CONNECTIONS", value_parser = clap::value_parser!(u64).range(1..))]
    pub max_connections: Option<u64>,

    /// How long a client may take to send a request's headers, and a new connection its first request,
    /// in milliseconds; the connection is closed after that.
    #[arg(long, env = "HEADER_READ_TIMEOUT_MS", default_value_t = 10_000, value_parser = clap::value_parser!(u64).range(1..))]
    pub header_read_timeout_ms: u64,

    /// How long the body of a unary request may stall between two pieces, in milliseconds; the request
    /// then fails (HTTP 408, gRPC `CANCELLED`) and its connection is closed.
    #[arg(long, env = "BODY_READ_TIMEOUT_MS", default_value_t = 10_000, value_parser = clap::value_parser!(u64).range(1..))]
    pub body_read_timeout_ms: u64,

    /// How long a connection may stay open without any request in flight, in milliseconds.
    #[arg(long, env = "IDLE_TIMEOUT_MS", default_value_t = 60_000, value_parser = clap::value_parser!(u64).range(1..))]
    pub idle_timeout_ms: u64,

    /// How long a unary call may take in all, from the request to the answer, when the client sets no
    /// `grpc-timeout` (which bounds any call), in milliseconds; it then ends with `DEADLINE_EXCEEDED`
    /// (HTTP 504). A command not yet sent to the user function by then is never sent.
    #[arg(long, env = "REQUEST_TIMEOUT_MS", default_value_t = 60_000, value_parser = clap::value_parser!(u64).range(1..))]
    pub request_timeout_ms: u64,

    /// The most entities active at once, of every type together; a command that would start one more
    /// fails with `RESOURCE_EXHAUSTED` (HTTP 429).
    #[arg(long, env = "MAX_ACTIVE_ENTITIES", default_value_t = crate::limits::DEFAULT_MAX_ACTIVE_ENTITIES as u64, value_parser = clap::value_parser!(u64).range(1..))]
    pub max_active_entities: u64,

    /// The most commands that may wait for one entity besides the one in flight; one more fails with
    /// `RESOURCE_EXHAUSTED` (HTTP 429).
    #[arg(long, env = "MAX_QUEUED_COMMANDS", default_value_t = crate::limits::DEFAULT_MAX_QUEUED_COMMANDS as u64, value_parser = clap::value_parser!(u64).range(1..))]
    pub max_queued_commands: u64,

    /// How long the user function may leave a waiting call without any answer before `/ready` answers
    /// 503, in milliseconds; its next answer makes the proxy ready again.
    #[arg(long, env = "UNRESPONSIVE_AFTER_MS", default_value_t = 10_000, value_parser = clap::value_parser!(u64).range(1..))]
    pub unresponsive_after_ms: u64,

    /// Run with this deliberate protocol deviation (repeatable), to check that the TCK catches it.
    #[cfg(feature = "faults")]
    #[arg(long = "fault", value_name = "NAME")]
    pub faults: Vec<crate::fault::Fault>,

    /// Print the names `--fault` takes, one a line, and exit.
    #[cfg(feature = "faults")]
    #[arg(long)]
    pub list_faults: bool,

    /// Run with this variant (repeatable): a choice the protocol leaves open, made the other way.
    #[cfg(feature = "faults")]
    #[arg(long = "variant", value_name = "NAME", value_parser = crate::fault::Fault::variant)]
    pub variants: Vec<crate::fault::Fault>,

    /// Print the names `--variant` takes, one a line, and exit.
    #[cfg(feature = "faults")]
    #[arg(long)]
    pub list_variants: bool,
}

/// Where state is kept.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StoreConfig {
    /// In memory: lost when the proxy stops.
    Memory,
    /// In an SQLite file: a reply is sent only once its writes are durable.
    Sqlite(PathBuf),
}

impl FromStr for StoreConfig {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        match text.split_once(':') {
            None if text == "memory" => Ok(StoreConfig::Memory),
            Some(("sqlite", path)) if !path.is_empty() => {
                Ok(StoreConfig::Sqlite(PathBuf::from(path)))
            }
            _ => Err(format!(
                "`{text}` is not a store: use `memory` or `sqlite:PATH`"
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stores_parse() {
        assert_eq!("memory".parse::<StoreConfig>(), Ok(StoreConfig::Memory));
        assert_eq!(
            "sqlite:/var/lib/p.db".parse::<StoreConfig>(),
            Ok(StoreConfig::Sqlite("/var/lib/p.db".into()))
        );
        assert!("sqlite:".parse::<StoreConfig>().is_err());
        assert!("postgres:x".parse::<StoreConfig>().is_err());
    }

    #[cfg(feature = "faults")]
    #[test]
    fn faults_are_flags() {
        use crate::fault::Fault;
        let config = Config::try_parse_from(["reference-proxy", "--fault", "no-replay"]).unwrap();
        assert_eq!(config.faults, vec![Fault::NoReplay]);
        assert!(!config.list_faults);
        assert!(Config::try_parse_from(["reference-proxy", "--fault", "nope"]).is_err());
        let config = Config::try_parse_from(["reference-proxy", "--list-faults"]).unwrap();
        assert!(config.list_faults && config.faults.is_empty());
    }
}
