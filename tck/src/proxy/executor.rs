//! Runs proxy-mode case bodies: each gets a fresh context, starts with an empty call record, and ends
//! with the checks that no unexpected call reached the user function and that no call opened during the
//! case carried a message the case did not read.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::Duration;

use futures::future::BoxFuture;
use tokio::time::Instant;
use tonic::transport::Channel;

use super::cx::{ProxyCx, StartupDiscovery};
use super::surplus::expect_no_surplus;
use super::traffic::Traffic;
use crate::case::{Case, CaseBody, CaseFailure, CaseSettings, FailureKind, ProxyCaseFn, Verdict};
use crate::run::CaseExecutor;
use crate::session::SpawnedProxy;
use crate::wire::Trace;

/// How long the proxy must stay quiet towards the user function after a case.
pub(crate) const QUIET_AFTER_CASE: Duration = Duration::from_millis(100);

/// After a case that did not pass, the proxy may still be busy with its exchange (a restart it started,
/// a retry): the next case starts once the proxy has made no call for this long.
const SETTLE_AFTER_FAILURE: Duration = Duration::from_millis(200);

/// The longest the next case waits for the proxy to settle after a failure.
const SETTLE_AT_MOST: Duration = Duration::from_secs(2);

/// Starts proxy-mode cases against one proxy.
#[derive(Debug, Clone)]
pub(crate) struct ProxyExecutor {
    /// A channel to the proxy.
    pub channel: Channel,
    /// `host:port` of the proxy's HTTP frontend (the same port).
    pub http_address: String,
    /// What the interceptor records.
    pub traffic: Traffic,
    /// The discovery exchange at start-up.
    pub startup: Arc<StartupDiscovery>,
    /// The proxy process, when the TCK started it: cases may restart it or start another instance.
    pub spawned: Option<SpawnedProxy>,
    /// The proxy's relay timeout, when the run was told it.
    pub relay_timeout: Option<Duration>,
    /// Whether the last case run by this executor did not pass.
    pub last_failed: Arc<AtomicBool>,
}

impl CaseExecutor for ProxyExecutor {
    fn start(
        &mut self,
        case: &'static Case,
        trace: Trace,
        deadline: Instant,
        settings: CaseSettings,
    ) -> BoxFuture<'static, Verdict> {
        let CaseBody::Proxy(body) = case.body else {
            return Box::pin(async {
                Err(CaseFailure::error(
                    "an SDK-mode case cannot run in proxy mode",
                ))
            });
        };
        let traffic = self.traffic.clone();
        let last_failed = self.last_failed.clone();
        let cx = ProxyCx::new(
            self.channel.clone(),
            self.http_address.clone(),
            self.traffic.clone(),
            self.startup.clone(),
            trace,
            deadline,
            Arc::new(AtomicU64::new(settings.first_entity)),
            self.spawned.clone(),
        )
        .with_relay_timeout(self.relay_timeout)
        .with_settings(settings);
        Box::pin(async move {
            if last_failed.swap(false, Ordering::Relaxed) {
                settle(&traffic).await;
            }
            // Calls left over from an earlier case (a late passivation, say) are not this case's.
            traffic.clear().await;
            let started = std::time::Instant::now();
            let verdict = run_body(body, cx, &traffic, deadline, started).await;
            if verdict.is_err() {
                last_failed.store(true, Ordering::Relaxed);
            }
            verdict
        })
    }
}

/// Waits until the proxy has made no new call for [`SETTLE_AFTER_FAILURE`] (at most [`SETTLE_AT_MOST`]).
async fn settle(traffic: &Traffic) {
    let give_up = Instant::now() + SETTLE_AT_MOST;
    while Instant::now() < give_up {
        let quiet_until = (Instant::now() + SETTLE_AFTER_FAILURE).min(give_up);
        if traffic.next_call(quiet_until).await.is_none() {
            return;
        }
    }
}

/// Runs a case body, then the quiet check; a failure at the deadline shows the interceptor's journal.
async fn run_body(
    body: ProxyCaseFn,
    cx: ProxyCx,
    traffic: &Traffic,
    deadline: Instant,
    started: std::time::Instant,
) -> Verdict {
    if let Err(mut failure) = body(cx.clone()).await {
        // Something never came: show where the exchange behind the proxy stopped.
        if Instant::now() >= deadline && failure.kind == FailureKind::Fail {
            failure.message.push('\n');
            failure
                .message
                .push_str(&traffic.journal().summary(started));
        }
        return Err(failure);
    }
    cx.expect_no_call(QUIET_AFTER_CASE).await?;
    expect_no_surplus(traffic)
}
