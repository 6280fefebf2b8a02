//! Watching the target while cases run: a spawned process that exits, or a running target that stops
//! answering. A target that dies during a case has failed that case (crashing on a protocol message is a
//! conformance failure, whatever the message was); what happens next depends on the monitor: a spawned
//! target is started again, a running one is reported once and the rest of the run is not run.

use std::time::Duration;

use futures::future::BoxFuture;

use crate::case::{CaseFailure, Verdict};

/// How many of the target's last output lines a case that it died in shows.
const OUTPUT_LINES_SHOWN: usize = 20;

/// How long the probe of a running target waits for a connection.
const PROBE_WAIT: Duration = Duration::from_millis(500);

/// Watches a target, if there is anything to watch.
pub(crate) trait TargetMonitor {
    /// `Some(description)` once a target process the TCK started has died.
    fn exited(&mut self) -> Option<String>;
    /// The target's last output, if it is a process the TCK started.
    fn output(&self) -> Option<String>;
    /// Starts a target that has died again, and waits until it answers: `None` when this monitor does
    /// not restart targets, otherwise what happened, for the report.
    fn restart(&mut self) -> BoxFuture<'_, Option<Result<String, String>>> {
        Box::pin(async { None })
    }
    /// For a target the TCK did not start: `Some(description)` when it no longer accepts connections.
    /// Asked after a case that failed the way a call to a dead target fails.
    fn gone(&mut self) -> BoxFuture<'_, Option<String>> {
        Box::pin(async { None })
    }
}

/// A target the TCK did not start and cannot probe: nothing to watch.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct NotSpawned;

impl TargetMonitor for NotSpawned {
    fn exited(&mut self) -> Option<String> {
        None
    }
    fn output(&self) -> Option<String> {
        None
    }
}

/// A target the TCK did not start, at `address`: after a case that lost its connection, the monitor
/// checks whether the target still accepts connections.
#[derive(Debug, Clone)]
pub(crate) struct RunningTarget {
    address: String,
}

impl RunningTarget {
    /// A monitor of the target at `address` (`host:port`).
    pub(crate) fn new(address: impl Into<String>) -> Self {
        RunningTarget {
            address: address.into(),
        }
    }
}

impl TargetMonitor for RunningTarget {
    fn exited(&mut self) -> Option<String> {
        None
    }

    fn output(&self) -> Option<String> {
        None
    }

    fn gone(&mut self) -> BoxFuture<'_, Option<String>> {
        Box::pin(async move {
            let connect = tokio::net::TcpStream::connect(self.address.as_str());
            match tokio::time::timeout(PROBE_WAIT, connect).await {
                Ok(Ok(_)) => None,
                Ok(Err(error)) => Some(format!(
                    "the target at {} no longer accepts connections ({error})",
                    self.address
                )),
                Err(_) => Some(format!(
                    "the target at {} no longer accepts connections (no answer within {} ms)",
                    self.address,
                    PROBE_WAIT.as_millis()
                )),
            }
        })
    }
}

/// Whether a case failed the way a call to a target that just died fails.
pub(super) fn lost_connection(verdict: &Verdict) -> bool {
    let Err(failure) = verdict else {
        return false;
    };
    [
        "transport error",
        "h2 protocol error",
        "connection reset",
        "broken pipe",
        "error trying to connect",
        "tcp connect error",
        "connection refused",
    ]
    .iter()
    .any(|sign| failure.message.to_ascii_lowercase().contains(sign))
}

/// The verdict of a case during which the target died (`death` says how): a conformance failure with
/// the target's last output.
pub(super) fn died_during(verdict: Verdict, death: &str, output: Option<String>) -> CaseFailure {
    let mut message = match verdict {
        Err(failure) => format!(
            "{death} during this case: a target that crashes on what it is sent does not conform; \
             the case had seen: {}",
            failure.message
        ),
        Ok(()) => format!("{death} during this case"),
    };
    if let Some(output) = output {
        let lines: Vec<&str> = output.lines().collect();
        let shown = &lines[lines.len().saturating_sub(OUTPUT_LINES_SHOWN)..];
        if shown.is_empty() {
            message.push_str("\nthe target printed nothing");
        } else {
            message.push_str("\nthe target's last output:\n");
            message.push_str(&shown.join("\n"));
        }
    }
    CaseFailure::fail(message)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_running_target_that_stopped_listening_is_gone() {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        let address = listener.local_addr().expect("address").to_string();
        let mut monitor = RunningTarget::new(address.clone());
        assert_eq!(monitor.gone().await, None);
        drop(listener);
        let gone = monitor.gone().await.expect("gone");
        assert!(gone.contains(&address), "{gone}");
    }

    #[test]
    fn a_death_is_a_failure_with_the_last_output() {
        let verdict = Err(CaseFailure::error("transport error"));
        let failure = died_during(
            verdict,
            "the target process exited (exit status: 101)",
            Some("thread panicked at StreamCancelled\n".to_owned()),
        );
        assert_eq!(failure.kind, crate::case::FailureKind::Fail);
        assert!(failure.message.contains("panicked"), "{}", failure.message);
        assert!(failure.message.contains("transport error"));
    }
}
