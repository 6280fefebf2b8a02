//! Reporters: the console, JUnit XML, JSON and HTML views of a run, and the comparison of two runs.

mod compare;
mod console;
mod html;
mod html_assets;
mod html_case;
mod html_model;
mod html_render;
mod html_sequence;
mod json;
mod junit;

#[cfg(test)]
mod html_tests;
#[cfg(test)]
mod tests;

pub use compare::{CaseState, Comparison, OutcomeChange};
pub use console::{ConsoleReporter, DEFAULT_TRACE_LINES, format_duration};
pub use html::{HtmlReporter, render_html, write_html};
pub use html_model::{
    CaseOutcome, ReadReportError, ReportCase, ReportDocument, ReportServiceInfo, ReportSummary,
    ReportTarget, ReportTraceEntry,
};
pub use json::{JSON_FORMAT_VERSION, JsonReporter};
pub use junit::JunitReporter;
