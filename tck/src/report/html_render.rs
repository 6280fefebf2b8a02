//! The certification page, part by part: identity, totals, the matrix of areas by mode, the comparison
//! with a baseline run, and the list of cases. Every piece of text from the report is escaped.

use std::fmt::Write as _;

use chrono::DateTime;

use super::compare::{Comparison, counts, counts_text};
use super::html::{anchor, escape, push_escaped};
use super::html_assets::{SCRIPT, STYLE};
use super::html_case::push_case;
use super::model::{CaseOutcome, ReportDocument};
use crate::case::Area;

const MODES: [(&str, &str); 2] = [("sdk", "SDK mode"), ("proxy", "Proxy mode")];

/// The whole page.
pub(super) fn page(document: &ReportDocument, comparison: Option<&Comparison>) -> String {
    let mut out = String::with_capacity(64 * 1024 + document.cases.len() * 4096);
    let title = match &document.target.service_info {
        Some(info) if !info.service_name.is_empty() => info.service_name.clone(),
        _ => document.target.address.clone(),
    };
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <meta name=\"color-scheme\" content=\"light dark\">\n\
         <title>Cloudstate TCK certification: {}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n<main>\n",
        escape(&title)
    );
    push_header(&mut out, document);
    push_matrix(&mut out, document);
    if let Some(comparison) = comparison {
        push_comparison(&mut out, comparison);
    }
    push_cases(&mut out, document);
    if let Some(output) = document.target_output.as_deref().filter(|o| !o.is_empty()) {
        out.push_str(
            "<section><details class=\"output\"><summary>Last output of the target</summary><pre>",
        );
        push_escaped(&mut out, output);
        out.push_str("</pre></details></section>\n");
    }
    let _ = write!(
        out,
        "<footer>Written by cloudstate-tck {} from a JSON report of format version {}.</footer>\n\
         </main>\n<script>{SCRIPT}</script>\n</body>\n</html>\n",
        escape(&document.tck_version),
        document.format_version
    );
    out
}

fn push_header(out: &mut String, document: &ReportDocument) {
    let summary = &document.summary;
    let (class, verdict, detail) = if summary.is_success() {
        let detail = if document
            .cases
            .iter()
            .any(|case| case.expected_failure.is_some())
        {
            "every outcome as the expected-failures file says"
        } else {
            "every selected case passed or was skipped"
        };
        ("ok", "Conformant", detail.to_owned())
    } else {
        let detail = format!(
            "{}, {}",
            count_of(summary.unexpected_failures.len(), "unexpected failure"),
            count_of(summary.unexpected_passes.len(), "unexpected pass")
        );
        ("bad", "Not conformant", detail)
    };
    let mode = document.mode.as_str();
    let mode_title = match mode {
        "sdk" => "SDK mode: the TCK plays the proxy",
        "proxy" => "proxy mode: the TCK plays client and user function",
        _ => "",
    };
    let _ = write!(
        out,
        "<header class=\"top\"><div class=\"title\"><h1>Cloudstate TCK certification</h1>\
         <p class=\"muted\">Protocol 0.2 · {}</p></div><div class=\"totals\">",
        if mode_title.is_empty() {
            escape(mode)
        } else {
            mode_title.to_owned()
        }
    );
    for (outcome, count) in CaseOutcome::ALL.into_iter().zip(counts(&document.cases)) {
        let _ = write!(
            out,
            "<div class=\"total {0}\"><b>{count}</b><span>{1}</span></div>",
            outcome.as_str(),
            plural_label(outcome)
        );
    }
    let _ = writeln!(
        out,
        "<div class=\"total all\"><b>{}</b><span>cases</span></div></div>\
         <div class=\"verdict {class}\"><b>{verdict}</b><small>{}</small></div></header>",
        document.cases.len(),
        escape(&detail)
    );
    out.push_str("<section class=\"identity\"><dl>");
    let target = &document.target;
    let mut item = |label: &str, value: &str| {
        let _ = write!(out, "<div><dt>{label}</dt><dd>{}</dd></div>", escape(value));
    };
    if let Some(info) = &target.service_info {
        item(
            "Service",
            &format!("{} {}", info.service_name, info.service_version),
        );
        item(
            "Support library",
            &format!(
                "{} {}",
                info.support_library_name, info.support_library_version
            ),
        );
        item("Runtime", &info.service_runtime);
        item(
            "Protocol",
            &format!(
                "{}.{}",
                info.protocol_major_version, info.protocol_minor_version
            ),
        );
    }
    item("Address", &target.address);
    if let Some(spawned) = &target.spawned {
        item("Started with", spawned);
    }
    item("TCK", &document.tck_version);
    item("Date", &readable_time(&document.started_at));
    item("Duration", &format!("{} ms", document.duration_ms));
    item("Seed", &document.seed.to_string());
    if let Some(note) = &document.protocol_note {
        item("Protocol note", note);
    }
    if let Some(error) = &document.summary.setup_error {
        item("Setup error", error);
    }
    if let Some(death) = &document.summary.target_lost {
        item("Target died", death);
    }
    out.push_str("</dl></section>\n");
}

