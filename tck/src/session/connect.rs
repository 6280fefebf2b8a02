//! Reaching a target: a gRPC channel and its discovery answer.

use std::time::Duration;

use cloudstate_protocol::cloudstate::EntitySpec;
use cloudstate_protocol::cloudstate::entity_discovery_client::EntityDiscoveryClient;
use tokio::time::Instant;
use tonic::transport::{Channel, Endpoint};

use crate::messages::tck_proxy_info;

/// Why a target could not be used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum ConnectError {
    /// The address is not `HOST:PORT`.
    BadAddress(String),
    /// Nothing accepted a connection before the wait ended.
    Unreachable(String),
}

/// Checks that an address is `HOST:PORT` with a numeric port.
pub(crate) fn check_address(address: &str) -> Result<(), ConnectError> {
    let valid = address
        .rsplit_once(':')
        .is_some_and(|(host, port)| !host.is_empty() && port.parse::<u16>().is_ok_and(|p| p > 0));
    if valid {
        Ok(())
    } else {
        Err(ConnectError::BadAddress(format!(
            "`{address}` is not HOST:PORT"
        )))
    }
}

/// Connects to `address`, retrying with backoff until `wait` has passed.
pub(crate) async fn connect(address: &str, wait: Duration) -> Result<Channel, ConnectError> {
    check_address(address)?;
    let endpoint = Endpoint::from_shared(format!("http://{address}"))
        .map_err(|error| ConnectError::BadAddress(format!("`{address}`: {error}")))?
        .connect_timeout(Duration::from_secs(2))
        .tcp_nodelay(true);
    let give_up = Instant::now() + wait;
    let mut backoff = Duration::from_millis(50);
    loop {
        match endpoint.connect().await {
            Ok(channel) => return Ok(channel),
            Err(error) => {
                if Instant::now() + backoff > give_up {
                    let cause = std::error::Error::source(&error)
                        .map_or_else(|| error.to_string(), ToString::to_string);
                    return Err(ConnectError::Unreachable(format!(
                        "cannot reach the target at {address} (tried for {} s): {cause}",
                        wait.as_secs()
                    )));
                }
                tokio::time::sleep(backoff).await;
                backoff = (backoff * 2).min(Duration::from_millis(500));
            }
        }
    }
}

/// How `discover` went when the TCK first asked.
#[derive(Debug, Clone)]
pub(crate) enum Discovery {
    /// The target answered.
    Answered(EntitySpec),
    /// The target did not answer in time, or answered with an error; cases will see it for themselves.
    NoAnswer(String),
}

/// Calls `discover` once, with the TCK's `ProxyInfo`, waiting at most `wait`.
pub(crate) async fn discover(channel: &Channel, wait: Duration) -> Discovery {
    let mut client = EntityDiscoveryClient::new(channel.clone());
    match tokio::time::timeout(wait, client.discover(tck_proxy_info())).await {
        Ok(Ok(response)) => Discovery::Answered(response.into_inner()),
        Ok(Err(status)) => Discovery::NoAnswer(format!(
            "discover failed with gRPC status {:?}: {}",
            status.code(),
            status.message()
        )),
        Err(_) => Discovery::NoAnswer(format!(
            "discover got no answer within {} ms",
            wait.as_millis()
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_need_host_and_port() {
        assert!(check_address("127.0.0.1:8080").is_ok());
        assert!(check_address("localhost:1").is_ok());
        assert!(check_address("127.0.0.1").is_err());
        assert!(check_address(":80").is_err());
        assert!(check_address("host:0").is_err());
        assert!(check_address("host:http").is_err());
    }

    #[tokio::test]
    async fn an_address_nobody_listens_on_is_unreachable() {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        let address = listener.local_addr().expect("address").to_string();
        drop(listener);
        let error = connect(&address, Duration::from_millis(300))
            .await
            .expect_err("nobody listens");
        assert!(
            matches!(error, ConnectError::Unreachable(ref m) if m.contains(&address)),
            "{error:?}"
        );
    }
}
