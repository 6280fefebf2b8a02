//! The built-in model service, started in this process on a free loopback port for the proxy suite, the
//! self-test and the fault matrix.

use std::time::Duration;

use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tonic::transport::Channel;

use super::connect_error;
use crate::error::TckError;
use crate::model::{ModelOptions, serve_model};
use crate::session::connect;

/// The built-in model service, running in this process until dropped.
#[derive(Debug)]
pub(crate) struct InProcessModel {
    pub(crate) channel: Channel,
    pub(crate) address: String,
    /// The port it listens on.
    pub(crate) port: u16,
    _stop: oneshot::Sender<()>,
}

/// Starts the built-in model service on a free loopback port.
pub(crate) async fn start_model(options: ModelOptions) -> Result<InProcessModel, TckError> {
    let listener = TcpListener::bind("127.0.0.1:0")
        .await
        .map_err(|error| TckError::Setup(format!("cannot bind the model service: {error}")))?;
    let local = listener
        .local_addr()
        .map_err(|error| TckError::Setup(error.to_string()))?;
    let address = local.to_string();
    let (stop, stopped) = oneshot::channel::<()>();
    tokio::spawn(serve_model(listener, options, async move {
        let _ = stopped.await;
    }));
    let channel = connect(&address, Duration::from_secs(5))
        .await
        .map_err(connect_error)?;
    Ok(InProcessModel {
        channel,
        address,
        port: local.port(),
        _stop: stop,
    })
}