fn push_matrix(out: &mut String, document: &ReportDocument) {
    let mut areas: Vec<&str> = Vec::new();
    for case in &document.cases {
        if !areas.contains(&case.area.as_str()) {
            areas.push(&case.area);
        }
    }
    let rank = |area: &str| {
        Area::ALL
            .iter()
            .position(|known| known.as_str() == area)
            .unwrap_or(Area::ALL.len())
    };
    areas.sort_by(|a, b| rank(a).cmp(&rank(b)).then(a.cmp(b)));
    out.push_str(
        "<section><h2>Areas by mode</h2><table class=\"matrix\"><thead><tr><th scope=\"col\">Area</th>",
    );
    for (_, title) in MODES {
        let _ = write!(out, "<th scope=\"col\">{title}</th>");
    }
    out.push_str("</tr></thead><tbody>\n");
    let mut rows: Vec<(Option<&str>, String)> = areas
        .iter()
        .map(|area| (Some(*area), area_title(area)))
        .collect();
    rows.push((None, "All areas".to_owned()));
    for (area, title) in rows {
        let class = if area.is_none() { " class=\"sum\"" } else { "" };
        let _ = write!(out, "<tr{class}><th scope=\"row\">{title}</th>");
        for (mode, _) in MODES {
            let cell = counts(
                document
                    .cases
                    .iter()
                    .filter(|case| case.mode == mode && area.is_none_or(|area| case.area == area)),
            );
            out.push_str("<td>");
            if cell.iter().sum::<usize>() == 0 {
                out.push_str("<span class=\"muted\">not run</span>");
            }
            for (outcome, count) in CaseOutcome::ALL.into_iter().zip(cell) {
                if count > 0 {
                    let _ = write!(
                        out,
                        "<a class=\"chip {0}\" href=\"#cases\" data-area=\"{1}\" data-mode=\"{mode}\" \
                         data-outcome=\"{0}\">{count} {0}</a>",
                        outcome.as_str(),
                        escape(area.unwrap_or(""))
                    );
                }
            }
            out.push_str("</td>");
        }
        out.push_str("</tr>\n");
    }
    out.push_str("</tbody></table></section>\n");
}

fn push_comparison(out: &mut String, comparison: &Comparison) {
    let _ = writeln!(
        out,
        "<section class=\"compare\"><h2>Changes since {}</h2><p class=\"muted\">Baseline started {}: {}. \
         This run: {}. {} changed, {} added, {} removed, {} unchanged.</p>",
        escape(&comparison.baseline_name),
        escape(&readable_time(&comparison.baseline_started_at)),
        counts_text(&comparison.baseline_counts),
        counts_text(&comparison.current_counts),
        comparison.changed.len(),
        comparison.added.len(),
        comparison.removed.len(),
        comparison.unchanged
    );
    if comparison.is_empty() {
        out.push_str("<p>No case changed its outcome.</p></section>\n");
        return;
    }
    out.push_str("<table class=\"changes\"><thead><tr><th>Change</th><th>Before</th><th>Now</th><th>Case</th></tr></thead><tbody>\n");
    let mut row =
        |kind: &str, before: Option<CaseOutcome>, after: Option<CaseOutcome>, id: &str| {
            let cell = |outcome: Option<CaseOutcome>| match outcome {
                Some(outcome) => format!("<span class=\"badge {0}\">{0}</span>", outcome.as_str()),
                None => "<span class=\"muted\">—</span>".to_owned(),
            };
            let link = if after.is_some() {
                format!(
                    "<a href=\"#case-{}\"><code>{}</code></a>",
                    anchor(id),
                    escape(id)
                )
            } else {
                format!("<code>{}</code>", escape(id))
            };
            let _ = writeln!(
                out,
                "<tr class=\"{kind}\"><td>{kind}</td><td>{}</td><td>{}</td><td>{link}</td></tr>",
                cell(before),
                cell(after)
            );
        };
    for change in &comparison.changed {
        row(
            change.kind(),
            Some(change.before),
            Some(change.after),
            &change.id,
        );
    }
    for case in &comparison.added {
        row("added", None, Some(case.outcome), &case.id);
    }
    for case in &comparison.removed {
        row("removed", Some(case.outcome), None, &case.id);
    }
    out.push_str("</tbody></table></section>\n");
}

