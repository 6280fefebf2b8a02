//! The runner side by side: reports in the selection's order whatever order cases end in, and a case
//! during which a shared target died runs again alone, so that the death is pinned on the case that
//! caused it; a case that ran out of time beside others runs again alone too.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use futures::future::BoxFuture;
use tokio::time::Instant;

use super::{
    CaseExecutor, CaseReport, ExpectedFailures, Lanes, Policy, ReportError, Reporter, RunEvent,
    RunOptions, RunScope, TargetInfo, TargetMonitor, run_cases,
};
use crate::case::{Case, CaseBody, CaseFailure, CaseInfo, CaseSettings, Mode, Outcome, Verdict};
use crate::sdk::SdkCx;
use crate::wire::Trace;

fn never_run(_cx: SdkCx) -> BoxFuture<'static, Verdict> {
    Box::pin(async { Err(CaseFailure::error("the test executor runs the cases")) })
}

fn case(id: &'static str) -> &'static Case {
    Box::leak(Box::new(Case {
        info: CaseInfo {
            id,
            summary: "a case of the runner's tests",
            requirements: &[],
            services: &[],
        },
        body: CaseBody::Sdk(never_run),
    }))
}

/// A target that dies whenever `action.sdk.crasher` runs, and that its monitor can restart.
#[derive(Debug, Default)]
struct FakeTarget {
    dead: AtomicBool,
    deaths: AtomicU64,
    running: AtomicU64,
    most_running: AtomicU64,
}

/// Starts the test cases: `action.sdk.slow_N` sleeps N ms and passes, the crasher kills the target, and
/// `action.sdk.innocent` fails as a call to a dead target does when the target died while it ran;
/// `action.sdk.starved` runs out of time while a slow case runs beside it, and `action.sdk.too_slow`
/// always does.
#[derive(Debug, Clone)]
struct FakeExecutor(Arc<FakeTarget>);

impl CaseExecutor for FakeExecutor {
    fn start(
        &mut self,
        case: &'static Case,
        _trace: Trace,
        _deadline: Instant,
        _settings: CaseSettings,
    ) -> BoxFuture<'static, Verdict> {
        let target = self.0.clone();
        let id = case.info.id;
        Box::pin(async move {
            if let Some(ms) = id.strip_prefix("action.sdk.slow_") {
                let ms: u64 = ms.parse().unwrap_or(0);
                let running = target.running.fetch_add(1, Ordering::SeqCst) + 1;
                target.most_running.fetch_max(running, Ordering::SeqCst);
                tokio::time::sleep(Duration::from_millis(ms)).await;
                target.running.fetch_sub(1, Ordering::SeqCst);
                return Ok(());
            }
            if id == "action.sdk.starved" || id == "action.sdk.too_slow" {
                tokio::time::sleep(Duration::from_millis(20)).await;
                let beside = target.running.load(Ordering::SeqCst) > 0;
                return if beside || id == "action.sdk.too_slow" {
                    Err(CaseFailure::out_of_time("ran 3 of 20 scenarios"))
                } else {
                    Ok(())
                };
            }
            if id == "action.sdk.crasher" {
                tokio::time::sleep(Duration::from_millis(10)).await;
                target.deaths.fetch_add(1, Ordering::SeqCst);
                target.dead.store(true, Ordering::SeqCst);
                return Err(CaseFailure::error("transport error"));
            }
            let deaths = target.deaths.load(Ordering::SeqCst);
            tokio::time::sleep(Duration::from_millis(80)).await;
            if target.deaths.load(Ordering::SeqCst) == deaths {
                Ok(())
            } else {
                Err(CaseFailure::error("transport error"))
            }
        })
    }
}

#[derive(Debug)]
struct FakeMonitor(Arc<FakeTarget>);

impl TargetMonitor for FakeMonitor {
    fn exited(&mut self) -> Option<String> {
        self.0
            .dead
            .load(Ordering::SeqCst)
            .then(|| "the target process exited".to_owned())
    }
    fn output(&self) -> Option<String> {
        None
    }
    fn restart(&mut self) -> BoxFuture<'_, Option<Result<String, String>>> {
        self.0.dead.store(false, Ordering::SeqCst);
        Box::pin(async { Some(Ok("the TCK started it again".to_owned())) })
    }
}

#[derive(Debug, Clone, Default)]
struct Collect(Arc<Mutex<Vec<CaseReport>>>);

