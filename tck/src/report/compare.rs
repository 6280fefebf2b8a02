//! What changed between two runs: cases whose outcome changed, cases added and cases removed.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use super::model::{CaseOutcome, ReportCase, ReportDocument};

/// The difference between a baseline run and the current one, case by case (cases are matched by ID).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Comparison {
    /// What the baseline is called in the output, usually its file name.
    pub baseline_name: String,
    /// When the baseline run started, RFC 3339.
    pub baseline_started_at: String,
    /// Outcome counts of the baseline, in [`CaseOutcome::ALL`] order.
    pub baseline_counts: [usize; 4],
    /// Outcome counts of the current run, in [`CaseOutcome::ALL`] order.
    pub current_counts: [usize; 4],
    /// Cases in both runs whose outcome differs, in the current run's order.
    pub changed: Vec<OutcomeChange>,
    /// Cases only in the current run, in its order.
    pub added: Vec<CaseState>,
    /// Cases only in the baseline, in its order.
    pub removed: Vec<CaseState>,
    /// How many cases are in both runs with the same outcome.
    pub unchanged: usize,
}

/// A case whose outcome changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct OutcomeChange {
    /// The case ID.
    pub id: String,
    /// Its outcome in the baseline.
    pub before: CaseOutcome,
    /// Its outcome now.
    pub after: CaseOutcome,
}

impl OutcomeChange {
    /// `regressed` (now failing or erroring), `fixed` (from failing or erroring to passing) or `changed`.
    pub(crate) fn kind(&self) -> &'static str {
        let bad = |outcome: CaseOutcome| matches!(outcome, CaseOutcome::Fail | CaseOutcome::Error);
        match (bad(self.before), bad(self.after)) {
            (false, true) => "regressed",
            (true, false) if self.after == CaseOutcome::Pass => "fixed",
            _ => "changed",
        }
    }
}

/// A case present in only one of the runs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct CaseState {
    /// The case ID.
    pub id: String,
    /// Its outcome in the run that has it.
    pub outcome: CaseOutcome,
}

impl Comparison {
    /// Compares `current` with `baseline`.
    pub(crate) fn between(
        baseline_name: impl Into<String>,
        baseline: &ReportDocument,
        current: &ReportDocument,
    ) -> Self {
        let before: BTreeMap<&str, CaseOutcome> = baseline
            .cases
            .iter()
            .map(|case| (case.id.as_str(), case.outcome))
            .collect();
        let after: BTreeMap<&str, CaseOutcome> = current
            .cases
            .iter()
            .map(|case| (case.id.as_str(), case.outcome))
            .collect();
        let mut changed = Vec::new();
        let mut added = Vec::new();
        let mut unchanged = 0;
        for case in &current.cases {
            match before.get(case.id.as_str()) {
                None => added.push(state(case)),
                Some(&outcome) if outcome == case.outcome => unchanged += 1,
                Some(&outcome) => changed.push(OutcomeChange {
                    id: case.id.clone(),
                    before: outcome,
                    after: case.outcome,
                }),
            }
        }
        let removed = baseline
            .cases
            .iter()
            .filter(|case| !after.contains_key(case.id.as_str()))
            .map(state)
            .collect();
        Comparison {
            baseline_name: baseline_name.into(),
            baseline_started_at: baseline.started_at.clone(),
            baseline_counts: counts(&baseline.cases),
            current_counts: counts(&current.cases),
            changed,
            added,
            removed,
            unchanged,
        }
    }

    /// Whether the two runs have the same cases with the same outcomes.
    pub(crate) fn is_empty(&self) -> bool {
        self.changed.is_empty() && self.added.is_empty() && self.removed.is_empty()
    }

    /// The comparison as console text.
    pub(crate) fn to_text(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(
            out,
            "Compared with {} (started {}): {} changed, {} added, {} removed, {} unchanged",
            self.baseline_name,
            self.baseline_started_at,
            self.changed.len(),
            self.added.len(),
            self.removed.len(),
            self.unchanged
        );
        let _ = writeln!(out, "  baseline: {}", counts_text(&self.baseline_counts));
        let _ = writeln!(out, "  this run: {}", counts_text(&self.current_counts));
        if self.is_empty() {
            out.push_str("\nNo case changed its outcome.\n");
            return out;
        }
        if !self.changed.is_empty() {
            out.push_str("\nChanged outcome:\n");
            for change in &self.changed {
                let _ = writeln!(
                    out,
                    "  {:<9}  {:<5} -> {:<5}  {}",
                    change.kind(),
                    change.before.as_str(),
                    change.after.as_str(),
                    change.id
                );
            }
        }
        for (title, cases) in [
            ("Added (not in the baseline):", &self.added),
            ("Removed (not in this run):", &self.removed),
        ] {
            if !cases.is_empty() {
                let _ = writeln!(out, "\n{title}");
                for case in cases {
                    let _ = writeln!(out, "  {:<5}  {}", case.outcome.as_str(), case.id);
                }
            }
        }
        out
    }
}

/// Outcome counts of some cases, in [`CaseOutcome::ALL`] order.
pub(super) fn counts<'a>(cases: impl IntoIterator<Item = &'a ReportCase>) -> [usize; 4] {
    let mut counts = [0; 4];
    for case in cases {
        if let Some(index) = CaseOutcome::ALL.iter().position(|o| *o == case.outcome) {
            counts[index] += 1;
        }
    }
    counts
}

/// `15 passed, 1 failed, 0 skipped, 0 errored`.
pub(super) fn counts_text(counts: &[usize; 4]) -> String {
    format!(
        "{} passed, {} failed, {} skipped, {} errored",
        counts[0], counts[1], counts[2], counts[3]
    )
}

fn state(case: &ReportCase) -> CaseState {
    CaseState {
        id: case.id.clone(),
        outcome: case.outcome,
    }
}
