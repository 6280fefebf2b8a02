//! What a run is told: the case deadline, the seed and scenarios, the expected failures, how long to wait
//! for a call to end, and which severities fail the run.

use std::time::Duration;

use super::expected::ExpectedFailures;
use crate::spec::Severity;

/// How cases run.
#[derive(Debug, Clone)]
pub(crate) struct RunOptions {
    /// The deadline of each case.
    pub case_timeout: Duration,
    /// The seed of everything random in the run.
    pub seed: u64,
    /// How many scenarios each property case runs.
    pub scenarios: u64,
    /// Cases known to fail, with reasons.
    pub expected: ExpectedFailures,
    /// How long a case waits for a call to end once nothing else is expected on it.
    pub close_timeout: Duration,
    /// Which severities of failure fail the run.
    pub policy: Policy,
    /// How many cases run at once (at least one).
    pub jobs: usize,
    /// How many CPU-bound cases (SDK-mode property cases) run at once, beside the others.
    pub cpu_jobs: usize,
}

/// Which severities of failure fail the run; the others are warnings.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Policy {
    /// `--strict`: SHOULD and MAY failures fail the run too.
    pub strict: bool,
    /// `--protocol-only`: failures of TCK additions are warnings.
    pub protocol_only: bool,
}

impl Policy {
    /// Whether a failure of this severity fails the run.
    pub(crate) fn fails_run(self, severity: Severity) -> bool {
        match severity {
            Severity::Protocol => true,
            Severity::Addition => !self.protocol_only,
            Severity::Should | Severity::May => self.strict,
        }
    }
}
