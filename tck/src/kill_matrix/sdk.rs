//! The SDK side of the matrix: the SDK suite against the built-in model, once without a fault (the
//! control run) and once under each of its faults, several models at a time.

use std::time::Duration;

use futures::StreamExt as _;

use super::matrix::FaultRun;
use super::run::{SuiteRun, run_model};
use crate::case::{Case, Mode};
use crate::cases::all_cases;
use crate::model::Fault;
use crate::run::{ExpectedFailures, Policy, RunOptions};

/// How the matrix runs.
#[derive(Debug, Clone)]
pub(crate) struct MatrixOptions {
    /// The deadline of each SDK case; short, so that faults that never answer end quickly.
    pub case_timeout: Duration,
    /// How many faulty models run at once.
    pub jobs: usize,
    /// How many cases of each run go at once.
    pub case_jobs: usize,
    /// Generated scenarios per property case in each run.
    pub scenarios: u64,
    /// The seed of every run.
    pub seed: u64,
}

/// How many cases of each run of the matrix go at once by default.
pub(crate) const MATRIX_CASE_JOBS: usize = 16;

/// How many faulty proxies run at once by default. Each lane of a proxy run has its own proxy process,
/// so this many times `MATRIX_CASE_JOBS` proxies are up at a time.
pub(crate) const MATRIX_PROXY_JOBS: usize = 6;

/// Generated scenarios per property case in each run of the matrix by default.
pub(crate) const MATRIX_SCENARIOS: u64 = 20;

/// How many faulty models run at once by default: one per CPU. Each run is mostly idle, but property
/// cases run as many scenarios as their deadline allows, and more runs than CPUs leave them too few.
pub(crate) fn default_jobs() -> usize {
    crate::run::default_cpu_jobs()
}

impl Default for MatrixOptions {
    fn default() -> Self {
        MatrixOptions {
            case_timeout: Duration::from_millis(1500),
            jobs: default_jobs(),
            case_jobs: MATRIX_CASE_JOBS,
            scenarios: MATRIX_SCENARIOS,
            seed: 0,
        }
    }
}

impl MatrixOptions {
    /// The options of each run.
    pub(crate) fn run_options(&self) -> RunOptions {
        RunOptions {
            case_timeout: self.case_timeout,
            seed: self.seed,
            scenarios: self.scenarios,
            expected: ExpectedFailures::default(),
            close_timeout: crate::sdk::DEFAULT_CLOSE_WAIT,
            // Every failure is a kill, whatever its severity.
            policy: Policy {
                strict: true,
                protocol_only: false,
            },
            jobs: self.case_jobs,
            // Each run shares the machine with other runs and their deadlines are short.
            cpu_jobs: 1,
        }
    }
}

/// Every SDK-mode case, in run order.
pub(crate) fn sdk_cases() -> Vec<&'static Case> {
    all_cases()
        .into_iter()
        .filter(|case| case.info.mode() == Mode::Sdk)
        .collect()
}

/// Runs the SDK suite against the conforming model: the control run.
pub(crate) async fn sdk_control(options: &MatrixOptions) -> SuiteRun {
    run_model(None, &sdk_cases(), &options.run_options()).await
}

/// Runs the SDK suite against the model under each of `faults`, `options.jobs` at a time, and calls
/// `progress` with each run as it finishes. The runs come back in the order of `faults`.
pub(crate) async fn sdk_faults(
    faults: &[Fault],
    options: &MatrixOptions,
    mut progress: impl FnMut(&FaultRun),
) -> Vec<FaultRun> {
    let cases = sdk_cases();
    let run_options = options.run_options();
    let runs = futures::stream::iter(faults.iter().copied().enumerate())
        .map(|(index, fault)| {
            let cases = &cases;
            let run_options = &run_options;
            async move {
                let run = run_model(Some(fault), cases, run_options).await;
                let fault_run = FaultRun {
                    mode: Mode::Sdk,
                    name: fault.name().to_owned(),
                    description: fault.description().to_owned(),
                    run,
                };
                (index, fault_run)
            }
        })
        .buffer_unordered(options.jobs.max(1));
    let mut finished: Vec<(usize, FaultRun)> = runs
        .inspect(|(_, fault_run)| progress(fault_run))
        .collect()
        .await;
    finished.sort_by_key(|(index, _)| *index);
    finished
        .into_iter()
        .map(|(_, fault_run)| fault_run)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::CaseOutcome;

    fn discovery_cases() -> Vec<&'static Case> {
        sdk_cases()
            .into_iter()
            .filter(|case| case.info.id.starts_with("discovery."))
            .collect()
    }

    #[tokio::test]
    async fn the_model_passes_without_a_fault_and_fails_under_one() {
        let options = MatrixOptions::default().run_options();
        let control = run_model(None, &discovery_cases(), &options).await;
        assert!(control.setup_error.is_none());
        assert_eq!(control.results.len(), discovery_cases().len());
        assert!(
            control
                .results
                .iter()
                .all(|r| r.verdict == CaseOutcome::Pass)
        );
        let faulty = run_model(
            Some(Fault::WrongProtocolVersion),
            &discovery_cases(),
            &options,
        )
        .await;
        let failed: Vec<&str> = faulty
            .results
            .iter()
            .filter(|r| r.verdict.is_failure())
            .map(|r| r.id)
            .collect();
        assert_eq!(failed, vec!["discovery.sdk.announces_protocol_version"]);
    }

    #[tokio::test]
    async fn fault_runs_come_back_in_catalog_order() {
        let options = MatrixOptions {
            jobs: 2,
            ..MatrixOptions::default()
        };
        let faults = [
            Fault::UnstableDiscovery,
            Fault::WrongPersistenceId,
            Fault::ReplyTwice,
        ];
        let mut seen = 0;
        let runs = sdk_faults(&faults, &options, |_| seen += 1).await;
        assert_eq!(seen, 3);
        let names: Vec<&str> = runs.iter().map(|run| run.name.as_str()).collect();
        assert_eq!(
            names,
            vec!["unstable-discovery", "wrong-persistence-id", "reply-twice"]
        );
        assert!(runs.iter().all(FaultRun::caught));
    }
}
