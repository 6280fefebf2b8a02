//! How a case ends, and what a failure carries.

use std::fmt;

use serde::Serialize;

/// The result of a case body: `Ok` when every check held.
pub(crate) type Verdict = Result<(), CaseFailure>;

/// Why a case did not pass: a conformance failure, or an error that kept the TCK from running it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub(crate) struct CaseFailure {
    /// Failure (the target broke a rule) or error (the case could not be run).
    pub kind: FailureKind,
    /// One or more sentences saying what went wrong.
    pub message: String,
    /// The expected message, rendered for people, when the failure is a mismatch.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expected: Option<String>,
    /// The actual message, rendered for people, when the failure is a mismatch.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub actual: Option<String>,
}

/// The two ways a case can end badly.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub(crate) enum FailureKind {
    /// The target did not conform.
    Fail,
    /// The TCK could not run the case: unreachable target, crash, no exchange at all.
    Error,
    /// An error too: the time to the case deadline was too short for the case to judge the target (a
    /// property case ran too few scenarios). A case that ran out of time beside other cases runs again
    /// alone. Reported as an error.
    #[serde(rename = "error")]
    OutOfTime,
    /// The case does not apply to this target or run (for example it needs to start the proxy itself,
    /// and the proxy was not started by the TCK); it ends as skipped with the message as its reason.
    NotApplicable,
}

impl CaseFailure {
    /// A conformance failure with a message only.
    pub(crate) fn fail(message: impl Into<String>) -> Self {
        CaseFailure {
            kind: FailureKind::Fail,
            message: message.into(),
            expected: None,
            actual: None,
        }
    }

    /// A conformance failure that shows what was expected and what came instead.
    pub(crate) fn mismatch(message: impl Into<String>, expected: String, actual: String) -> Self {
        CaseFailure {
            kind: FailureKind::Fail,
            message: message.into(),
            expected: Some(expected),
            actual: Some(actual),
        }
    }

    /// An error: the case could not be run.
    pub(crate) fn error(message: impl Into<String>) -> Self {
        CaseFailure {
            kind: FailureKind::Error,
            message: message.into(),
            expected: None,
            actual: None,
        }
    }

    /// An error: the case ran out of time before it could judge the target (see
    /// [`FailureKind::OutOfTime`]).
    pub(crate) fn out_of_time(message: impl Into<String>) -> Self {
        CaseFailure {
            kind: FailureKind::OutOfTime,
            ..CaseFailure::error(message)
        }
    }

    /// Not applicable here: the case is skipped, and `reason` says why (neither a pass nor a failure).
    pub(crate) fn not_applicable(reason: impl Into<String>) -> Self {
        CaseFailure {
            kind: FailureKind::NotApplicable,
            message: reason.into(),
            expected: None,
            actual: None,
        }
    }

    /// A unified diff of expected against actual, when both are present.
    pub(crate) fn diff(&self) -> Option<String> {
        let (expected, actual) = (self.expected.as_deref()?, self.actual.as_deref()?);
        Some(crate::wire::unified_diff(expected, actual))
    }
}

impl fmt::Display for CaseFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

/// How a case ended.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub(crate) enum Outcome {
    /// Every check held.
    Pass,
    /// The target did not conform.
    Fail(CaseFailure),
    /// The case did not run, for the given reason.
    Skip {
        /// Why it did not run.
        reason: String,
    },
    /// The TCK could not run the case.
    Error(CaseFailure),
}

impl Outcome {
    /// The outcome of a finished case body.
    pub(crate) fn from_verdict(verdict: Verdict) -> Outcome {
        match verdict {
            Ok(()) => Outcome::Pass,
            Err(failure) if matches!(failure.kind, FailureKind::Error | FailureKind::OutOfTime) => {
                Outcome::Error(failure)
            }
            Err(failure) if failure.kind == FailureKind::NotApplicable => Outcome::Skip {
                reason: failure.message,
            },
            Err(failure) => Outcome::Fail(failure),
        }
    }

    /// The failure or error, if the case did not pass.
    pub(crate) fn failure(&self) -> Option<&CaseFailure> {
        match self {
            Outcome::Fail(failure) | Outcome::Error(failure) => Some(failure),
            Outcome::Pass | Outcome::Skip { .. } => None,
        }
    }

    /// Whether the case failed or errored: both count against the target.
    pub(crate) fn is_failure(&self) -> bool {
        self.failure().is_some()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_case_that_does_not_apply_is_skipped_with_its_reason() {
        assert_eq!(
            Outcome::from_verdict(Err(CaseFailure::not_applicable("not spawned"))),
            Outcome::Skip {
                reason: "not spawned".to_owned()
            }
        );
        assert_eq!(Outcome::from_verdict(Ok(())), Outcome::Pass);
        assert!(Outcome::from_verdict(Err(CaseFailure::error("x"))).is_failure());
    }
}
