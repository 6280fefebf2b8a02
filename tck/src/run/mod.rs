//! Running cases: events for reporters, the runner, and expected failures.

mod case_run;
mod events;
mod executor;
mod expected;
pub(crate) mod interrupt;
mod lanes;
mod monitor;
mod options;
mod runner;
#[cfg(test)]
mod runner_tests;
mod version;

pub(crate) use events::{
    CaseReport, ReportError, Reporter, RunEvent, RunInfo, RunSummary, ServiceInfoReport, TargetInfo,
};
pub(crate) use executor::{CaseExecutor, SdkExecutor, SdkTarget, run_sdk, served_services};
pub(crate) use expected::ExpectedFailures;
pub(crate) use lanes::{DEFAULT_JOBS, Lanes, default_cpu_jobs};
pub(crate) use monitor::{NotSpawned, RunningTarget, TargetMonitor};
pub(crate) use options::{Policy, RunOptions};
pub(crate) use runner::{RunScope, run_cases};