impl Reporter for Collect {
    fn handle(&mut self, event: &RunEvent) -> Result<(), ReportError> {
        if let RunEvent::CaseFinished(report) = event {
            self.0
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .push((**report).clone());
        }
        Ok(())
    }
}

async fn run(ids: &[&'static str], jobs: usize) -> (Vec<CaseReport>, u64) {
    let cases: Vec<&'static Case> = ids.iter().map(|id| case(id)).collect();
    let target = Arc::new(FakeTarget::default());
    let mut monitor = FakeMonitor(target.clone());
    let options = RunOptions {
        case_timeout: Duration::from_secs(5),
        seed: 1,
        scenarios: 1,
        expected: ExpectedFailures::default(),
        close_timeout: Duration::from_secs(1),
        policy: Policy::default(),
        jobs,
        cpu_jobs: 1,
    };
    let scope = RunScope {
        mode: Mode::Sdk,
        target: TargetInfo::default(),
        served: None,
    };
    let collect = Collect::default();
    let mut reporters: Vec<Box<dyn Reporter + Send>> = vec![Box::new(collect.clone())];
    let lanes = Lanes::shared(FakeExecutor(target.clone()), &mut monitor, jobs);
    run_cases(&cases, scope, &options, lanes, &mut reporters)
        .await
        .expect("reports written");
    let reports = collect.0.lock().unwrap_or_else(PoisonError::into_inner);
    (reports.clone(), target.most_running.load(Ordering::SeqCst))
}

/// Checks that the trace of `report` opens with the note of a case run again alone, for `why`.
fn assert_ran_again_alone(report: &CaseReport, why: &str) {
    let note =
        format!("{why} while this case ran beside other cases, so the TCK ran it again alone");
    assert!(
        report.trace.iter().any(|entry| entry.text.contains(&note)),
        "{:?}",
        report.trace
    );
}

#[tokio::test]
async fn reports_follow_the_selection_whatever_order_cases_end_in() {
    let ids = [
        "action.sdk.slow_120",
        "action.sdk.slow_0",
        "action.sdk.slow_60",
    ];
    let (reports, most_running) = run(&ids, 3).await;
    let order: Vec<&str> = reports.iter().map(|report| report.info.id).collect();
    assert_eq!(order, ids);
    assert!(reports.iter().all(|report| report.outcome == Outcome::Pass));
    assert!(most_running >= 2, "the slow cases ran one after another");
}

#[tokio::test]
async fn a_death_beside_other_cases_is_pinned_on_the_case_that_caused_it() {
    let (reports, _) = run(&["action.sdk.innocent", "action.sdk.crasher"], 2).await;
    let innocent = &reports[0];
    assert_eq!(innocent.outcome, Outcome::Pass, "{innocent:?}");
    assert_ran_again_alone(innocent, "the target was restarted");
    let Outcome::Fail(failure) = &reports[1].outcome else {
        panic!("the crasher did not fail: {:?}", reports[1]);
    };
    assert!(
        failure.message.contains("during this case"),
        "{}",
        failure.message
    );
}

#[tokio::test]
async fn a_case_out_of_time_beside_others_runs_again_alone() {
    let ids = [
        "action.sdk.slow_200",
        "action.sdk.starved",
        "action.sdk.too_slow",
    ];
    let (reports, _) = run(&ids, 3).await;
    let starved = &reports[1];
    assert_eq!(starved.outcome, Outcome::Pass, "{starved:?}");
    assert_ran_again_alone(starved, "the case ran out of time");
    let Outcome::Error(failure) = &reports[2].outcome else {
        panic!("a case out of time alone is not an error: {:?}", reports[2]);
    };
    assert!(failure.message.contains("3 of 20"), "{}", failure.message);
}

#[tokio::test]
async fn one_at_a_time_cases_do_not_overlap() {
    let (_, most_running) = run(&["action.sdk.slow_20", "action.sdk.slow_10"], 1).await;
    assert_eq!(most_running, 1);
}

#[tokio::test]
async fn one_at_a_time_the_case_in_flight_gets_the_death() {
    let (reports, _) = run(&["action.sdk.crasher", "action.sdk.innocent"], 1).await;
    assert!(
        matches!(reports[0].outcome, Outcome::Fail(_)),
        "{:?}",
        reports[0]
    );
    assert_eq!(reports[1].outcome, Outcome::Pass);
}
