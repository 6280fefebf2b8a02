//! The requirements of `spec/`, parsed at build time, so that `explain` and failure reports quote them.
//!
//! A requirement is a list item that starts with its bold ID: `- **ES-007** A user function MUST ...`.
//! Its text runs to the next list item, heading or blank line. A requirement that this TCK adds to what
//! protocol 0.2 and the original TCK ask carries the mark `*(TCK addition)*` right after its ID.

use std::fmt;
use std::sync::OnceLock;

use serde::{Deserialize, Serialize};

/// The mark of a requirement that the TCK adds to the protocol.
const ADDITION_MARK: &str = "*(TCK addition)*";

/// How the mark of a withdrawn requirement starts: `*(withdrawn: the reason)*`.
const WITHDRAWN_MARK: &str = "*(withdrawn";

/// How much a requirement weighs, and so what its failure does to a run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub(crate) enum Severity {
    /// A MUST of protocol 0.2 (or of the original TCK, which defined what the protocol's comments leave
    /// open): breaking it breaks the protocol. Always fails the run.
    Protocol,
    /// A MUST that this TCK adds, a stricter rule it believes in (what to do with malformed input, say).
    /// Fails the run unless `--protocol-only` is given.
    Addition,
    /// A SHOULD or RECOMMENDED: a warning, unless `--strict` is given.
    Should,
    /// A MAY or OPTIONAL: a warning, unless `--strict` is given.
    May,
}

impl Severity {
    /// `protocol`, `addition`, `should` or `may`.
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Severity::Protocol => "protocol",
            Severity::Addition => "addition",
            Severity::Should => "should",
            Severity::May => "may",
        }
    }

    /// How reports label it.
    pub(crate) fn label(self) -> &'static str {
        match self {
            Severity::Protocol => "protocol MUST",
            Severity::Addition => "TCK addition",
            Severity::Should => "SHOULD",
            Severity::May => "MAY",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

/// One normative sentence of the spec.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Requirement {
    /// The requirement ID, e.g. `ES-007`.
    pub id: &'static str,
    /// Its text, on one line, without the addition mark.
    pub text: String,
    /// The chapter file it is written in, e.g. `event-sourced.md`.
    pub chapter: &'static str,
    /// Whether the TCK adds it to the protocol.
    pub addition: bool,
    /// Why it was withdrawn, if it was: no case names it any more, and its ID is not reused.
    pub withdrawn: Option<String>,
}

impl Requirement {
    /// Its severity: from its strongest RFC 2119 keyword, and whether it is a TCK addition.
    pub(crate) fn severity(&self) -> Severity {
        match self.keyword() {
            "SHOULD" | "SHOULD NOT" => Severity::Should,
            "MAY" => Severity::May,
            _ if self.addition => Severity::Addition,
            _ => Severity::Protocol,
        }
    }

    /// Its strongest RFC 2119 keyword: `MUST NOT`, `MUST`, `SHOULD NOT`, `SHOULD` or `MAY` (SHALL and
    /// REQUIRED count as MUST, RECOMMENDED as SHOULD, OPTIONAL as MAY).
    pub(crate) fn keyword(&self) -> &'static str {
        let words: Vec<&str> = self.text.split(|c: char| !c.is_ascii_uppercase()).collect();
        let has = |phrase: &[&str]| words.windows(phrase.len()).any(|window| window == phrase);
        if has(&["MUST", "NOT"]) || has(&["SHALL", "NOT"]) {
            "MUST NOT"
        } else if has(&["MUST"]) || has(&["SHALL"]) || has(&["REQUIRED"]) {
            "MUST"
        } else if has(&["SHOULD", "NOT"]) {
            "SHOULD NOT"
        } else if has(&["SHOULD"]) || has(&["RECOMMENDED"]) {
            "SHOULD"
        } else {
            "MAY"
        }
    }
}

/// The chapter files, by name, embedded in the binary.
pub(crate) const CHAPTERS: &[(&str, &str)] = &[
    ("discovery.md", include_str!("../../spec/discovery.md")),
    ("action.md", include_str!("../../spec/action.md")),
    (
        "value-entity.md",
        include_str!("../../spec/value-entity.md"),
    ),
    (
        "event-sourced.md",
        include_str!("../../spec/event-sourced.md"),
    ),
    ("crdt.md", include_str!("../../spec/crdt.md")),
    ("frontend.md", include_str!("../../spec/frontend.md")),
    ("eventing.md", include_str!("../../spec/eventing.md")),
    (
        "forwards-and-side-effects.md",
        include_str!("../../spec/forwards-and-side-effects.md"),
    ),
    ("failures.md", include_str!("../../spec/failures.md")),
    ("passivation.md", include_str!("../../spec/passivation.md")),
    ("metadata.md", include_str!("../../spec/metadata.md")),
    (
        "malformed-input.md",
        include_str!("../../spec/malformed-input.md"),
    ),
];

