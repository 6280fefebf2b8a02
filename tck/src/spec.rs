//! The requirements of `spec/`, parsed at build time, so that `explain` and failure reports quote them.
//!
//! A requirement is a list item that starts with its bold ID: `- **ES-007** A user function MUST ...`.
//! Its text runs to the next list item, heading or blank line.

use std::sync::OnceLock;

/// One normative sentence of the spec.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Requirement {
    /// The requirement ID, e.g. `ES-007`.
    pub id: &'static str,
    /// Its text, on one line.
    pub text: String,
    /// The chapter file it is written in, e.g. `event-sourced.md`.
    pub chapter: &'static str,
}

/// The chapter files, by name, embedded in the binary.
pub const CHAPTERS: &[(&str, &str)] = &[
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
    (
        "malformed-input.md",
        include_str!("../../spec/malformed-input.md"),
    ),
];

/// Every requirement of every chapter, in chapter order.
pub fn requirements() -> &'static [Requirement] {
    static ALL: OnceLock<Vec<Requirement>> = OnceLock::new();
    ALL.get_or_init(|| {
        CHAPTERS
            .iter()
            .flat_map(|(chapter, text)| parse(chapter, text))
            .collect()
    })
}

/// The requirement with this ID.
pub fn requirement(id: &str) -> Option<&'static Requirement> {
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
            found.push(Requirement {
                id,
                text: rest.trim().to_owned(),
                chapter,
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
