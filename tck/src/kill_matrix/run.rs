//! Running a suite once and keeping each case's outcome: the SDK suite against the built-in model served
//! in this process with a fault (or none), or any suite through an executor the caller prepared.

use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::time::Instant;

use crate::case::{Case, Mode, Outcome};
use crate::model::{Fault, ModelOptions, serve_model};
use crate::report::CaseOutcome;
use crate::run::{
    Lanes, NotSpawned, ReportError, Reporter, RunEvent, RunOptions, RunScope, SdkExecutor,
    TargetInfo, run_cases, served_services,
};
use crate::session::{Discovery, connect, discover};

/// One case's outcome in one run.
#[derive(Debug, Clone)]
pub(crate) struct CaseResult {
    /// The case ID.
    pub id: &'static str,
    /// The case's mode.
    pub mode: Mode,
    /// How it ended.
    pub verdict: CaseOutcome,
    /// The failure message or skip reason (empty for a pass).
    pub message: String,
}

impl CaseResult {
    /// The first line of its message: the line a console summary or a Markdown list shows.
    pub(crate) fn first_line(&self) -> &str {
        self.message.lines().next().unwrap_or_default()
    }
}

/// The outcome of one run of a suite.
#[derive(Debug, Clone, Default)]
pub(crate) struct SuiteRun {
    /// Every case, in run order.
    pub results: Vec<CaseResult>,
    /// Why the run could not start at all (the target did not come up); the cases did not run then.
    pub setup_error: Option<String>,
    /// How long the run took.
    pub duration: Duration,
}

impl SuiteRun {
    /// A run that could not start.
    pub(crate) fn not_started(reason: String, duration: Duration) -> Self {
        SuiteRun {
            results: Vec::new(),
            setup_error: Some(reason),
            duration,
        }
    }
}

/// A reporter that keeps each finished case's outcome.
#[derive(Debug, Clone, Default)]
struct Collector {
    results: Arc<Mutex<Vec<CaseResult>>>,
}

impl Collector {
    fn take(&self) -> Vec<CaseResult> {
        std::mem::take(&mut *self.results.lock().unwrap_or_else(PoisonError::into_inner))
    }
}

impl Reporter for Collector {
    fn handle(&mut self, event: &RunEvent) -> Result<(), ReportError> {
        if let RunEvent::CaseFinished(report) = event {
            let (verdict, message) = match &report.outcome {
                Outcome::Pass => (CaseOutcome::Pass, ""),
                Outcome::Fail(failure) => (CaseOutcome::Fail, failure.message.as_str()),
                Outcome::Error(failure) => (CaseOutcome::Error, failure.message.as_str()),
                Outcome::Skip { reason } => (CaseOutcome::Skip, reason.as_str()),
            };
            let result = CaseResult {
                id: report.info.id,
                mode: report.info.mode(),
                verdict,
                message: message.to_owned(),
            };
            self.results
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .push(result);
        }
        Ok(())
    }
}

/// Runs `cases` on `lanes` and keeps each outcome; nothing is printed.
pub(crate) async fn run_collecting(
    cases: &[&'static Case],
    scope: RunScope,
    options: &RunOptions,
    lanes: Lanes<'_>,
) -> SuiteRun {
    let started = Instant::now();
    let collector = Collector::default();
    let mut reporters: Vec<Box<dyn Reporter + Send>> = vec![Box::new(collector.clone())];
    let finished = run_cases(cases, scope, options, lanes, &mut reporters).await;
    SuiteRun {
        results: collector.take(),
        setup_error: finished.err().map(|error| error.to_string()),
        duration: started.elapsed(),
    }
}

/// Runs the SDK-mode `cases` against the built-in model, served in this process on a free loopback port
/// with `fault` (none: the conforming model), as `cloudstate-tck sdk` would against any user function.
pub(crate) async fn run_model(
    fault: Option<Fault>,
    cases: &[&'static Case],
    options: &RunOptions,
) -> SuiteRun {
    let started = Instant::now();
    let listener = match TcpListener::bind("127.0.0.1:0").await {
        Ok(listener) => listener,
        Err(error) => {
            let reason = format!("cannot bind the model service: {error}");
            return SuiteRun::not_started(reason, started.elapsed());
        }
    };
    let address = match listener.local_addr() {
        Ok(address) => address.to_string(),
        Err(error) => return SuiteRun::not_started(error.to_string(), started.elapsed()),
    };
    let (stop, stopped) = oneshot::channel::<()>();
    let options_of_model = fault.map_or_else(ModelOptions::default, ModelOptions::with_fault);
    tokio::spawn(serve_model(listener, options_of_model, async move {
        let _ = stopped.await;
    }));
    let channel = match connect(&address, Duration::from_secs(5)).await {
        Ok(channel) => channel,
        Err(error) => {
            let reason = format!("cannot reach the model service: {error:?}");
            return SuiteRun::not_started(reason, started.elapsed());
        }
    };
    let spec_wait = options.case_timeout.min(Duration::from_secs(5));
    let spec = match discover(&channel, spec_wait).await {
        Discovery::Answered(spec) => Some(Arc::new(spec)),
        Discovery::NoAnswer(_) => None,
    };
    let scope = RunScope {
        mode: Mode::Sdk,
        target: TargetInfo {
            address,
            spawned: None,
            service_info: None,
        },
        served: spec.as_deref().map(served_services),
    };
    let executor = SdkExecutor::new(channel, spec);
    let mut not_spawned = NotSpawned;
    let lanes = Lanes::shared(executor, &mut not_spawned, options.jobs);
    let mut run = run_collecting(cases, scope, options, lanes).await;
    let _ = stop.send(());
    run.duration = started.elapsed();
    run
}
