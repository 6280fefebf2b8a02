//! What a proxy-mode case gets: a channel and an HTTP address to the proxy, the traffic the interceptor
//! recorded, what discovery looked like at start-up, a trace and a deadline, and, when the TCK started
//! the proxy, the means to restart it or to start another instance of it.

use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use cloudstate_protocol::cloudstate::{EntitySpec, ProxyInfo};
use tokio::time::Instant;
use tonic::transport::Channel;

use crate::session::{SentStatus, TargetChannel, not_sent_by_target};
use tonic::{Response, Status};

use super::control::InterceptControl;
use super::traffic::{CallProbe, Traffic};
use crate::case::{CaseFailure, CaseSettings, Verdict};
use crate::session::SpawnedProxy;
use crate::session::{HttpResponse, http_request as request};
use crate::wire::{Direction, Trace, WireMessage};

/// The discovery exchange the proxy made when it started, as the interceptor saw it.
#[derive(Debug, Clone, Default)]
pub(crate) struct StartupDiscovery {
    /// What the proxy announced.
    pub proxy_info: Option<ProxyInfo>,
    /// What the user function answered.
    pub entity_spec: Option<EntitySpec>,
}

/// Everything a proxy-mode case needs.
#[derive(Debug, Clone)]
pub(crate) struct ProxyCx {
    channel: TargetChannel,
    http_address: String,
    traffic: Traffic,
    startup: Arc<StartupDiscovery>,
    trace: Trace,
    deadline: Instant,
    entities: Arc<AtomicU64>,
    calls: Arc<AtomicU64>,
    spawned: Option<SpawnedProxy>,
    relay_timeout: Option<Duration>,
    settings: CaseSettings,
}

