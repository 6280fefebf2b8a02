//! Traceability: which cases check each requirement of the spec, and which requirements each case
//! checks. `spec/coverage.md` is generated from the registry and the spec by [`render`]; a test fails
//! when the checked-in file is stale, or when a MUST requirement gains no case and is not a known gap.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use crate::cases::all_cases;
use crate::spec::Requirement;
use crate::spec::{CHAPTERS, requirements};

/// MUST requirements that no case checks yet, with the reason. This list only shrinks: a test fails when
/// one of them gains a case (remove it here) or a new MUST has none (write a case, or add it here with a
/// reason in review).
pub(crate) const KNOWN_GAPS: &[(&str, &str)] = &[];

/// The case IDs that name each requirement.
pub(crate) fn cases_by_requirement() -> BTreeMap<&'static str, Vec<&'static str>> {
    let mut map: BTreeMap<&'static str, Vec<&'static str>> = BTreeMap::new();
    for case in all_cases() {
        for id in case.info.requirements {
            map.entry(id).or_default().push(case.info.id);
        }
    }
    map
}

/// MUST and MUST NOT requirements that no case names.
pub(crate) fn uncovered_musts() -> Vec<&'static str> {
    let covered = cases_by_requirement();
    requirements()
        .iter()
        .filter(|requirement| {
            requirement.withdrawn.is_none()
                && requirement.keyword().starts_with("MUST")
                && !covered.contains_key(requirement.id)
        })
        .map(|requirement| requirement.id)
        .collect()
}

/// The text of `spec/coverage.md`.
pub(crate) fn render() -> String {
    let covered = cases_by_requirement();
    let mut out = String::new();
    let _ = writeln!(out, "# Coverage\n");
    let _ = writeln!(
        out,
        "Generated from the case registry and the chapters of this folder; do not edit. Regenerate with\n\
         `CLOUDSTATE_REGENERATE=1 cargo test -p cloudstate-tck --lib coverage`.\n"
    );
    let total = requirements().len();
    let with_case = requirements()
        .iter()
        .filter(|r| covered.contains_key(r.id))
        .count();
    let _ = writeln!(
        out,
        "{} cases check {with_case} of {total} requirements.\n",
        all_cases().len()
    );
    let _ = writeln!(out, "## Requirements and the cases that check them\n");
    for (chapter, _) in CHAPTERS {
        let _ = writeln!(out, "### [{chapter}]({chapter})\n");
        let _ = writeln!(out, "| requirement | keyword | severity | cases |");
        let _ = writeln!(out, "|---|---|---|---|");
        for requirement in requirements().iter().filter(|r| r.chapter == *chapter) {
            let cases = covered.get(requirement.id).map_or_else(
                || "—".to_owned(),
                |ids| {
                    ids.iter()
                        .map(|id| format!("`{id}`"))
                        .collect::<Vec<_>>()
                        .join("<br>")
                },
            );
            let severity = match &requirement.withdrawn {
                Some(_) => "withdrawn",
                None => requirement.severity().label(),
            };
            let _ = writeln!(
                out,
                "| {} | {} | {severity} | {cases} |",
                requirement.id,
                requirement.keyword(),
            );
        }
        let _ = writeln!(out);
    }
    let _ = writeln!(out, "## MUST requirements no case checks yet\n");
    let _ = writeln!(out, "| requirement | why |");
    let _ = writeln!(out, "|---|---|");
    for (id, reason) in KNOWN_GAPS {
        let _ = writeln!(out, "| {id} | {reason} |");
    }
    let _ = writeln!(out, "\n## Cases and the requirements they check\n");
    let _ = writeln!(out, "| case | requirements |");
    let _ = writeln!(out, "|---|---|");
    for case in all_cases() {
        let _ = writeln!(
            out,
            "| `{}` | {} |",
            case.info.id,
            case.info.requirements.join(", ")
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use super::*;

    #[test]
    fn coverage_md_is_up_to_date() {
        let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../spec/coverage.md");
        let fresh = render();
        if std::env::var_os("CLOUDSTATE_REGENERATE").is_some() {
            std::fs::write(&path, &fresh).expect("write spec/coverage.md");
            return;
        }
        let checked_in = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(
            checked_in == fresh,
            "spec/coverage.md is stale; run `CLOUDSTATE_REGENERATE=1 cargo test -p cloudstate-tck --lib coverage`"
        );
    }

    #[test]
    fn every_must_has_a_case_or_is_a_known_gap() {
        let gaps: Vec<&str> = KNOWN_GAPS.iter().map(|(id, _)| *id).collect();
        let uncovered = uncovered_musts();
        let new_gaps: Vec<&&str> = uncovered.iter().filter(|id| !gaps.contains(id)).collect();
        assert!(
            new_gaps.is_empty(),
            "MUST requirements without a case: {new_gaps:?}"
        );
        let closed: Vec<&&str> = gaps.iter().filter(|id| !uncovered.contains(id)).collect();
        assert!(
            closed.is_empty(),
            "these known gaps now have a case; remove them from KNOWN_GAPS: {closed:?}"
        );
    }

    #[test]
    fn no_case_checks_a_withdrawn_requirement() {
        for (id, cases) in cases_by_requirement() {
            let withdrawn = crate::spec::requirement(id).and_then(|r| r.withdrawn.as_ref());
            assert!(
                withdrawn.is_none(),
                "{id} is withdrawn ({withdrawn:?}), but {cases:?} still check it"
            );
        }
    }

    #[test]
    fn keywords_are_read_strongest_first() {
        let requirement = |text: &str| Requirement {
            id: "X-001",
            text: text.to_owned(),
            chapter: "x.md",
            addition: false,
            withdrawn: None,
        };
        assert_eq!(requirement("A proxy MUST NOT do it.").keyword(), "MUST NOT");
        assert_eq!(requirement("It MAY, and then it MUST.").keyword(), "MUST");
        assert_eq!(requirement("It SHOULD.").keyword(), "SHOULD");
        assert_eq!(requirement("It MAY.").keyword(), "MAY");
    }
}
