//! Starting case bodies: the executor of each mode gives a case its context. SDK mode's executor lives
//! here; proxy mode's is `ProxyExecutor`, beside the proxy-mode cases.

use std::collections::BTreeSet;
use std::sync::Arc;
use std::sync::atomic::AtomicU64;
use std::time::Duration;

use cloudstate_protocol::cloudstate::EntitySpec;
use futures::future::BoxFuture;
use tokio::time::Instant;
use tonic::transport::Channel;

use super::lanes::Lanes;
use super::runner::{RunScope, run_cases};
use super::{ReportError, Reporter, RunOptions, RunSummary, TargetInfo, TargetMonitor};
use crate::case::{Case, CaseBody, CaseFailure, CaseSettings, Mode, Verdict};
use crate::sdk::{CloseWait, SdkCx};
use crate::wire::Trace;

/// What the runner knows about a user function under test.
#[derive(Debug, Clone)]
pub(crate) struct SdkTarget {
    /// A channel to it.
    pub channel: Channel,
    /// What it announced in discovery, if it answered.
    pub spec: Option<Arc<EntitySpec>>,
    /// How reports describe it.
    pub info: TargetInfo,
}

/// Starts case bodies: gives each the context of its mode.
pub(crate) trait CaseExecutor: Send {
    /// The body of `case`, ready to run, recording into `trace`, ending by `deadline`, with the run's
    /// `settings`.
    fn start(
        &mut self,
        case: &'static Case,
        trace: Trace,
        deadline: Instant,
        settings: CaseSettings,
    ) -> BoxFuture<'static, Verdict>;
}

/// Runs SDK-mode case bodies against a user function.
#[derive(Debug, Clone)]
pub(crate) struct SdkExecutor {
    channel: Channel,
    spec: Option<Arc<EntitySpec>>,
    close_wait: CloseWait,
}

impl SdkExecutor {
    /// An executor for the user function behind `channel`, which announced `spec`.
    pub(crate) fn new(channel: Channel, spec: Option<Arc<EntitySpec>>) -> Self {
        SdkExecutor {
            channel,
            spec,
            close_wait: CloseWait::default(),
        }
    }

    /// This executor, whose cases wait at most `close_wait` for a call to end once nothing else is
    /// expected on it.
    pub(crate) fn with_close_wait(self, close_wait: Duration) -> Self {
        SdkExecutor {
            close_wait: CloseWait::new(close_wait),
            ..self
        }
    }
}

impl CaseExecutor for SdkExecutor {
    fn start(
        &mut self,
        case: &'static Case,
        trace: Trace,
        deadline: Instant,
        settings: CaseSettings,
    ) -> BoxFuture<'static, Verdict> {
        match case.body {
            CaseBody::Sdk(body) => body(
                SdkCx::new(
                    self.channel.clone(),
                    self.spec.clone(),
                    trace,
                    deadline,
                    Arc::new(AtomicU64::new(settings.first_entity)),
                )
                .with_close_wait(self.close_wait.clone())
                .with_settings(settings),
            ),
            CaseBody::Proxy(_) => Box::pin(async {
                Err(CaseFailure::error(
                    "a proxy-mode case cannot run in SDK mode",
                ))
            }),
        }
    }
}

/// Runs SDK-mode cases against a user function, `options.jobs` at a time, and reports every step.
pub(crate) async fn run_sdk(
    cases: &[&'static Case],
    target: &SdkTarget,
    options: &RunOptions,
    monitor: &mut dyn TargetMonitor,
    reporters: &mut [Box<dyn Reporter + Send>],
) -> Result<RunSummary, ReportError> {
    let served = target.spec.as_ref().map(|spec| served_services(spec));
    let executor = SdkExecutor::new(target.channel.clone(), target.spec.clone())
        .with_close_wait(options.close_timeout);
    let scope = RunScope {
        mode: Mode::Sdk,
        target: target.info.clone(),
        served,
    };
    let lanes = Lanes::shared(executor, monitor, options.jobs);
    run_cases(cases, scope, options, lanes, reporters).await
}

/// The names of the services a spec announces.
pub(crate) fn served_services(spec: &EntitySpec) -> BTreeSet<String> {
    spec.entities
        .iter()
        .map(|entity| entity.service_name.clone())
        .collect()
}
