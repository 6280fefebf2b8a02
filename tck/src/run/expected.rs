//! The expected-failures file: cases an implementation is known to fail, each with a reason.
//!
//! One case per line: the case ID, white space, and the reason. Blank lines and lines starting with `#`
//! are ignored. A run with such a file is green only when exactly the listed cases fail, so the list can
//! only shrink.

use std::collections::BTreeMap;
use std::path::Path;

use crate::case::Case;

/// The parsed file: case ID to reason.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct ExpectedFailures {
    reasons: BTreeMap<String, String>,
}

/// A problem with the expected-failures file.
#[derive(Debug, thiserror::Error)]
pub(crate) enum ExpectedFailuresError {
    /// The file could not be read.
    #[error("cannot read the expected-failures file {path}: {source}")]
    Read {
        /// The file.
        path: String,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// A line is malformed or names an unknown case.
    #[error("{path}:{line}: {problem}")]
    Line {
        /// The file.
        path: String,
        /// The 1-based line number.
        line: usize,
        /// What is wrong.
        problem: String,
    },
}

impl ExpectedFailures {
    /// Reads and checks a file: every line names a case of `known` (the cases of the run: the catalog's,
    /// and a replay's own), once, with a reason.
    pub(crate) fn load(path: &Path, known: &[&Case]) -> Result<Self, ExpectedFailuresError> {
        let display = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|source| ExpectedFailuresError::Read {
            path: display.clone(),
            source,
        })?;
        Self::parse(&display, &text, known)
    }

    /// Parses the text of a file named `path` (used in messages) whose lines name cases of `known`.
    pub(crate) fn parse(
        path: &str,
        text: &str,
        known: &[&Case],
    ) -> Result<Self, ExpectedFailuresError> {
        let mut reasons = BTreeMap::new();
        for (index, line) in text.lines().enumerate() {
            let line_error = |problem: String| ExpectedFailuresError::Line {
                path: path.to_owned(),
                line: index + 1,
                problem,
            };
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let (id, reason) = line.split_once(char::is_whitespace).unwrap_or((line, ""));
            let reason = reason.trim();
            if reason.is_empty() {
                return Err(line_error(format!(
                    "`{id}` has no reason; write one after the case ID"
                )));
            }
            if !known.iter().any(|case| case.info.id == id) {
                return Err(line_error(format!(
                    "`{id}` is not a case ID (see `cloudstate-tck list`)"
                )));
            }
            if reasons.insert(id.to_owned(), reason.to_owned()).is_some() {
                return Err(line_error(format!("`{id}` is listed twice")));
            }
        }
        Ok(ExpectedFailures { reasons })
    }

    /// The reason a case is expected to fail, if it is listed.
    pub(crate) fn reason(&self, id: &str) -> Option<&str> {
        self.reasons.get(id).map(String::as_str)
    }

    /// Every listed case ID.
    pub(crate) fn ids(&self) -> impl Iterator<Item = &str> {
        self.reasons.keys().map(String::as_str)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::case::{Verdict, sdk_case};
    use crate::sdk::SdkCx;

    async fn passes(_cx: SdkCx) -> Verdict {
        Ok(())
    }

    static KNOWN: &[Case] = &[sdk_case! {
        id: "discovery.sdk.announces_protocol_version",
        summary: "announces a version",
        requirements: ["DISC-001"],
        services: &[],
        run: passes,
    }];

    #[test]
    fn lines_need_a_known_case_and_a_reason() {
        let known: Vec<&Case> = KNOWN.iter().collect();
        let ok = ExpectedFailures::parse(
            "f.txt",
            "# known bugs\n\ndiscovery.sdk.announces_protocol_version  announces no version\n",
            &known,
        )
        .expect("valid file");
        assert_eq!(
            ok.reason("discovery.sdk.announces_protocol_version"),
            Some("announces no version")
        );

        let no_reason = ExpectedFailures::parse(
            "f.txt",
            "discovery.sdk.announces_protocol_version\n",
            &known,
        );
        assert!(
            no_reason
                .expect_err("no reason")
                .to_string()
                .contains("f.txt:1: ")
        );
        let unknown = ExpectedFailures::parse("f.txt", "\nno.such.case  because\n", &known);
        assert!(
            unknown
                .expect_err("unknown case")
                .to_string()
                .contains("f.txt:2: `no.such.case` is not a case ID")
        );
    }
}
