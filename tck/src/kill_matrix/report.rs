//! The kill matrix as people and tools read it: a console summary, Markdown and JSON.

use std::fmt::Write as _;
use std::path::Path;

use serde_json::{Value, json};

use super::matrix::{FaultRun, Matrix};

/// The `format_version` of the JSON report.
pub(crate) const FORMAT_VERSION: u32 = 1;

/// How many case IDs a line of the console or a Markdown cell shows before it says "and N more".
const SHOWN: usize = 4;

/// The one console line of a finished fault run.
pub(crate) fn fault_line(fault: &FaultRun) -> String {
    let failed = fault.failed();
    let what = if let Some(error) = &fault.run.setup_error {
        format!("the target did not come up: {}", first_line(error))
    } else if !failed.is_empty() {
        let ids: Vec<&str> = failed.iter().map(|result| result.id).collect();
        format!("{} case(s) failed: {}", failed.len(), abbreviated(&ids))
    } else if !fault.skipped().is_empty() {
        format!("no case failed ({} skipped)", fault.skipped().len())
    } else {
        "no case failed".to_owned()
    };
    let uncatchable = super::matrix::parse_uncatchable(super::matrix::UNKILLABLE_MD);
    let status = if fault.caught() {
        "caught  "
    } else if uncatchable.contains_key(&fault.name) {
        "listed  "
    } else {
        "SURVIVED"
    };
    format!(
        "{status}  {:<5}  {:<36}  {what}  ({} ms)",
        fault.mode.as_str(),
        fault.name,
        fault.run.duration.as_millis()
    )
}

/// The one console line of a finished variant run.
pub(crate) fn variant_line(variant: &FaultRun) -> String {
    let failed = variant.failed();
    let (status, what) = if let Some(error) = &variant.run.setup_error {
        (
            "REJECTED",
            format!("the target did not come up: {}", first_line(error)),
        )
    } else if !failed.is_empty() {
        let ids: Vec<&str> = failed.iter().map(|result| result.id).collect();
        (
            "REJECTED",
            format!("{} case(s) failed: {}", failed.len(), abbreviated(&ids)),
        )
    } else {
        (
            "accepted",
            format!("all {} cases passed", variant.run.results.len()),
        )
    };
    format!(
        "{status}  {:<5}  {:<36}  {what}  ({} ms)",
        variant.mode.as_str(),
        variant.name,
        variant.run.duration.as_millis()
    )
}

/// The closing summary: the numbers, the survivors, the cases no fault killed, and the verdict.
pub(crate) fn summary(matrix: &Matrix) -> String {
    let mut text = String::new();
    let _ = writeln!(text, "\n{}", headline(matrix));
    for problem in matrix.control_problems() {
        let _ = writeln!(text, "control run: {problem}");
    }
    for variant in matrix.rejected_variants() {
        let failed: Vec<&str> = variant.failed().iter().map(|result| result.id).collect();
        let _ = writeln!(
            text,
            "variant a case rejected: {} {}: {}",
            variant.mode,
            variant.name,
            abbreviated(&failed)
        );
        for rejection in rejections(variant) {
            let _ = writeln!(text, "  {rejection}");
        }
    }
    for fault in matrix.surviving() {
        let _ = write!(text, "fault no case caught: {} {}", fault.mode, fault.name);
        if !fault.description.is_empty() {
            let _ = write!(text, ": {}", fault.description);
        }
        text.push('\n');
    }
    for case in matrix.unkilled() {
        let _ = writeln!(text, "case no fault killed: {}", case.id);
    }
    for id in matrix.stale_unkillable() {
        let _ = writeln!(text, "stale entry in spec/unkillable.md: {id}");
    }
    for note in &matrix.notes {
        let _ = writeln!(text, "note: {note}");
    }
    let verdict = if matrix.is_complete() {
        "the kill matrix is complete: every fault was caught, every variant accepted and every case \
         failed under some fault"
    } else {
        "the kill matrix is NOT complete"
    };
    let _ = writeln!(text, "{verdict}");
    text
}

fn headline(matrix: &Matrix) -> String {
    format!(
        "{} faults ({} caught, {} listed as uncatchable), {} variants ({} accepted), {} cases ({} killed, {} unkillable), {} kills, in {:.1} s",
        matrix.faults.len(),
        matrix.faults.iter().filter(|fault| fault.caught()).count(),
        matrix
            .faults
            .iter()
            .filter(|fault| !fault.caught() && matrix.uncatchable.contains_key(&fault.name))
            .count(),
        matrix.variants.len(),
        matrix.variants.len() - matrix.rejected_variants().len(),
        matrix.cases().len(),
        matrix.killers().len(),
        matrix.unkillable.len(),
        matrix.kills(),
        matrix.duration.as_secs_f64()
    )
}

