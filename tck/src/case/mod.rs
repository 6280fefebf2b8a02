//! Cases as data: what each checks, how it ends, and the registry of all of them.

mod info;
mod outcome;
mod registry;
mod select;

pub use info::{Area, CaseInfo, Mode, parse_id};
pub use outcome::{CaseFailure, FailureKind, Outcome, Verdict};
pub(crate) use registry::sdk_case;
pub use registry::{Case, CaseBody, SdkCaseFn, all_cases, find_case};
pub use select::{Selection, SelectionError};
