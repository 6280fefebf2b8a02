//! Runs proxy-mode case bodies: each gets a fresh context, starts with an empty call record, and ends
//! with the check that no unexpected call reached the user function.

use std::sync::Arc;
use std::sync::atomic::AtomicU64;
use std::time::Duration;

use futures::future::BoxFuture;
use tokio::time::Instant;
use tonic::transport::Channel;

use super::cx::{ProxyCx, StartupDiscovery};
use super::spawned::SpawnedProxy;
use super::traffic::Traffic;
use crate::case::{Case, CaseBody, CaseFailure, Verdict};
use crate::run::CaseExecutor;
use crate::wire::Trace;

/// How long the proxy must stay quiet towards the user function after a case.
pub const QUIET_AFTER_CASE: Duration = Duration::from_millis(100);

/// Starts proxy-mode cases against one proxy.
#[derive(Debug, Clone)]
pub struct ProxyExecutor {
    /// A channel to the proxy.
    pub channel: Channel,
    /// `host:port` of the proxy's HTTP frontend (the same port).
    pub http_address: String,
    /// What the interceptor records.
    pub traffic: Traffic,
    /// The discovery exchange at start-up.
    pub startup: Arc<StartupDiscovery>,
    /// Numbers entity IDs across the run.
    pub entity_ids: Arc<AtomicU64>,
    /// The proxy process, when the TCK started it: cases may restart it or start another instance.
    pub spawned: Option<SpawnedProxy>,
}

impl CaseExecutor for ProxyExecutor {
    fn start(
        &mut self,
        case: &'static Case,
        trace: Trace,
        deadline: Instant,
    ) -> BoxFuture<'static, Verdict> {
        let CaseBody::Proxy(body) = case.body else {
            return Box::pin(async {
                Err(CaseFailure::error(
                    "an SDK-mode case cannot run in proxy mode",
                ))
            });
        };
        let traffic = self.traffic.clone();
        let cx = ProxyCx::new(
            self.channel.clone(),
            self.http_address.clone(),
            self.traffic.clone(),
            self.startup.clone(),
            trace,
            deadline,
            self.entity_ids.clone(),
            self.spawned.clone(),
        );
        Box::pin(async move {
            // Calls left over from an earlier case (a late passivation, say) are not this case's.
            traffic.clear().await;
            body(cx.clone()).await?;
            cx.expect_no_call(QUIET_AFTER_CASE).await
        })
    }
}
