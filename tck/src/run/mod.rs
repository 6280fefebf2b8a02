//! Running cases: events for reporters, the runner, and expected failures.

mod events;
mod expected;
pub mod interrupt;
mod runner;

pub use events::{
    CaseReport, ReportError, Reporter, RunEvent, RunInfo, RunSummary, ServiceInfoReport, TargetInfo,
};
pub use expected::{ExpectedFailures, ExpectedFailuresError};
pub use runner::{
    CaseExecutor, NotSpawned, RunOptions, RunScope, SdkExecutor, SdkTarget, TargetMonitor,
    run_cases, run_sdk, served_services,
};
