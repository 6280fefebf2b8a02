//! The kill matrix: which cases failed under which fault, which faults no case caught, and which cases
//! no fault made fail.

use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

use super::run::{CaseResult, SuiteRun};
use crate::case::Mode;
use crate::report::CaseOutcome;

/// The cases that no realistic fault can make fail, with the reason: `spec/unkillable.md`.
pub(crate) const UNKILLABLE_MD: &str = include_str!("../../../spec/unkillable.md");

/// The run of one suite under one fault.
#[derive(Debug, Clone)]
pub(crate) struct FaultRun {
    /// The suite's mode: `sdk` for model faults, `proxy` for proxy faults.
    pub mode: Mode,
    /// The fault's name.
    pub name: String,
    /// What the fault does (empty when the faulty program did not say).
    pub description: String,
    /// What happened.
    pub run: SuiteRun,
}

/// The matrix of a whole `faults` run.
#[derive(Debug, Clone, Default)]
pub(crate) struct Matrix {
    /// The runs without any fault, one per mode: every case must pass there.
    pub controls: Vec<(Mode, SuiteRun)>,
    /// One run per fault, in catalog order.
    pub faults: Vec<FaultRun>,
    /// One run per variant (a choice the protocol leaves open, made another way), in catalog order:
    /// every case must pass there.
    pub variants: Vec<FaultRun>,
    /// Cases accepted as unkillable, with the reason.
    pub unkillable: BTreeMap<String, String>,
    /// Faults accepted as uncatchable by any honest case, with the reason.
    pub uncatchable: BTreeMap<String, String>,
    /// Remarks about the run, e.g. why the proxy faults were not run.
    pub notes: Vec<String>,
    /// How long the whole run took.
    pub duration: Duration,
}

impl FaultRun {
    /// The cases that failed or errored: they caught the fault.
    pub(crate) fn failed(&self) -> Vec<&CaseResult> {
        self.run
            .results
            .iter()
            .filter(|result| result.verdict.is_failure())
            .collect()
    }

    /// The cases that were skipped because the faulty target stopped announcing what they need. A skip
    /// alone does not catch a fault: a run with skipped cases still exits 0.
    pub(crate) fn skipped(&self) -> Vec<&CaseResult> {
        self.run
            .results
            .iter()
            .filter(|result| result.verdict == CaseOutcome::Skip)
            .collect()
    }

    /// Whether the TCK caught the fault, so that a run against it cannot exit 0: a case failed or
    /// errored, or the target never came up (a setup error, exit code 96).
    pub(crate) fn caught(&self) -> bool {
        self.run.setup_error.is_some() || !self.failed().is_empty()
    }
}

impl Matrix {
    /// Adds the runs and notes of one side of the matrix (SDK or proxy).
    pub(crate) fn merge(&mut self, side: Matrix) {
        self.controls.extend(side.controls);
        self.faults.extend(side.faults);
        self.variants.extend(side.variants);
        self.notes.extend(side.notes);
    }

    /// Every case of the control runs, in run order.
    pub(crate) fn cases(&self) -> Vec<&CaseResult> {
        self.controls
            .iter()
            .flat_map(|(_, run)| &run.results)
            .collect()
    }

    /// Cases that did not pass without any fault, and control runs that could not start.
    pub(crate) fn control_problems(&self) -> Vec<String> {
        let mut problems = Vec::new();
        for (mode, run) in &self.controls {
            if let Some(error) = &run.setup_error {
                problems.push(format!("the {mode} control run did not start: {error}"));
            }
            for result in run
                .results
                .iter()
                .filter(|r| r.verdict != CaseOutcome::Pass)
            {
                problems.push(format!(
                    "{} did not pass without a fault ({}): {}",
                    result.id,
                    result.verdict.as_str(),
                    result.first_line()
                ));
            }
        }
        problems
    }