impl ProxyCx {
    /// A context for one case; `spawned` is the proxy process when the TCK started it.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn new(
        channel: Channel,
        http_address: String,
        traffic: Traffic,
        startup: Arc<StartupDiscovery>,
        trace: Trace,
        deadline: Instant,
        entities: Arc<AtomicU64>,
        spawned: Option<SpawnedProxy>,
    ) -> Self {
        ProxyCx {
            channel: TargetChannel::new(channel),
            http_address,
            traffic,
            startup,
            trace,
            deadline,
            entities,
            calls: Arc::new(AtomicU64::new(0)),
            spawned,
            relay_timeout: None,
            settings: CaseSettings::default(),
        }
    }

    /// This context, with the run's seed and number of property scenarios.
    pub(crate) fn with_settings(self, settings: CaseSettings) -> Self {
        ProxyCx { settings, ..self }
    }

    /// The run's settings: its seed and how many scenarios a property runs.
    pub(crate) fn settings(&self) -> CaseSettings {
        self.settings
    }

    /// This context, knowing the proxy's relay timeout.
    pub(crate) fn with_relay_timeout(self, relay_timeout: Option<Duration>) -> Self {
        ProxyCx {
            relay_timeout,
            ..self
        }
    }

    /// The proxy's relay timeout, when the run was told it; otherwise the case does not apply.
    pub(crate) fn relay_timeout(&self) -> Result<Duration, CaseFailure> {
        self.relay_timeout.ok_or_else(|| {
            CaseFailure::not_applicable(
                "the TCK was not told the proxy's relay timeout, so it cannot know how long to hold an \
                 answer; run with --relay-timeout-ms N",
            )
        })
    }

    /// The proxy process, when the TCK started it; otherwise the case does not apply (it is skipped,
    /// and the reason says what it needs).
    pub(crate) fn spawned_proxy(&self) -> Result<&SpawnedProxy, CaseFailure> {
        self.spawned.as_ref().ok_or_else(|| {
            CaseFailure::not_applicable(
                "the TCK did not start the proxy (--target), so this case cannot start or restart it; \
                 run with --spawn CMD",
            )
        })
    }

    /// The proxy process, when the TCK started it as durable (it keeps entity state across a restart);
    /// otherwise the case does not apply.
    pub(crate) fn durable_proxy(&self) -> Result<&SpawnedProxy, CaseFailure> {
        let proxy = self.spawned_proxy()?;
        if proxy.is_durable() {
            return Ok(proxy);
        }
        Err(CaseFailure::not_applicable(
            "the proxy was not started as durable, so what survives a restart is not defined; \
             run with --durable if it keeps entity state across restarts",
        ))
    }

    /// Kills the proxy under test hard (SIGKILL of its process group, as in a crash), starts it again
    /// with the same command, port and store, and waits until it is ready. Only for a proxy the TCK
    /// started as durable: otherwise the case does not apply.
    pub(crate) async fn restart_proxy(&self) -> Verdict {
        let proxy = self.durable_proxy()?;
        let label = "proxy-process";
        self.trace.record(
            label,
            Direction::Event,
            format!(
                "the TCK kills `{}` with SIGKILL and starts it again",
                proxy.command()
            ),
        );
        let restarted = tokio::time::timeout_at(self.deadline, proxy.kill_and_restart()).await;
        match restarted {
            Ok(Ok(())) => {
                self.trace
                    .record(label, Direction::Event, "the restarted proxy is ready");
                Ok(())
            }
            Ok(Err(problem)) => Err(CaseFailure::error(format!(
                "the proxy did not come back after the TCK restarted it: {problem}\nits last output:\n{}",
                proxy.output_text().await
            ))),
            Err(_) => Err(CaseFailure::error(
                "the restarted proxy was not ready before the case deadline",
            )),
        }
    }

    /// A gRPC channel to the proxy, for the generated model clients; [`ProxyCx::client`] tells the
    /// statuses the proxy sent from those the TCK's client made up.
    pub(crate) fn channel(&self) -> TargetChannel {
        self.channel.clone()
    }

    /// The trace of this case.
    pub(crate) fn trace(&self) -> &Trace {
        &self.trace
    }

    /// The case deadline.
    pub(crate) fn deadline(&self) -> Instant {
        self.deadline
    }

    /// The interceptor's interventions for this case: what it changes, holds or ends of what the user
    /// function sends, each recorded in the trace.
    pub(crate) fn intercept(&self) -> InterceptControl {
        InterceptControl {
            controls: self.traffic.controls(),
            trace: self.trace.clone(),
        }
    }

    /// The discovery exchange at start-up.
    pub(crate) fn startup(&self) -> &StartupDiscovery {
        &self.startup
    }

    /// A fresh entity ID, `<prefix>-<n>`, unique within the run.
    pub(crate) fn fresh_id(&self, prefix: &str) -> String {
        format!(
            "{prefix}-{}",
            self.entities.fetch_add(1, Ordering::Relaxed) + 1
        )
    }

    /// Runs a client call to the proxy until the case deadline, tracing the request and the outcome.
    pub(crate) async fn client<T: std::fmt::Debug>(
        &self,
        what: &str,
        call: impl Future<Output = Result<Response<T>, Status>>,
    ) -> Result<Result<T, Status>, CaseFailure> {
        let label = format!("client#{}", self.calls.fetch_add(1, Ordering::Relaxed) + 1);
        self.trace
            .record(&label, Direction::Sent, format!("client -> proxy {what}"));
        let sent = SentStatus::new();
        match tokio::time::timeout_at(self.deadline, sent.scope(call)).await {
            Err(_) => Err(CaseFailure::fail(format!(
                "{label}: the proxy did not answer `{what}` before the case deadline"
            ))),
            Ok(Ok(response)) => {
                let response = response.into_inner();
                self.trace.record(
                    &label,
                    Direction::Received,
                    format!("proxy -> client {response:?}"),
                );
                Ok(Ok(response))
            }
            // The client's own deadline, which the case set, ends its call as the case wants; any other
            // status the proxy did not send is the TCK's trouble.
            Ok(Err(status)) if !sent.came_from_target(&status) && !is_own_deadline(&status) => {
                let mut failure = not_sent_by_target(&status);
                failure.message = format!("{label}: `{what}`: {}", failure.message);
                self.trace
                    .record(&label, Direction::Event, &failure.message);
                Err(failure)
            }
            Ok(Err(status)) => {
                self.trace.record(
                    &label,
                    Direction::Received,
                    format!(
                        "proxy -> client gRPC status {:?}: {}",
                        status.code(),
                        status.message()
                    ),
                );
                Ok(Err(status))
            }
        }
    }

    /// Sends an HTTP request to the proxy's HTTP/JSON frontend.
    pub(crate) async fn http(
        &self,
        method: &str,
        path: &str,
        body: Option<&str>,
    ) -> Result<HttpResponse, CaseFailure> {
        let label = format!("http#{}", self.calls.fetch_add(1, Ordering::Relaxed) + 1);
        self.trace.record(
            &label,
            Direction::Sent,
            format!("{method} {path} {}", body.unwrap_or("")),
        );
        let response = tokio::time::timeout_at(
            self.deadline,
            request(&self.http_address, method, path, body),
        )
        .await
        .map_err(|_| {
            CaseFailure::fail(format!(
                "{label}: no HTTP response before the case deadline"
            ))
        })?
        .map_err(|error| CaseFailure::error(format!("{label}: HTTP request failed: {error}")))?;
        self.trace.record(
            &label,
            Direction::Received,
            format!("{} {}", response.status, response.body),
        );
        Ok(response)
    }

    /// Expects the next call the proxy makes to be a new stream on `path` that opens with `init`.
    pub(crate) async fn expect_stream<M: WireMessage>(
        &self,
        path: &str,
        init: M,
    ) -> Result<CallProbe, CaseFailure> {
        let mut probe = self.expect_call(path).await?;
        probe.expect_from_proxy(init).await?;
        Ok(probe)
    }

    /// The next call the proxy makes to the user function; a failure if it is not to `path`, or if none
    /// comes before the deadline.
    pub(crate) async fn expect_call(&self, path: &str) -> Result<CallProbe, CaseFailure> {
        self.call_until(path, self.deadline).await?.ok_or_else(|| {
            CaseFailure::fail(format!(
                "expected the proxy to call {path} on the user function, but it made no call before the case deadline"
            ))
        })
    }

    /// The next call the proxy makes to the user function before `until`, which must be to `path`;
    /// `None` when it makes none by then.
    pub(crate) async fn call_until(
        &self,
        path: &str,
        until: Instant,
    ) -> Result<Option<CallProbe>, CaseFailure> {
        let until = until.min(self.deadline);
        let label = format!(
            "{}#{}",
            path.trim_start_matches('/'),
            self.calls.fetch_add(1, Ordering::Relaxed) + 1
        );
        let Some(call) = self.traffic.next_call(until).await else {
            return Ok(None);
        };
        self.trace.record_at(
            call.opened_at,
            &label,
            Direction::Event,
            format!("call opened by the proxy on connection {}", call.connection),
        );
        if call.path != path {
            return Err(CaseFailure::mismatch(
                "the proxy made another call to the user function than expected",
                path.to_owned(),
                call.path,
            ));
        }
        Ok(Some(CallProbe::new(
            call,
            label,
            self.trace.clone(),
            self.deadline,
        )))
    }

    /// After a restart of the proxy: the `discover` call the restarted proxy makes, which the case does
    /// not read further. Calls before it (streams a failed case left behind) are passed over.
    pub(crate) async fn expect_rediscovery(&self) -> Verdict {
        let discover = "/cloudstate.EntityDiscovery/discover";
        loop {
            let Some(call) = self.traffic.next_call(self.deadline).await else {
                return Err(CaseFailure::fail(
                    "the restarted proxy made no discover call to the user function before the case deadline",
                ));
            };
            let is_discover = call.path == discover;
            CallProbe::new(
                call,
                "discover".to_owned(),
                self.trace.clone(),
                self.deadline,
            )
            .waive();
            if is_discover {
                return Ok(());
            }
        }
    }

    /// Expects the proxy to make no new call to the user function within `quiet`.
    pub(crate) async fn expect_no_call(&self, quiet: Duration) -> Verdict {
        let until = (Instant::now() + quiet).min(self.deadline);
        match self.traffic.next_call(until).await {
            None => Ok(()),
            Some(call) => Err(CaseFailure::fail(format!(
                "the proxy made an unexpected call to the user function: {}",
                call.path
            ))),
        }
    }
}

/// Whether `status` is the TCK's client ending a call at the deadline the case gave it (tonic's
/// `CANCELLED` "Timeout expired"), rather than anything the proxy or the connection did.
fn is_own_deadline(status: &Status) -> bool {
    status.code() == tonic::Code::Cancelled && status.message().contains("Timeout expired")
}
