//! What the protocol version a target announces means for a run of this TCK, which certifies protocol
//! 0.2: said once in the run's header and reports, and again on each failure that follows from it.

/// The note of a target that announces another protocol version than 0.2.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct VersionNote {
    /// What the version means, for the run's header and reports.
    pub text: String,
    /// The one line a failure that may follow from the version carries.
    pub short: String,
    /// The requirements whose failures follow from the version; `None` when every failure may.
    requirements: Option<&'static [&'static str]>,
}

/// What protocol 0.2 added to discovery that older user functions cannot announce: the protocol version
/// itself, and an entity's passivation strategy (so the proxy-mode cases that time a passivation cannot
/// run either).
const OLDER_MINOR: &[&str] = &[
    "DISC-005", "VE-003", "ES-003", "CRDT-002", "VE-027", "VE-028", "ES-033", "ES-034", "CRDT-046",
    "CRDT-047",
];

impl VersionNote {
    /// Whether a failure of a case that checks `requirements` may follow from the version.
    pub(crate) fn applies_to(&self, requirements: &[&str]) -> bool {
        match self.requirements {
            None => true,
            Some(affected) => requirements.iter().any(|id| affected.contains(id)),
        }
    }
}

/// The note for a target that announces protocol `major.minor`; `None` for 0.2.
pub(crate) fn version_note(major: i32, minor: i32) -> Option<VersionNote> {
    match (major, minor) {
        (0, 2) => None,
        (0, 0 | 1) => Some(VersionNote {
            text: format!(
                "the target announces protocol {major}.{minor}, older than the 0.2 this TCK certifies \
                 (0.0 is also what a library that predates the version fields announces). Such a user \
                 function cannot announce its protocol version or an entity's passivation strategy, both \
                 added to discovery by 0.2: the cases that check them fail, and the proxy-mode cases \
                 that time a passivation cannot run; each such failure says so. The rest of 0.2 it \
                 implements is certified as usual."
            ),
            short: format!(
                "note: the target announces protocol {major}.{minor}; what this case checks was added \
                 by 0.2"
            ),
            requirements: Some(OLDER_MINOR),
        }),
        (0, _) => Some(VersionNote {
            text: format!(
                "the target announces protocol {major}.{minor}, newer than the 0.2 this TCK certifies: \
                 only what 0.2 defines is checked, and a failure where a later minor version changed a \
                 rule may follow from the version."
            ),
            short: format!(
                "note: the target announces protocol {major}.{minor}; this TCK checks protocol 0.2"
            ),
            requirements: Some(&["DISC-005"]),
        }),
        _ => Some(VersionNote {
            text: format!(
                "the target announces protocol {major}.{minor}, another major version than the 0.2 this \
                 TCK certifies: its messages may differ from 0.2's, and any failure may follow from \
                 that."
            ),
            short: format!(
                "note: the target announces protocol {major}.{minor}, another major version than 0.2"
            ),
            requirements: None,
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn protocol_0_2_needs_no_note() {
        assert_eq!(version_note(0, 2), None);
    }

    #[test]
    fn older_versions_explain_passivation_and_the_version_itself() {
        let note = version_note(0, 0).expect("a note");
        assert!(note.text.contains("passivation"), "{}", note.text);
        assert!(note.applies_to(&["ES-001", "ES-003"]));
        assert!(note.applies_to(&["DISC-005"]));
        assert!(!note.applies_to(&["ES-007"]));
    }

    #[test]
    fn another_major_version_may_explain_any_failure() {
        let note = version_note(1, 0).expect("a note");
        assert!(note.applies_to(&["ES-007"]));
        assert!(
            version_note(0, 3)
                .expect("a note")
                .applies_to(&["DISC-005"])
        );
    }
}
