//! The connection to the user function, and reporting errors back to it.

use cloudstate_protocol::cloudstate::UserFunctionError;
use cloudstate_protocol::cloudstate::entity_discovery_client::EntityDiscoveryClient;
use tonic::transport::Channel;

/// A channel to the user function.
#[derive(Debug, Clone)]
pub struct UserFunction {
    /// The gRPC channel; cheap to clone.
    pub channel: Channel,
}

impl UserFunction {
    /// Tells the user function it broke the protocol (logged by the proxy too). Failures to deliver are
    /// only logged: reporting must never fail a client call.
    pub async fn report_error(&self, message: &str) {
        eprintln!("reference-proxy: reporting to the user function: {message}");
        let mut client = EntityDiscoveryClient::new(self.channel.clone());
        let request = UserFunctionError {
            message: message.to_owned(),
        };
        if let Err(status) = client.report_error(request).await {
            eprintln!("reference-proxy: reportError failed: {status}");
        }
    }
}
