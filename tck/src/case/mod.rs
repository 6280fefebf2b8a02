//! Cases as data: what each checks, how it ends, how cases are selected and what settings they get, and
//! the macros that declare them. The catalog of all cases is `crate::cases`.

mod info;
mod outcome;
mod registry;
mod select;
mod settings;

#[cfg(test)]
pub(crate) use info::parse_id;
pub(crate) use info::{Area, CaseInfo, Mode};
pub(crate) use outcome::{CaseFailure, FailureKind, Outcome, Verdict};
pub(crate) use registry::{Case, CaseBody, ProxyCaseFn};
#[allow(unused_imports)]
pub(crate) use registry::{count_cases, join_cases, proxy_case, sdk_case};
pub(crate) use select::Selection;
pub(crate) use settings::{CaseSettings, DEFAULT_SCENARIOS, ENTITIES_PER_CASE};
