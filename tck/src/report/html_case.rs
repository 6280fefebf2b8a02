//! One case of the certification page: its summary, outcome, requirements quoted from the spec, the
//! expected-versus-actual diff, and the wire trace as a sequence diagram.

use std::fmt::Write as _;

use super::html::{anchor, escape, push_escaped};
use super::html_sequence::push_sequence;
use super::model::ReportCase;

/// Appends one `<li>` of the case list: a `<details>` that opens to everything about the case.
pub(super) fn push_case(out: &mut String, case: &ReportCase) {
    let outcome = case.outcome.as_str();
    let _ = write!(
        out,
        "<li class=\"case-item\" data-outcome=\"{outcome}\" data-area=\"{}\" data-mode=\"{}\" data-id=\"{}\">\
         <details class=\"case {outcome}\" id=\"case-{}\"><summary><span class=\"badge {outcome}\">{outcome}</span>\
         <code class=\"id\">{}</code><span class=\"sum\">{}</span>",
        escape(&case.area),
        escape(&case.mode),
        escape(&case.id),
        anchor(&case.id),
        escape(&case.id),
        escape(&case.summary)
    );
    if case.warning {
        let _ = write!(
            out,
            "<span class=\"tag\">warning: {}</span>",
            escape(case.severity.label())
        );
    } else if case.is_unexpected() {
        out.push_str("<span class=\"tag bad\">unexpected</span>");
    } else if case.expected_failure.is_some() {
        out.push_str("<span class=\"tag\">expected failure</span>");
    }
    let _ = write!(
        out,
        "<span class=\"dur\">{} ms</span></summary>\n<div class=\"body\"><p class=\"what\">{}</p>",
        case.duration_ms,
        escape(&case.summary)
    );
    if let Some(reason) = &case.expected_failure {
        let _ = write!(
            out,
            "<p class=\"note-box\"><b>Listed as an expected failure:</b> {}</p>",
            escape(reason)
        );
    }
    if let Some(message) = &case.message {
        let _ = write!(
            out,
            "<div class=\"message {outcome}\"><pre>{}</pre></div>",
            escape(message)
        );
    }
    if let Some(reason) = &case.reason {
        let _ = write!(
            out,
            "<p class=\"note-box\"><b>Skipped:</b> {}</p>",
            escape(reason)
        );
    }
    if !case.requirements.is_empty() {
        // A case that did not pass quotes its rules whole; a passing one names them (spec/ and
        // `cloudstate-tck explain` have the text), which keeps the page of a green run light.
        let quote = case.outcome.is_failure();
        out.push_str("<h3>Requirements</h3><ul class=\"reqs\">");
        for id in &case.requirements {
            let _ = write!(out, "<li><b>{}</b> ", escape(id));
            match crate::spec::requirement(id) {
                Some(requirement) => {
                    let _ = write!(
                        out,
                        "<span class=\"chapter\">{} · {}</span>",
                        escape(requirement.chapter),
                        escape(requirement.severity().label()),
                    );
                    if quote {
                        let _ = write!(out, " {}", inline_markup(&requirement.text));
                    }
                }
                None => out.push_str("<span class=\"muted\">not in this TCK's spec</span>"),
            }
            out.push_str("</li>");
        }
        out.push_str("</ul>\n");
    }
    push_expected_actual(out, case);
    let _ = writeln!(
        out,
        "<h3>Wire trace <span class=\"muted\">({} entries)</span></h3>",
        case.trace.len()
    );
    push_sequence(out, &case.mode, &case.trace);
    out.push_str("</div></details></li>\n");
}

fn push_expected_actual(out: &mut String, case: &ReportCase) {
    if let Some(diff) = &case.diff {
        out.push_str("<h3>Expected versus actual</h3><pre class=\"diff\">");
        for line in diff.lines() {
            let class = match line.as_bytes().first() {
                Some(b'+') if line.starts_with("+++") => "file",
                Some(b'-') if line.starts_with("---") => "file",
                Some(b'+') => "ins",
                Some(b'-') => "del",
                Some(b'@') => "hunk",
                _ => "ctx",
            };
            // Block spans: each is a line, so no newline between them.
            let _ = write!(out, "<span class=\"{class}\">");
            push_escaped(out, line);
            out.push_str("</span>");
        }
        out.push_str("</pre>\n");
    }
    if case.expected.is_none() && case.actual.is_none() {
        return;
    }
    let open = if case.diff.is_none() { " open" } else { "" };
    let _ = write!(
        out,
        "<details class=\"full\"{open}><summary>Expected and actual in full</summary><div class=\"two\">"
    );
    for (title, text) in [("Expected", &case.expected), ("Actual", &case.actual)] {
        let _ = write!(out, "<div><h4>{title}</h4><pre>");
        match text {
            Some(text) => push_escaped(out, text),
            None => out.push_str("<span class=\"muted\">(none)</span>"),
        }
        out.push_str("</pre></div>");
    }
    out.push_str("</div></details>\n");
}

/// Requirement text, escaped, with the spec's `code` and **bold** spans kept.
pub(super) fn inline_markup(text: &str) -> String {
    let escaped = escape(text);
    let mut out = String::with_capacity(escaped.len());
    let (mut code, mut bold) = (false, false);
    let mut rest = escaped.as_str();
    while let Some(c) = rest.chars().next() {
        if rest.starts_with("**") && !code {
            out.push_str(if bold { "</strong>" } else { "<strong>" });
            bold = !bold;
            rest = &rest[2..];
            continue;
        }
        if c == '`' {
            out.push_str(if code { "</code>" } else { "<code>" });
            code = !code;
        } else {
            out.push(c);
        }
        rest = &rest[c.len_utf8()..];
    }
    if code {
        out.push_str("</code>");
    }
    if bold {
        out.push_str("</strong>");
    }
    out
}
