//! A user function of the case's own making, for a second instance of the proxy: it serves only
//! `cloudstate.EntityDiscovery`, answers `discover` with the `EntitySpec` the case chose (a bad one), and
//! tells the case about every `discover` and `reportError` call it gets, in order.

use cloudstate_protocol::cloudstate::entity_discovery_server::{
    EntityDiscovery, EntityDiscoveryServer,
};
use cloudstate_protocol::cloudstate::{EntitySpec, ProxyInfo, UserFunctionError};
use tokio::net::TcpListener;
use tokio::sync::{mpsc, oneshot};
use tokio::time::Instant;
use tokio_stream::wrappers::TcpListenerStream;
use tonic::{Request, Response, Status};

/// A call the proxy made to the case's user function.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Seen {
    /// `discover`, with the proxy's `ProxyInfo`.
    Discover(ProxyInfo),
    /// `reportError`, with its message.
    ReportError(String),
}

/// The case's user function, serving until dropped.
#[derive(Debug)]
pub(super) struct CaseUserFunction {
    port: u16,
    seen: mpsc::UnboundedReceiver<Seen>,
    _stop: oneshot::Sender<()>,
}

impl CaseUserFunction {
    /// Serves discovery with `spec` on a free loopback port.
    pub(super) async fn serve(spec: EntitySpec) -> std::io::Result<CaseUserFunction> {
        let listener = TcpListener::bind("127.0.0.1:0").await?;
        let port = listener.local_addr()?.port();
        let (sender, seen) = mpsc::unbounded_channel();
        let (stop, stopped) = oneshot::channel::<()>();
        let service = EntityDiscoveryServer::new(Announcer { spec, seen: sender });
        let server = tonic::transport::Server::builder()
            .add_service(service)
            .serve_with_incoming_shutdown(TcpListenerStream::new(listener), async move {
                let _ = stopped.await;
            });
        tokio::spawn(server);
        Ok(CaseUserFunction {
            port,
            seen,
            _stop: stop,
        })
    }

    /// The port it serves on.
    pub(super) fn port(&self) -> u16 {
        self.port
    }

    /// The next call the proxy made, or `None` at `deadline`.
    pub(super) async fn next_until(&mut self, deadline: Instant) -> Option<Seen> {
        tokio::time::timeout_at(deadline, self.seen.recv())
            .await
            .ok()
            .flatten()
    }
}

/// The discovery service: the chosen answer, and a record of every call.
struct Announcer {
    spec: EntitySpec,
    seen: mpsc::UnboundedSender<Seen>,
}

#[tonic::async_trait]
impl EntityDiscovery for Announcer {
    async fn discover(&self, request: Request<ProxyInfo>) -> Result<Response<EntitySpec>, Status> {
        let _ = self.seen.send(Seen::Discover(request.into_inner()));
        Ok(Response::new(self.spec.clone()))
    }

    async fn report_error(
        &self,
        request: Request<UserFunctionError>,
    ) -> Result<Response<()>, Status> {
        let _ = self
            .seen
            .send(Seen::ReportError(request.into_inner().message));
        Ok(Response::new(()))
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use cloudstate_protocol::cloudstate::entity_discovery_client::EntityDiscoveryClient;

    use super::*;

    #[tokio::test]
    async fn it_answers_the_chosen_spec_and_records_every_call() {
        let spec = EntitySpec {
            proto: vec![1, 2, 3],
            ..EntitySpec::default()
        };
        let mut user_function = CaseUserFunction::serve(spec.clone()).await.expect("serves");
        let address = format!("127.0.0.1:{}", user_function.port());
        let channel = crate::session::connect(&address, Duration::from_secs(5))
            .await
            .expect("connects");
        let mut client = EntityDiscoveryClient::new(channel);
        let answer = client
            .discover(ProxyInfo::default())
            .await
            .expect("answers");
        assert_eq!(answer.into_inner(), spec);
        let error = UserFunctionError {
            message: "bad".to_owned(),
        };
        client.report_error(error).await.expect("accepted");
        let deadline = Instant::now() + Duration::from_secs(5);
        assert_eq!(
            user_function.next_until(deadline).await,
            Some(Seen::Discover(ProxyInfo::default()))
        );
        assert_eq!(
            user_function.next_until(deadline).await,
            Some(Seen::ReportError("bad".to_owned()))
        );
    }
}
