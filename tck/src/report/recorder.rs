//! The one recorder of a run: it collects the run's events and, when the run finishes, converts them once
//! into the report model and hands it to each file writer (JSON, JUnit, HTML). The console is not a
//! writer: it streams the events as they come.

use std::path::{Path, PathBuf};

use super::model::ReportDocument;
use super::retention::{TraceRetention, retain};
use crate::run::{CaseReport, ReportError, Reporter, RunEvent, RunInfo};

/// Writes one report file from the finished run's model.
pub(crate) trait ReportWriter: std::fmt::Debug + Send {
    /// The kind of report, for error messages: `JSON`, `JUnit`, `HTML`.
    fn kind(&self) -> &'static str;
    /// Where it goes.
    fn path(&self) -> &Path;
    /// Renders `document` and writes it.
    fn write(&self, document: &ReportDocument) -> Result<(), ReportError>;
}

/// Collects a run and writes its report files when it finishes.
#[derive(Debug, Default)]
pub(crate) struct Recorder {
    writers: Vec<Box<dyn ReportWriter>>,
    run: Option<RunInfo>,
    cases: Vec<CaseReport>,
    retention: TraceRetention,
}

impl Recorder {
    /// A recorder with no writer yet.
    pub(crate) fn new() -> Self {
        Recorder::default()
    }

    /// This recorder, also writing the JSON report to `path`.
    pub(crate) fn json(self, path: impl Into<PathBuf>) -> Self {
        self.with(super::json::JsonWriter::new(path))
    }

    /// This recorder, also writing the JUnit XML report to `path`.
    pub(crate) fn junit(self, path: impl Into<PathBuf>) -> Self {
        self.with(super::junit::JunitWriter::new(path))
    }

    /// This recorder, also writing the certification page to `path`.
    pub(crate) fn html(self, path: impl Into<PathBuf>) -> Self {
        self.with(super::html::HtmlWriter::new(path))
    }

    /// This recorder, also writing with `writer`.
    pub(crate) fn with(mut self, writer: impl ReportWriter + 'static) -> Self {
        self.writers.push(Box::new(writer));
        self
    }

    /// This recorder, keeping the traces `retention` says (by default, every failing case's whole and
    /// the start of the others').
    pub(crate) fn retention(mut self, retention: TraceRetention) -> Self {
        self.retention = retention;
        self
    }

    /// Whether it writes anything.
    pub(crate) fn is_empty(&self) -> bool {
        self.writers.is_empty()
    }
}

impl Reporter for Recorder {
    fn handle(&mut self, event: &RunEvent) -> Result<(), ReportError> {
        match event {
            RunEvent::RunStarted(info) => {
                self.run = Some(info.clone());
                self.cases.clear();
            }
            RunEvent::CaseStarted { .. } | RunEvent::TargetLost(_) => {}
            RunEvent::CaseFinished(report) => {
                let mut report = (**report).clone();
                retain(&mut report, self.retention);
                self.cases.push(report);
            }
            RunEvent::RunFinished {
                summary,
                target_output,
            } => {
                let Some(run) = &self.run else {
                    let first = self.writers.first();
                    return Err(ReportError {
                        kind: first.map_or("report", |writer| writer.kind()),
                        path: first.map_or_else(String::new, |w| w.path().display().to_string()),
                        source: std::io::Error::other("the run finished before it started"),
                    });
                };
                let document =
                    ReportDocument::from_run(run, &self.cases, summary, target_output.as_deref());
                for writer in &self.writers {
                    writer.write(&document)?;
                }
            }
        }
        Ok(())
    }
}

/// Writes a report file, creating its parent directories first.
pub(super) fn write_report_file(
    kind: &'static str,
    path: &Path,
    contents: &[u8],
) -> Result<(), ReportError> {
    let write = || {
        if let Some(parent) = path
            .parent()
            .filter(|parent| !parent.as_os_str().is_empty())
        {
            std::fs::create_dir_all(parent)?;
        }
        std::fs::write(path, contents)
    };
    write().map_err(|source| ReportError {
        kind,
        path: path.display().to_string(),
        source,
    })
}
