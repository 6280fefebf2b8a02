//! The process exit codes of `cloudstate-tck`. Scripts in SDK and proxy repositories depend on them.

/// Every selected case passed, or failed exactly as the expected-failures file says.
pub(crate) const OK: u8 = 0;
/// No case was selected, or every selected case was skipped (without `--allow-empty`).
pub(crate) const NO_CASE_SELECTED: u8 = 4;
/// Bad arguments or configuration (a flag, a glob, an expected-failures file).
pub(crate) const BAD_ARGUMENTS: u8 = 64;
/// The target could not be set up: unreachable, or a spawned process that exited or never got ready.
pub(crate) const SETUP_ERROR: u8 = 96;
/// Conformance failures: a case failed or errored unexpectedly, or an expected failure passed.
pub(crate) const CONFORMANCE_FAILURES: u8 = 100;
