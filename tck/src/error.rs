//! Errors that stop a run before or outside the cases, each with its exit code.

use crate::exit;

/// A problem that ends the command, reported as one clear message.
#[derive(Debug, thiserror::Error)]
pub(crate) enum TckError {
    /// A flag, glob or file on the command line is wrong.
    #[error("{0}")]
    BadArguments(String),
    /// The target could not be reached or started.
    #[error("{0}")]
    Setup(String),
    /// No case matched the selection.
    #[error("no case selected: {0}")]
    NoCaseSelected(String),
    /// Cases were selected, but every one was skipped (and `--allow-empty` was not given).
    #[error("{0}")]
    EmptyRun(String),
    /// A report could not be written.
    #[error(transparent)]
    Report(#[from] crate::run::ReportError),
}

impl TckError {
    /// The exit code for this error.
    pub(crate) fn exit_code(&self) -> u8 {
        match self {
            TckError::BadArguments(_) => exit::BAD_ARGUMENTS,
            TckError::Setup(_) | TckError::Report(_) => exit::SETUP_ERROR,
            TckError::NoCaseSelected(_) | TckError::EmptyRun(_) => exit::NO_CASE_SELECTED,
        }
    }
}
