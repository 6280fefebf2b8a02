//! Running cases: events for reporters, the runner, and expected failures.

mod events;
mod executor;
mod expected;
pub mod interrupt;
mod monitor;
mod options;
mod runner;
mod version;

pub use events::{
    CaseReport, ReportError, Reporter, RunEvent, RunInfo, RunSummary, ServiceInfoReport, TargetInfo,
};
pub use executor::{CaseExecutor, SdkExecutor, SdkTarget, run_sdk, served_services};
pub use expected::{ExpectedFailures, ExpectedFailuresError};
pub use monitor::{NotSpawned, RunningTarget, TargetMonitor};
pub use options::{Policy, RunOptions};
pub use runner::{RunScope, run_cases};
pub use version::{VersionNote, version_note};
