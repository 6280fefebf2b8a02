//! The console report: a header, one line per case with the details of every failure, and a closing line
//! `N passed, N failed, N skipped` alone on its line.

use std::io::{self, IsTerminal, Stdout, Write};

use super::console_text::failure_block;
pub(crate) use super::console_text::format_duration;
use crate::case::{CaseInfo, Outcome};
use crate::run::{CaseReport, ReportError, Reporter, RunEvent, RunInfo, RunSummary};
use crate::spec::Severity;

/// How many lines of wire trace a failure shows by default; the rest is in the JSON and JUnit reports.
pub(crate) const DEFAULT_TRACE_LINES: usize = 60;

/// How many lines of the target's last output the closing block shows.
const TARGET_OUTPUT_LINES: usize = 60;

/// Writes the run as people read it.
///
/// Every case gets one line: `PASS  <id>  (12 ms)`, `FAIL  <id>  (12 ms)`, `SKIP  <id>: <reason>` or
/// `ERROR <id>  (12 ms)`. Failures and errors are followed by an indented block with the message, the
/// requirements the case checks, the diff of expected against actual and the wire trace. Durations are
/// always written as `(<n> ms)`. The last line of the report is `N passed, N failed, N skipped`, where
/// failed counts errors too.
#[derive(Debug)]
pub(crate) struct ConsoleReporter<W: Write> {
    out: W,
    progress: bool,
    trace_lines: usize,
    selected: Option<usize>,
    finished: usize,
}

impl ConsoleReporter<Stdout> {
    /// A reporter on standard output, with a progress indicator when standard output is a terminal.
    pub(crate) fn stdout() -> Self {
        let out = io::stdout();
        let progress = out.is_terminal();
        ConsoleReporter::new(out).with_progress(progress)
    }
}

impl<W: Write> ConsoleReporter<W> {
    /// A reporter writing plain lines to `out`, without a progress indicator.
    pub(crate) fn new(out: W) -> Self {
        ConsoleReporter {
            out,
            progress: false,
            trace_lines: DEFAULT_TRACE_LINES,
            selected: None,
            finished: 0,
        }
    }

    /// Turns the progress indicator on or off: a `[12/75]` prefix on every case line, and a transient
    /// `running <id>` line while a case runs. Meant for terminals only.
    pub(crate) fn with_progress(mut self, progress: bool) -> Self {
        self.progress = progress;
        self
    }

    /// Gives the writer back, to inspect what was written.
    #[cfg(test)]
    pub(crate) fn into_inner(self) -> W {
        self.out
    }

    fn run_started(&mut self, info: &RunInfo) -> io::Result<()> {
        self.selected = Some(info.selected);
        self.finished = 0;
        let cases = if info.selected == 1 { "case" } else { "cases" };
        let spawned = match &info.target.spawned {
            Some(command) => format!(" (spawned: {command})"),
            None => String::new(),
        };
        writeln!(
            self.out,
            "cloudstate-tck {}: {} mode, target {}{spawned}, {} {cases} selected, seed {}",
            info.tck_version, info.mode, info.target.address, info.selected, info.seed
        )?;
        if let Some(service) = &info.target.service_info {
            writeln!(
                self.out,
                "target says: {} {} on {}, {} {}, protocol {}.{}",
                service.service_name,
                service.service_version,
                service.service_runtime,
                service.support_library_name,
                service.support_library_version,
                service.protocol_major_version,
                service.protocol_minor_version
            )?;
        }
        if let Some(note) = &info.protocol_note {
            writeln!(self.out, "note: {note}")?;
        }
        writeln!(self.out)
    }

    fn case_started(&mut self, info: &CaseInfo) -> io::Result<()> {
        if self.progress {
            let prefix = self.prefix(self.finished + 1);
            write!(self.out, "{prefix}running {}...", info.id)?;
            self.out.flush()?;
        }
        Ok(())
    }

    fn case_finished(&mut self, report: &CaseReport) -> io::Result<()> {
        self.finished += 1;
        if self.progress {
            // Erase the transient `running` line.
            write!(self.out, "\r\x1b[2K")?;
        }
        let prefix = self.prefix(self.finished);
        let id = report.info.id;
        let duration = format_duration(report.duration);
        let expected = report.expected_failure.as_deref();
        match (&report.outcome, expected) {
            (Outcome::Pass, None) => writeln!(self.out, "{prefix}PASS  {id}  {duration}")?,
            (Outcome::Pass, Some(reason)) => writeln!(
                self.out,
                "{prefix}PASS  {id}  {duration}  UNEXPECTED PASS: listed as an expected failure ({reason})"
            )?,
            (Outcome::Skip { reason }, _) => writeln!(self.out, "{prefix}SKIP  {id}: {reason}")?,
            (Outcome::Fail(_) | Outcome::Error(_), _) => {
                let label = match report.outcome {
                    Outcome::Fail(_) if report.warning => "WARN ",
                    Outcome::Fail(_) => "FAIL ",
                    _ => "ERROR",
                };
                // A failure that is not of a protocol MUST says what it weighs.
                let weight = match report.severity {
                    Severity::Protocol => String::new(),
                    severity => format!("  [{severity}]"),
                };
                match expected {
                    Some(reason) => writeln!(
                        self.out,
                        "{prefix}{label} {id}  {duration}{weight}  (expected: {reason})"
                    )?,
                    None => writeln!(self.out, "{prefix}{label} {id}  {duration}{weight}")?,
                }
                let block = failure_block(report, self.trace_lines);
                self.out.write_all(block.as_bytes())?;
            }
        }
        self.out.flush()
    }