    /// The variants that some case failed, or whose target did not come up: each is a case that fails a
    /// conforming implementation, or a variant that is not one.
    pub(crate) fn rejected_variants(&self) -> Vec<&FaultRun> {
        self.variants
            .iter()
            .filter(|variant| variant.caught())
            .collect()
    }

    /// The faults that no case caught and that are not listed as uncatchable.
    pub(crate) fn surviving(&self) -> Vec<&FaultRun> {
        self.faults
            .iter()
            .filter(|fault| !fault.caught() && !self.uncatchable.contains_key(&fault.name))
            .collect()
    }

    /// For each case ID, the faults that made it fail.
    pub(crate) fn killers(&self) -> BTreeMap<&str, Vec<&str>> {
        let mut killers: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
        for fault in &self.faults {
            for result in fault.failed() {
                killers.entry(result.id).or_default().push(&fault.name);
            }
        }
        killers
    }

    /// How many (fault, case) pairs failed.
    pub(crate) fn kills(&self) -> usize {
        self.faults.iter().map(|fault| fault.failed().len()).sum()
    }

    /// The cases that no fault made fail and that are not listed as unkillable.
    pub(crate) fn unkilled(&self) -> Vec<&CaseResult> {
        let killers = self.killers();
        self.cases()
            .into_iter()
            .filter(|case| !killers.contains_key(case.id) && !self.unkillable.contains_key(case.id))
            .collect()
    }

    /// Unkillable entries that are not cases of this run, or that a fault killed after all.
    pub(crate) fn stale_unkillable(&self) -> Vec<&str> {
        let killers = self.killers();
        let cases: BTreeSet<&str> = self.cases().iter().map(|case| case.id).collect();
        self.unkillable
            .keys()
            .map(String::as_str)
            .filter(|id| !cases.contains(id) || killers.contains_key(id))
            .collect()
    }

    /// Whether the matrix is complete: every case passes without a fault and under every variant, every
    /// fault is caught, and every case is killed by some fault (or listed as unkillable).
    pub(crate) fn is_complete(&self) -> bool {
        self.control_problems().is_empty()
            && self.rejected_variants().is_empty()
            && self.surviving().is_empty()
            && self.unkilled().is_empty()
            && !self.controls.is_empty()
    }
}

/// Parses the uncatchable faults: every Markdown list item `` - fault `NAME` — reason ``, outside fenced
/// code blocks.
pub(crate) fn parse_uncatchable(markdown: &str) -> BTreeMap<String, String> {
    let mut in_code = false;
    let mut list = BTreeMap::new();
    for line in markdown.lines().map(str::trim_start) {
        if line.starts_with("```") {
            in_code = !in_code;
            continue;
        }
        let item = line.strip_prefix("- fault `").filter(|_| !in_code);
        if let Some((name, reason)) = item.and_then(|item| item.split_once('`')) {
            let reason = reason.trim_start_matches([' ', ':', '-', '—', '–']).trim();
            list.insert(name.to_owned(), reason.to_owned());
        }
    }
    list
}

/// Parses the unkillable list: every Markdown list item that starts with a case ID in backticks,
/// `` - `CASE_ID` — reason ``, outside fenced code blocks. Everything else is prose.
pub(crate) fn parse_unkillable(markdown: &str) -> BTreeMap<String, String> {
    let mut in_code = false;
    let mut list = BTreeMap::new();
    for line in markdown.lines().map(str::trim_start) {
        if line.starts_with("```") {
            in_code = !in_code;
            continue;
        }
        let item = line.strip_prefix("- `").filter(|_| !in_code);
        if let Some((id, reason)) = item.and_then(|item| item.split_once('`')) {
            let reason = reason.trim_start_matches([' ', ':', '-', '—', '–']).trim();
            list.insert(id.to_owned(), reason.to_owned());
        }
    }
    list
}

#[cfg(test)]
mod tests {
    use super::*;

