//! Cases as data: what each checks, how it ends, how cases are selected and what settings they get, and
//! the macros that declare them. The catalog of all cases is `crate::cases`.

mod info;
mod outcome;
mod registry;
mod select;
mod settings;

pub use info::{Area, CaseInfo, Mode, parse_id};
pub use outcome::{CaseFailure, FailureKind, Outcome, Verdict};
pub use registry::{Case, CaseBody, ProxyCaseFn, SdkCaseFn};
#[allow(unused_imports)]
pub(crate) use registry::{count_cases, join_cases, proxy_case, sdk_case};
pub use select::{Selection, SelectionError};
pub use settings::{CaseSettings, DEFAULT_SCENARIOS};
