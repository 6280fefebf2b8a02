//! Running cases: events for reporters, the runner, and expected failures.

mod events;
mod expected;
pub mod interrupt;
mod monitor;
mod runner;
mod version;

pub use events::{
    CaseReport, ReportError, Reporter, RunEvent, RunInfo, RunSummary, ServiceInfoReport, TargetInfo,
};
pub use expected::{ExpectedFailures, ExpectedFailuresError};
pub use monitor::{NotSpawned, RunningTarget, TargetMonitor};
pub use runner::{
    CaseExecutor, Policy, RunOptions, RunScope, SdkExecutor, SdkTarget, run_cases, run_sdk,
    served_services,
};
pub use version::{VersionNote, version_note};