/// The matrix as JSON.
pub(crate) fn to_json(matrix: &Matrix) -> Value {
    let killers = matrix.killers();
    let run_json = |fault: &FaultRun, caught: &str| {
        let ids = |results: Vec<&super::run::CaseResult>| -> Vec<&str> {
            results.iter().map(|result| result.id).collect()
        };
        json!({
            "mode": fault.mode.as_str(),
            "name": fault.name,
            "description": fault.description,
            caught: fault.caught(),
            "failed": ids(fault.failed()),
            "skipped": ids(fault.skipped()),
            "setup_error": fault.run.setup_error,
            "duration_ms": fault.run.duration.as_millis() as u64,
        })
    };
    let faults: Vec<Value> = matrix
        .faults
        .iter()
        .map(|fault| run_json(fault, "caught"))
        .collect();
    let variants: Vec<Value> = matrix
        .variants
        .iter()
        .map(|variant| {
            let mut entry = run_json(variant, "rejected");
            entry["failures"] = variant
                .failed()
                .iter()
                .map(|result| {
                    json!({
                        "id": result.id,
                        "outcome": result.verdict.as_str(),
                        "message": result.message,
                    })
                })
                .collect();
            entry
        })
        .collect();
    let cases: Vec<Value> = matrix
        .cases()
        .iter()
        .map(|case| {
            json!({
                "id": case.id,
                "mode": case.mode.as_str(),
                "control": case.verdict.as_str(),
                "killed_by": killers.get(case.id).cloned().unwrap_or_default(),
                "unkillable": matrix.unkillable.get(case.id),
            })
        })
        .collect();
    json!({
        "format_version": FORMAT_VERSION,
        "tck_version": env!("CARGO_PKG_VERSION"),
        "complete": matrix.is_complete(),
        "duration_ms": matrix.duration.as_millis() as u64,
        "totals": {
            "faults": matrix.faults.len(),
            "caught": matrix.faults.len() - matrix.surviving().len(),
            "cases": cases.len(),
            "killed": killers.len(),
            "kills": matrix.kills(),
            "variants": variants.len(),
            "accepted": variants.len() - matrix.rejected_variants().len(),
        },
        "control_problems": matrix.control_problems(),
        "surviving_faults": matrix.surviving().iter().map(|f| f.name.as_str()).collect::<Vec<_>>(),
        "unkilled_cases": matrix.unkilled().iter().map(|c| c.id).collect::<Vec<_>>(),
        "stale_unkillable": matrix.stale_unkillable(),
        "notes": matrix.notes,
        "rejected_variants": matrix.rejected_variants().iter().map(|v| v.name.as_str()).collect::<Vec<_>>(),
        "faults": faults,
        "variants": variants,
        "cases": cases,
    })
}

/// The matrix as a Markdown page.
pub(crate) fn to_markdown(matrix: &Matrix) -> String {
    let mut page = String::from("# Fault injection: the kill matrix\n\n");
    let _ = writeln!(
        page,
        "cloudstate-tck {}: {}.\n",
        env!("CARGO_PKG_VERSION"),
        headline(matrix)
    );
    let verdict = if matrix.is_complete() {
        "**Complete**: every fault was caught, every variant was accepted, and every case failed under \
         at least one fault."
    } else {
        "**Not complete**: see the lists below."
    };
    let _ = writeln!(page, "{verdict}");
    if !matrix.notes.is_empty() {
        page.push('\n');
    }
    for note in &matrix.notes {
        let _ = writeln!(page, "- Note: {note}");
    }
    section(
        &mut page,
        "Control runs that did not pass",
        &matrix.control_problems(),
    );
    let surviving: Vec<String> = matrix
        .surviving()
        .iter()
        .map(|fault| format!("`{}` ({}): {}", fault.name, fault.mode, fault.description))
        .collect();
    section(&mut page, "Faults no case caught", &surviving);
    let rejected: Vec<String> = matrix
        .rejected_variants()
        .iter()
        .map(|variant| {
            let failed: Vec<&str> = variant.failed().iter().map(|result| result.id).collect();
            let mut item = format!(
                "`{}` ({}): {}",
                variant.name,
                variant.mode,
                abbreviated(&failed)
            );
            for rejection in rejections(variant) {
                let _ = write!(item, "\n  - {rejection}");
            }
            item
        })
        .collect();
    section(&mut page, "Variants a case rejected", &rejected);
    let unkilled: Vec<String> = matrix
        .unkilled()
        .iter()
        .map(|c| format!("`{}`", c.id))
        .collect();
    section(&mut page, "Cases no fault killed", &unkilled);
    page.push_str(
        "\n## Faults\n\n| fault | mode | what it does | caught by |\n|---|---|---|---|\n",
    );
    for fault in &matrix.faults {
        let failed: Vec<&str> = fault.failed().iter().map(|result| result.id).collect();
        let caught = match (&fault.run.setup_error, failed.is_empty()) {
            (Some(error), _) => format!("setup error: {}", first_line(error)),
            (None, false) => format!("{}: {}", failed.len(), abbreviated(&failed)),
            (None, true) => format!("**nothing** ({} skipped)", fault.skipped().len()),
        };
        let _ = writeln!(
            page,
            "| `{}` | {} | {} | {} |",
            fault.name,
            fault.mode,
            fault.description.replace('|', "\\|"),
            caught.replace('|', "\\|")
        );
    }
    page.push_str(
        "\n## Variants\n\nChoices the protocol leaves open, made as a public SDK or proxy makes them: \
         every case must pass.\n\n| variant | mode | what it does | outcome |\n|---|---|---|---|\n",
    );
    for variant in &matrix.variants {
        let failed: Vec<&str> = variant.failed().iter().map(|result| result.id).collect();
        let outcome = match (&variant.run.setup_error, failed.is_empty()) {
            (Some(error), _) => format!("**setup error**: {}", first_line(error)),
            (None, false) => format!("**rejected by** {}", abbreviated(&failed)),
            (None, true) => format!("accepted by all {} cases", variant.run.results.len()),
        };
        let _ = writeln!(
            page,
            "| `{}` | {} | {} | {} |",
            variant.name,
            variant.mode,
            variant.description.replace('|', "\\|"),
            outcome.replace('|', "\\|")
        );
    }
    page.push_str("\n## Cases\n\n| case | faults that made it fail |\n|---|---|\n");
    let killers = matrix.killers();
    for case in matrix.cases() {
        let by = match (killers.get(case.id), matrix.unkillable.get(case.id)) {
            (Some(faults), _) => faults
                .iter()
                .map(|f| format!("`{f}`"))
                .collect::<Vec<_>>()
                .join(", "),
            (None, Some(reason)) => format!("unkillable: {reason}"),
            (None, None) => "**none**".to_owned(),
        };
        let _ = writeln!(page, "| `{}` | {by} |", case.id);
    }
    page
}

