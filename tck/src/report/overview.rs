//! A report read back, in a few lines: who, when, totals, and the cases that did not pass.

use std::fmt::Write as _;
use std::path::Path;

use super::{CaseOutcome, ReportDocument};

/// A few lines about the run: who, when, totals, and the cases that did not pass.
pub(crate) fn overview(document: &ReportDocument, path: &Path, hint: bool) -> String {
    let mut out = String::new();
    let target = match &document.target.service_info {
        Some(info) => format!(
            "{} {} ({} {}) at {}",
            info.service_name,
            info.service_version,
            info.support_library_name,
            info.support_library_version,
            document.target.address
        ),
        None => document.target.address.clone(),
    };
    let summary = &document.summary;
    let _ = writeln!(
        out,
        "{}: {} mode, {target}, cloudstate-tck {}, started {}, seed {}",
        path.display(),
        document.mode,
        document.tck_version,
        document.started_at,
        document.seed
    );
    let _ = writeln!(
        out,
        "{} passed, {} failed, {} skipped, {} errored: {}",
        summary.passed,
        summary.failed,
        summary.skipped,
        summary.errored,
        if summary.is_success() {
            "every outcome as expected"
        } else {
            "not conformant"
        }
    );
    for case in &document.cases {
        if matches!(case.outcome, CaseOutcome::Fail | CaseOutcome::Error) {
            let message = case.message.as_deref().unwrap_or("");
            let first_line = message.lines().next().unwrap_or("");
            let _ = writeln!(
                out,
                "  {:<5} {}: {first_line}",
                case.outcome.as_str().to_uppercase(),
                case.id
            );
        }
    }
    if hint {
        out.push_str(
            "(add --html PATH for the certification page, --compare BASELINE.json for what changed)\n",
        );
    }
    out
}