    fn result(id: &'static str, verdict: CaseOutcome) -> CaseResult {
        CaseResult {
            id,
            mode: Mode::Sdk,
            verdict,
            message: String::new(),
        }
    }

    fn run(results: Vec<CaseResult>) -> SuiteRun {
        SuiteRun {
            results,
            ..SuiteRun::default()
        }
    }

    fn fault(name: &str, results: Vec<CaseResult>) -> FaultRun {
        FaultRun {
            mode: Mode::Sdk,
            name: name.to_owned(),
            description: String::new(),
            run: run(results),
        }
    }

    #[test]
    fn survivors_and_unkilled_cases_make_the_matrix_incomplete() {
        let mut matrix = Matrix {
            controls: vec![(
                Mode::Sdk,
                run(vec![
                    result("a", CaseOutcome::Pass),
                    result("b", CaseOutcome::Pass),
                ]),
            )],
            faults: vec![
                fault(
                    "one",
                    vec![
                        result("a", CaseOutcome::Fail),
                        result("b", CaseOutcome::Pass),
                    ],
                ),
                fault(
                    "two",
                    vec![
                        result("a", CaseOutcome::Pass),
                        result("b", CaseOutcome::Pass),
                    ],
                ),
            ],
            ..Matrix::default()
        };
        assert_eq!(matrix.surviving().len(), 1);
        assert_eq!(matrix.unkilled().len(), 1);
        assert_eq!(matrix.kills(), 1);
        assert!(!matrix.is_complete());
        matrix.faults[1].run.results[1].verdict = CaseOutcome::Error;
        assert!(matrix.is_complete());
        matrix.variants.push(fault(
            "accepted",
            vec![
                result("a", CaseOutcome::Pass),
                result("b", CaseOutcome::Pass),
            ],
        ));
        assert!(matrix.is_complete());
        assert_eq!(matrix.kills(), 2, "a variant's run kills nothing");
        matrix.variants[0].run.results[0].verdict = CaseOutcome::Fail;
        assert_eq!(matrix.rejected_variants().len(), 1);
        assert!(!matrix.is_complete(), "a case fails an accepted variant");
        matrix.variants.clear();
        matrix.controls[0].1.results[0].verdict = CaseOutcome::Skip;
        assert!(!matrix.is_complete());
    }

    #[test]
    fn the_unkillable_list_is_read_from_list_items() {
        let list = parse_unkillable(
            "# Title\n\n```\n- `example` — in code\n```\n- `x.sdk.y` — no fault can reach it\n- `z`: because\n",
        );
        assert_eq!(list.len(), 2);
        assert_eq!(
            list.get("x.sdk.y").map(String::as_str),
            Some("no fault can reach it")
        );
        assert_eq!(list.get("z").map(String::as_str), Some("because"));
        assert!(
            parse_unkillable(UNKILLABLE_MD).is_empty(),
            "the goal is an empty list"
        );
    }

    #[test]
    fn uncatchable_faults_do_not_survive_and_are_read_from_their_own_items() {
        let list =
            parse_uncatchable("- fault `slow-store` — no case can see it\n- `a.sdk.b` — a case\n");
        assert_eq!(list.len(), 1);
        assert_eq!(
            list.get("slow-store").map(String::as_str),
            Some("no case can see it")
        );
        let mut matrix = Matrix {
            controls: vec![(Mode::Proxy, run(vec![result("a", CaseOutcome::Pass)]))],
            faults: vec![
                fault("caught", vec![result("a", CaseOutcome::Fail)]),
                fault("slow-store", vec![result("a", CaseOutcome::Pass)]),
            ],
            ..Matrix::default()
        };
        assert_eq!(matrix.surviving().len(), 1);
        matrix.uncatchable = list;
        assert!(matrix.surviving().is_empty());
        assert!(matrix.is_complete());
        assert!(
            parse_uncatchable(UNKILLABLE_MD).is_empty(),
            "the goal is an empty list"
        );
    }
}