fn section(page: &mut String, title: &str, items: &[String]) {
    let _ = writeln!(page, "\n## {title}\n");
    if items.is_empty() {
        page.push_str("None.\n");
    }
    for item in items {
        let _ = writeln!(page, "- {item}");
    }
}

/// Writes the JSON and Markdown reports, creating their folders.
pub(crate) fn write(
    matrix: &Matrix,
    json_path: &Path,
    markdown_path: &Path,
) -> std::io::Result<()> {
    for path in [json_path, markdown_path] {
        if let Some(dir) = path.parent().filter(|dir| !dir.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir)?;
        }
    }
    let json = serde_json::to_string_pretty(&to_json(matrix)).map_err(std::io::Error::other)?;
    std::fs::write(json_path, json + "\n")?;
    std::fs::write(markdown_path, to_markdown(matrix))
}

/// One line per case that rejected a variant: the case, how it ended and the first line of its message
/// (the JSON report keeps all of it), so that a rejection seen once in a busy run can be understood from
/// the report alone.
fn rejections(variant: &FaultRun) -> Vec<String> {
    variant
        .failed()
        .iter()
        .map(|result| {
            format!(
                "{} ({}): {}",
                result.id,
                result.verdict.as_str(),
                result.first_line()
            )
        })
        .collect()
}

fn abbreviated(ids: &[&str]) -> String {
    let mut shown = ids
        .iter()
        .take(SHOWN)
        .copied()
        .collect::<Vec<_>>()
        .join(", ");
    if ids.len() > SHOWN {
        let _ = write!(shown, " and {} more", ids.len() - SHOWN);
    }
    shown
}

fn first_line(text: &str) -> &str {
    text.lines().next().unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::case::Mode;
    use crate::kill_matrix::run::{CaseResult, SuiteRun};
    use crate::report::CaseOutcome;

    #[test]
    fn a_rejected_variant_is_reported_with_the_message_of_each_case_that_failed_it() {
        let rejected = FaultRun {
            mode: Mode::Proxy,
            name: "lazy-restart".to_owned(),
            description: String::new(),
            run: SuiteRun {
                results: vec![CaseResult {
                    id: "action.proxy.unary",
                    mode: Mode::Proxy,
                    verdict: CaseOutcome::Fail,
                    message: "no call before the deadline\nthe target's last output:\nbind failed"
                        .to_owned(),
                }],
                ..SuiteRun::default()
            },
        };
        let matrix = Matrix {
            variants: vec![rejected],
            ..Matrix::default()
        };
        let line = "action.proxy.unary (fail): no call before the deadline";
        assert!(summary(&matrix).contains(&format!("\n  {line}\n")));
        assert!(to_markdown(&matrix).contains(&format!("\n  - {line}\n")));
        let json = to_json(&matrix);
        assert_eq!(
            json["variants"][0]["failures"][0]["message"],
            "no call before the deadline\nthe target's last output:\nbind failed"
        );
    }
}
