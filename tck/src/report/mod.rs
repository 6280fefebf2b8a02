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

pub(crate) use catalog::{explain_case, list_cases};
pub(crate) use compare::Comparison;
pub(crate) use console::ConsoleReporter;
pub(crate) use html::write_html;
pub(crate) use json::JSON_FORMAT_VERSION;
pub(crate) use model::{CaseOutcome, ReportDocument};
pub(crate) use overview::overview;
pub(crate) use recorder::Recorder;
pub use retention::PASSING_ENTRIES;
pub(crate) use retention::TraceRetention;