fn push_cases(out: &mut String, document: &ReportDocument) {
    out.push_str(
        "<section id=\"cases\"><h2>Cases</h2>\n<div class=\"filters\" role=\"group\" aria-label=\"Filters\">\
         <span class=\"label\">Outcome</span>",
    );
    for outcome in CaseOutcome::ALL {
        let _ = write!(
            out,
            "<button type=\"button\" class=\"toggle {0}\" data-outcome=\"{0}\" aria-pressed=\"true\">{0}</button>",
            outcome.as_str()
        );
    }
    out.push_str("<label><span class=\"label\">Area</span><select id=\"area\"><option value=\"\">all</option>");
    let mut areas: Vec<&str> = document
        .cases
        .iter()
        .map(|case| case.area.as_str())
        .collect();
    areas.sort_unstable();
    areas.dedup();
    for area in areas {
        let _ = write!(out, "<option value=\"{0}\">{0}</option>", escape(area));
    }
    out.push_str(
        "</select></label><label><span class=\"label\">Mode</span><select id=\"mode\">\
         <option value=\"\">all</option><option value=\"sdk\">sdk</option><option value=\"proxy\">proxy</option>\
         </select></label><input id=\"search\" type=\"search\" placeholder=\"Filter by case ID\" aria-label=\"Filter by case ID\">\
         <button type=\"button\" id=\"expand\">Open all</button><button type=\"button\" id=\"collapse\">Close all</button>\
         <span id=\"shown\" class=\"muted\"></span></div>\n<ul class=\"cases\">\n",
    );
    for case in &document.cases {
        push_case(out, case);
    }
    out.push_str("</ul></section>\n");
}

/// `1 unexpected failure`, `2 unexpected passes`.
fn count_of(count: usize, what: &str) -> String {
    match count {
        1 => format!("1 {what}"),
        _ if what.ends_with('s') => format!("{count} {what}es"),
        _ => format!("{count} {what}s"),
    }
}

/// An area's name as people write it.
fn area_title(area: &str) -> String {
    let known = match area {
        "discovery" => "Discovery",
        "action" => "Action",
        "value_entity" => "Value entity",
        "event_sourced" => "Event sourced",
        "crdt" => "CRDT",
        "eventing" => "Eventing",
        "reflection" => "Reflection",
        "http" => "HTTP",
        "protocol" => "Protocol",
        other => return escape(&other.replace('_', " ")),
    };
    known.to_owned()
}

fn plural_label(outcome: CaseOutcome) -> &'static str {
    match outcome {
        CaseOutcome::Pass => "passed",
        CaseOutcome::Fail => "failed",
        CaseOutcome::Skip => "skipped",
        CaseOutcome::Error => "errored",
    }
}

/// `2025-03-04 10:00:00 UTC` from RFC 3339; the text as given when it does not parse.
fn readable_time(rfc3339: &str) -> String {
    match DateTime::parse_from_rfc3339(rfc3339) {
        Ok(at) if at.offset().local_minus_utc() == 0 => {
            at.format("%Y-%m-%d %H:%M:%S UTC").to_string()
        }
        Ok(at) => at.format("%Y-%m-%d %H:%M:%S %:z").to_string(),
        Err(_) => rfc3339.to_owned(),
    }
}
