//! The last lines a spawned process wrote, kept for reports.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex, PoisonError};

use tokio::io::{AsyncBufReadExt as _, AsyncRead, BufReader};

/// How many lines are kept.
const KEPT_LINES: usize = 200;

/// A bounded buffer of output lines, shared by the readers of stdout and stderr.
#[derive(Debug, Clone, Default)]
pub(crate) struct OutputBuffer {
    lines: Arc<Mutex<VecDeque<String>>>,
}

impl OutputBuffer {
    /// Appends a line, dropping the oldest beyond the limit.
    pub(crate) fn push(&self, line: String) {
        let mut lines = self.lines.lock().unwrap_or_else(PoisonError::into_inner);
        if lines.len() == KEPT_LINES {
            lines.pop_front();
        }
        lines.push_back(line);
    }

    /// The kept lines, joined; empty when the process printed nothing.
    pub(crate) fn text(&self) -> String {
        let lines = self.lines.lock().unwrap_or_else(PoisonError::into_inner);
        lines
            .iter()
            .map(String::as_str)
            .collect::<Vec<_>>()
            .join("\n")
    }

    /// Copies every line of `reader` into the buffer, prefixed with `stream` (`stdout` or `stderr`).
    pub(crate) fn collect_from<R: AsyncRead + Unpin + Send + 'static>(
        &self,
        stream: &'static str,
        reader: R,
    ) {
        let buffer = self.clone();
        tokio::spawn(async move {
            let mut lines = BufReader::new(reader).lines();
            while let Ok(Some(line)) = lines.next_line().await {
                buffer.push(format!("[{stream}] {line}"));
            }
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_only_the_last_lines() {
        let buffer = OutputBuffer::default();
        for n in 0..(KEPT_LINES + 5) {
            buffer.push(format!("line {n}"));
        }
        let text = buffer.text();
        assert!(text.starts_with("line 5\n"), "{text}");
        assert!(text.ends_with(&format!("line {}", KEPT_LINES + 4)));
    }
}
