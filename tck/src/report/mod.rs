//! Reporters: the console, JUnit XML and JSON views of a run.

mod console;
mod json;
mod junit;

#[cfg(test)]
mod tests;

pub use console::{ConsoleReporter, DEFAULT_TRACE_LINES, format_duration};
pub use json::{JSON_FORMAT_VERSION, JsonReporter};
pub use junit::JunitReporter;
