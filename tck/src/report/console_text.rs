//! The console's text blocks: durations, a failure's details (message, requirements, diff, trace), and
//! long texts cut to their head and tail.

use std::time::Duration;

use super::blobs::summarize_blobs;
use crate::case::CaseInfo;
use crate::run::CaseReport;
use crate::spec::Severity;
use crate::wire::format_trace;

/// Indentation of the details under a case line: the width of the outcome column.
pub(super) const INDENT: &str = "      ";

/// A duration as the console and its snapshot tests expect it: `(<n> ms)`.
pub(crate) fn format_duration(duration: Duration) -> String {
    format!("({} ms)", duration.as_millis())
}

/// Each requirement the case checks as `ID: text`, or the bare ID when the spec has no text for it.
pub(super) fn requirement_lines(info: &CaseInfo) -> Vec<String> {
    info.requirements
        .iter()
        .map(|id| match crate::spec::requirement(id) {
            Some(requirement) if requirement.severity() == Severity::Protocol => {
                format!("{}: {}", requirement.id, requirement.text)
            }
            Some(requirement) => format!(
                "{} [{}]: {}",
                requirement.id,
                requirement.severity(),
                requirement.text
            ),
            None => (*id).to_owned(),
        })
        .collect()
}

/// The indented details under a FAIL or ERROR line. Expected failures show their message only.
pub(super) fn failure_block(report: &CaseReport, trace_lines: usize) -> String {
    let mut block = String::new();
    let Some(failure) = report.outcome.failure() else {
        return block;
    };
    push_indented(&mut block, INDENT, &summarize_blobs(&failure.message));
    if report.expected_failure.is_some() {
        return block;
    }
    let requirements = requirement_lines(&report.info);
    if !requirements.is_empty() {
        block.push_str(&format!("{INDENT}requirements:\n"));
        for line in &requirements {
            push_indented(&mut block, &format!("{INDENT}  "), line);
        }
    }
    if let Some(diff) = failure.diff() {
        block.push_str(&format!("{INDENT}diff:\n"));
        push_indented(&mut block, &format!("{INDENT}  "), &summarize_blobs(&diff));
    }
    if !report.trace.is_empty() {
        block.push_str(&format!("{INDENT}wire trace:\n"));
        let trace = format_trace(&report.trace);
        let trace = summarize_blobs(&trace);
        push_indented(
            &mut block,
            &format!("{INDENT}  "),
            &cap_lines(&trace, trace_lines),
        );
    }
    block
}

/// Keeps the first and last lines of `text`, at most `limit` in all, with a note of how many were left out.
pub(super) fn cap_lines(text: &str, limit: usize) -> String {
    let lines: Vec<&str> = text.lines().collect();
    if lines.len() <= limit {
        return lines.join("\n");
    }
    let head = limit / 2;
    let tail = limit - head;
    let left_out = lines.len() - limit;
    let mut out = lines[..head].join("\n");
    out.push_str(&format!(
        "\n... {left_out} lines left out (the JSON and JUnit reports have the full trace) ...\n"
    ));
    out.push_str(&lines[lines.len() - tail..].join("\n"));
    out
}

/// Appends every line of `text` with `indent` before it.
pub(super) fn push_indented(out: &mut String, indent: &str, text: &str) {
    for line in text.lines() {
        if line.is_empty() {
            out.push('\n');
        } else {
            out.push_str(indent);
            out.push_str(line);
            out.push('\n');
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_are_whole_milliseconds_in_parentheses() {
        assert_eq!(format_duration(Duration::from_micros(12_700)), "(12 ms)");
        assert_eq!(format_duration(Duration::ZERO), "(0 ms)");
    }

    #[test]
    fn long_texts_keep_head_and_tail() {
        let text: Vec<String> = (1..=10).map(|n| format!("line {n}")).collect();
        let capped = cap_lines(&text.join("\n"), 4);
        let lines: Vec<&str> = capped.lines().collect();
        assert_eq!(lines.len(), 5, "{capped}");
        assert_eq!(lines[0], "line 1");
        assert_eq!(lines[1], "line 2");
        assert!(lines[2].contains("6 lines left out"), "{capped}");
        assert_eq!(lines[4], "line 10");
        assert_eq!(cap_lines("a\nb", 4), "a\nb");
    }
}