/// Every requirement of every chapter, in chapter order.
pub(crate) fn requirements() -> &'static [Requirement] {
    static ALL: OnceLock<Vec<Requirement>> = OnceLock::new();
    ALL.get_or_init(|| {
        CHAPTERS
            .iter()
            .flat_map(|(chapter, text)| parse(chapter, text))
            .map(withdraw)
            .collect()
    })
}

/// The requirement with this ID.
pub(crate) fn requirement(id: &str) -> Option<&'static Requirement> {
    requirements()
        .iter()
        .find(|requirement| requirement.id == id)
}

fn parse(chapter: &'static str, text: &'static str) -> Vec<Requirement> {
    let mut found: Vec<Requirement> = Vec::new();
    let mut open = false;
    for line in text.lines() {
        let trimmed = line.trim();
        if let Some((id, rest)) = requirement_start(trimmed) {
            let rest = rest.trim();
            let (addition, text) = match rest.strip_prefix(ADDITION_MARK) {
                Some(text) => (true, text.trim()),
                None => (false, rest),
            };
            found.push(Requirement {
                id,
                text: text.to_owned(),
                chapter,
                addition,
                withdrawn: None,
            });
            open = true;
        } else if trimmed.is_empty()
            || trimmed.starts_with('#')
            || trimmed.starts_with("- ")
            || trimmed.starts_with('|')
        {
            open = false;
        } else if open && let Some(last) = found.last_mut() {
            last.text.push(' ');
            last.text.push_str(trimmed);
        }
    }
    found
}

/// A requirement whose text starts with the withdrawn mark, with the reason taken out of its text (the
/// mark may run over several lines, so it is read from the joined text).
fn withdraw(mut requirement: Requirement) -> Requirement {
    if let Some(rest) = requirement.text.strip_prefix(WITHDRAWN_MARK)
        && let Some((reason, text)) = rest.split_once(")*")
    {
        let reason = reason.trim_start_matches(':').trim().to_owned();
        requirement.text = text.trim().to_owned();
        requirement.withdrawn = Some(reason);
    }
    requirement
}

fn requirement_start(line: &'static str) -> Option<(&'static str, &'static str)> {
    let rest = line.strip_prefix("- **")?;
    let (id, rest) = rest.split_once("**")?;
    let (prefix, number) = id.split_once('-')?;
    let well_formed = !prefix.is_empty()
        && prefix.chars().all(|c| c.is_ascii_uppercase())
        && number.len() == 3
        && number.chars().all(|c| c.is_ascii_digit());
    well_formed.then_some((id, rest))
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::*;

    #[test]
    fn requirements_parse_across_lines() {
        let text = "# T\n\n- **ES-001** A user function MUST\n  reply once.\n- **ES-002** Another MAY.\n\nProse.\n";
        let parsed = parse("t.md", text);
        assert_eq!(parsed.len(), 2);
        assert_eq!(parsed[0].id, "ES-001");
        assert_eq!(parsed[0].text, "A user function MUST reply once.");
        assert_eq!(parsed[1].text, "Another MAY.");
    }

    #[test]
    fn severities_come_from_the_keyword_and_the_addition_mark() {
        let text = "- **T-001** A MUST x.\n- **T-002** *(TCK addition)* A MUST NOT y.\n\
                    - **T-003** *(TCK addition)* A SHOULD z.\n- **T-004** It MAY, then it MUST.\n\
                    - **T-005** It MAY.\n";
        let parsed = parse("t.md", text);
        let severities: Vec<Severity> = parsed.iter().map(Requirement::severity).collect();
        assert_eq!(
            severities,
            [
                Severity::Protocol,
                Severity::Addition,
                Severity::Should,
                Severity::Protocol,
                Severity::May
            ]
        );
        assert_eq!(parsed[1].text, "A MUST NOT y.");
        assert_eq!(parsed[1].keyword(), "MUST NOT");
    }

    #[test]
    fn every_requirement_is_unique_and_has_one_keyword() {
        let mut seen = BTreeSet::new();
        for requirement in requirements() {
            assert!(
                seen.insert(requirement.id),
                "duplicate requirement {}",
                requirement.id
            );
            let keywords = [
                "MUST",
                "SHOULD",
                "MAY",
                "SHALL",
                "REQUIRED",
                "RECOMMENDED",
                "OPTIONAL",
            ];
            assert!(
                keywords.iter().any(|k| requirement
                    .text
                    .split(|c: char| !c.is_ascii_uppercase())
                    .any(|w| w == *k)),
                "{} has no RFC 2119 keyword: {}",
                requirement.id,
                requirement.text
            );
        }
        assert!(!requirements().is_empty());
    }
}
