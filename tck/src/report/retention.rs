//! How much of each case's wire trace the report files keep.
//!
//! A failing case keeps its whole trace: it is what an SDK author reads to find the bug. A passing case
//! needs far less, and the traces of passing property cases (a hundred generated scenarios each) would
//! otherwise make up almost all of a green run's reports. So by default a passing or skipped case keeps
//! its first [`PASSING_ENTRIES`] entries (a property case's first scenario, about), each cut to
//! [`PASSING_TEXT_BYTES`], and one last entry says what was left out; `--trace all` keeps everything.

use std::time::Duration;

use crate::case::Outcome;
use crate::run::CaseReport;
use crate::wire::{Direction, TraceEntry};

/// The entries a passing case keeps.
pub const PASSING_ENTRIES: usize = 12;
/// The bytes of one entry's text a passing case keeps.
pub(crate) const PASSING_TEXT_BYTES: usize = 512;

/// Which traces the report files keep whole.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum TraceRetention {
    /// Every failing case's trace whole; the start of a passing or skipped case's.
    #[default]
    Failures,
    /// Every case's trace whole.
    All,
}

/// Cuts the trace of `case` as `retention` says.
pub(crate) fn retain(case: &mut CaseReport, retention: TraceRetention) {
    let passed = matches!(case.outcome, Outcome::Pass | Outcome::Skip { .. });
    if retention == TraceRetention::All || !passed {
        return;
    }
    let mut cut_bytes = 0;
    for entry in case.trace.iter_mut().take(PASSING_ENTRIES) {
        cut_bytes += shorten(&mut entry.text, PASSING_TEXT_BYTES);
    }
    let left_out = case.trace.len().saturating_sub(PASSING_ENTRIES);
    case.trace.truncate(PASSING_ENTRIES);
    if left_out > 0 || cut_bytes > 0 {
        let at = case.trace.last().map_or(Duration::ZERO, |entry| entry.at);
        case.trace.push(TraceEntry {
            at,
            stream: "tck".to_owned(),
            direction: Direction::Event,
            text: format!(
                "the report keeps the start of a passing case's trace: {left_out} more entries and \
                 {cut_bytes} bytes of long entries left out (--trace all keeps them)"
            ),
        });
    }
}

/// Cuts `text` to at most `limit` bytes (at a character boundary), marking the cut; the bytes removed.
fn shorten(text: &mut String, limit: usize) -> usize {
    if text.len() <= limit {
        return 0;
    }
    let mut end = limit;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    let removed = text.len() - end;
    text.truncate(end);
    text.push_str(&format!("… ({removed} bytes left out)"));
    removed
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::case::{CaseFailure, CaseInfo};

    fn case(outcome: Outcome, entries: usize, text: &str) -> CaseReport {
        CaseReport {
            info: CaseInfo {
                id: "action.sdk.property_calls",
                summary: "a case with a long trace",
                requirements: &[],
                services: &[],
            },
            outcome,
            duration: Duration::ZERO,
            started_at: chrono::DateTime::UNIX_EPOCH.fixed_offset(),
            trace: (0..entries)
                .map(|n| TraceEntry {
                    at: Duration::from_millis(n as u64),
                    stream: "s".to_owned(),
                    direction: Direction::Sent,
                    text: text.to_owned(),
                })
                .collect(),
            expected_failure: None,
            severity: crate::spec::Severity::Protocol,
            warning: false,
        }
    }

    #[test]
    fn a_passing_case_keeps_the_start_of_its_trace_and_says_what_went() {
        let mut passed = case(Outcome::Pass, 500, &"é".repeat(1_000));
        retain(&mut passed, TraceRetention::Failures);
        assert_eq!(passed.trace.len(), PASSING_ENTRIES + 1);
        assert!(passed.trace[0].text.len() < PASSING_TEXT_BYTES + 40);
        assert!(passed.trace[0].text.ends_with("bytes left out)"));
        let note = &passed.trace[PASSING_ENTRIES].text;
        assert!(
            note.contains("488 more entries") && note.contains("--trace all"),
            "{note}"
        );
    }

    #[test]
    fn failing_cases_and_trace_all_keep_everything() {
        let mut failed = case(Outcome::Fail(CaseFailure::fail("no")), 500, "x");
        retain(&mut failed, TraceRetention::Failures);
        assert_eq!(failed.trace.len(), 500);
        let mut passed = case(Outcome::Pass, 500, "x");
        retain(&mut passed, TraceRetention::All);
        assert_eq!(passed.trace.len(), 500);
        let mut short = case(Outcome::Pass, 3, "x");
        retain(&mut short, TraceRetention::Failures);
        assert_eq!(short.trace.len(), 3, "nothing left out, nothing said");
    }
}