    fn run_finished(
        &mut self,
        summary: &RunSummary,
        target_output: Option<&str>,
    ) -> io::Result<()> {
        if let Some(reason) = &summary.setup_error {
            let first = reason.lines().next().unwrap_or_default();
            writeln!(self.out, "Run stopped before its first case: {first}")?;
            return self.out.flush();
        }
        writeln!(self.out)?;
        let lists = [
            (
                "Unexpected passes (listed in the expected-failures file, but passed):",
                &summary.unexpected_passes,
            ),
            (
                "Unexpected failures (not listed in the expected-failures file):",
                &summary.unexpected_failures,
            ),
            (
                "Listed in the expected-failures file, but not run:",
                &summary.expected_but_not_run,
            ),
        ];
        for (title, ids) in lists {
            if !ids.is_empty() {
                writeln!(self.out, "{title}")?;
                for id in ids {
                    writeln!(self.out, "  {id}")?;
                }
            }
        }
        if let Some(output) = target_output.filter(|output| !output.trim().is_empty())
            && summary.failed + summary.errored > 0
        {
            let lines: Vec<&str> = output.lines().collect();
            let skipped = lines.len().saturating_sub(TARGET_OUTPUT_LINES);
            if skipped > 0 {
                writeln!(
                    self.out,
                    "Last output of the target ({skipped} earlier lines left out):"
                )?;
            } else {
                writeln!(self.out, "Last output of the target:")?;
            }
            for line in &lines[skipped..] {
                writeln!(self.out, "  | {line}")?;
            }
        }
        if let Some(death) = &summary.target_lost {
            writeln!(
                self.out,
                "The target died: {death}; the cases after it did not run."
            )?;
        }
        let verdict = if summary.is_success() {
            "every outcome as expected"
        } else {
            "NOT as expected"
        };
        writeln!(
            self.out,
            "Run finished in {} ms: {verdict}",
            summary.duration.as_millis()
        )?;
        if summary.errored > 0 {
            writeln!(
                self.out,
                "{} failed: {} did not conform, {} errored (the TCK could not run them)",
                summary.failed + summary.errored,
                summary.failed,
                summary.errored
            )?;
        }
        if summary.warnings > 0 {
            let (warnings, cases) = if summary.warnings == 1 {
                ("warning", "case")
            } else {
                ("warnings", "cases")
            };
            writeln!(
                self.out,
                "{} {warnings}: {} {cases} failed a SHOULD or MAY (or, with --protocol-only, a TCK \
                 addition); they do not fail the run (--strict makes them)",
                summary.warnings, summary.warnings
            )?;
        }
        writeln!(
            self.out,
            "{} passed, {} failed, {} skipped",
            summary.passed,
            summary.failed + summary.errored,
            summary.skipped
        )?;
        self.out.flush()
    }

    /// `[ 3/75] ` when the progress indicator is on, nothing otherwise.
    fn prefix(&self, position: usize) -> String {
        if !self.progress {
            return String::new();
        }
        match self.selected {
            Some(total) => {
                let width = total.to_string().len();
                format!("[{position:>width$}/{total}] ")
            }
            None => format!("[{position}/?] "),
        }
    }
}

impl<W: Write> Reporter for ConsoleReporter<W> {
    fn handle(&mut self, event: &RunEvent) -> Result<(), ReportError> {
        let result = match event {
            RunEvent::RunStarted(info) => self.run_started(info),
            RunEvent::CaseStarted { info, .. } => self.case_started(info),
            RunEvent::CaseFinished(report) => self.case_finished(report),
            RunEvent::TargetLost(death) => {
                writeln!(self.out, "note: {death}; the remaining cases are not run")
            }
            RunEvent::RunFinished {
                summary,
                target_output,
            } => self.run_finished(summary, target_output.as_deref()),
        };
        result.map_err(|source| ReportError {
            kind: "console",
            path: "the console".to_owned(),
            source,
        })
    }
}

#[cfg(test)]
mod unit_tests {
    use super::*;

    #[test]
    fn progress_prefix_is_padded_to_the_total() {
        let mut reporter = ConsoleReporter::new(Vec::new()).with_progress(true);
        reporter.selected = Some(75);
        assert_eq!(reporter.prefix(3), "[ 3/75] ");
        let plain = ConsoleReporter::new(Vec::new());
        assert_eq!(plain.prefix(3), "");
    }
}
