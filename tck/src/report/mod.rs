//! Reporters: the console, JUnit XML, JSON and HTML views of a run, and the comparison of two runs.

mod blobs;
mod catalog;
mod compare;
mod console;
mod console_text;
mod from_run;
mod html;
mod html_assets;
mod html_case;
mod html_render;
mod html_sequence;
mod json;
mod junit;
mod model;
mod overview;
mod recorder;
mod retention;

#[cfg(test)]
mod html_tests;
#[cfg(test)]
mod tests;

pub use blobs::summarize_blobs;
pub use catalog::{explain_case, list_cases};
pub use compare::{CaseState, Comparison, OutcomeChange};
pub use console::{ConsoleReporter, DEFAULT_TRACE_LINES, format_duration};
pub use html::{HtmlWriter, render_html, write_html};
pub use json::{JSON_FORMAT_VERSION, JsonWriter};
pub use junit::JunitWriter;
pub use model::{
    CaseOutcome, ReadReportError, ReportCase, ReportDocument, ReportServiceInfo, ReportSummary,
    ReportTarget, ReportTraceEntry,
};
pub use overview::overview;
pub use recorder::{Recorder, ReportWriter};
pub use retention::{PASSING_ENTRIES, PASSING_TEXT_BYTES, TraceRetention, retain};
