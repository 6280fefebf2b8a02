//! The case catalog as text: `list` (text or JSON) and `explain` (one case with the full text of its
//! requirements).

use std::fmt::Write as _;

use serde_json::json;

use crate::case::Case;
use crate::cases::{all_cases, find_case};
use crate::error::TckError;
use crate::spec;

/// Every case, as text lines or a JSON array.
pub(crate) fn list_cases(json: bool) -> String {
    let cases = all_cases();
    if json {
        let records: Vec<_> = cases.iter().map(|case| case_json(case)).collect();
        let mut text = serde_json::to_string_pretty(&records).unwrap_or_default();
        text.push('\n');
        return text;
    }
    let width = cases
        .iter()
        .map(|case| case.info.id.len())
        .max()
        .unwrap_or(0);
    let mut out = String::new();
    for case in &cases {
        let _ = writeln!(out, "{:width$}  {}", case.info.id, case.info.summary);
    }
    let _ = writeln!(out, "{} cases", cases.len());
    out
}

fn case_json(case: &Case) -> serde_json::Value {
    json!({
        "id": case.info.id,
        "area": case.info.area(),
        "mode": case.info.mode(),
        "summary": case.info.summary,
        "requirements": case.info.requirements,
        "severity": case.info.severity(),
        "services": case.info.services,
    })
}

/// What a failure of this severity does to a run.
fn severity_meaning(severity: spec::Severity) -> &'static str {
    match severity {
        spec::Severity::Protocol => "a failure fails the run",
        spec::Severity::Addition => {
            "a rule this TCK adds to protocol 0.2; a failure fails the run unless --protocol-only"
        }
        spec::Severity::Should | spec::Severity::May => "a failure is a warning unless --strict",
    }
}

/// Explains one case: summary, where it belongs, what it needs, and the full text of its requirements.
pub(crate) fn explain_case(case_id: &str) -> Result<String, TckError> {
    let case = find_case(case_id).ok_or_else(|| {
        TckError::BadArguments(format!(
            "`{case_id}` is not a case ID (see `cloudstate-tck list`)"
        ))
    })?;
    let info = &case.info;
    let mut out = String::new();
    let _ = writeln!(out, "{}", info.id);
    let _ = writeln!(out, "  {}", info.summary);
    let _ = writeln!(out);
    let _ = writeln!(out, "area:     {}", info.area());
    let _ = writeln!(out, "mode:     {}", info.mode());
    let services = if info.services.is_empty() {
        "none".to_owned()
    } else {
        info.services.join(", ")
    };
    let _ = writeln!(out, "services: {services}");
    let _ = writeln!(
        out,
        "severity: {} ({})",
        info.severity(),
        severity_meaning(info.severity())
    );
    let _ = writeln!(out);
    let _ = writeln!(out, "requirements:");
    for id in info.requirements {
        match spec::requirement(id) {
            Some(requirement) => {
                let _ = writeln!(
                    out,
                    "  {id} [{}] (spec/{}): {}",
                    requirement.severity(),
                    requirement.chapter,
                    requirement.text
                );
            }
            None => {
                let _ = writeln!(out, "  {id}: (not found in the spec)");
            }
        }
    }
    Ok(out)
}
