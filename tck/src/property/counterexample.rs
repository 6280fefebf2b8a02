//! Counterexamples of a property: what kind of failure each is, and how the case reports them.
//!
//! A property keeps looking after its first failing scenario, so that a target with several independent
//! bugs shows them in one run. Two failures are of the same kind when they differ from what was expected
//! at the same place: the first line where the expected and the actual answer differ (or, without them,
//! the message) is equal once numbers and quoted text are blanked out (entity ids, command ids and values
//! vary from one scenario to the next; what went wrong does not).

use std::fmt::Display;

use super::rerun::rerun_command;
use crate::case::CaseFailure;

/// The most counterexamples a property case shows.
pub(crate) const MAX_COUNTEREXAMPLES: usize = 3;

/// What a failure is about, with the details that vary between scenarios blanked out: for a mismatch,
/// the first line where the expected and the actual answer differ (the same wrong field found by two
/// different checks is one bug); otherwise the first line of the message.
pub(crate) fn kind_of(failure: &CaseFailure) -> String {
    let first_difference = match (&failure.expected, &failure.actual) {
        (Some(expected), Some(actual)) => expected
            .lines()
            .chain(std::iter::repeat(""))
            .zip(actual.lines().chain(std::iter::repeat("")))
            .take(expected.lines().count().max(actual.lines().count()))
            .find(|(want, got)| want != got)
            .map(|(want, got)| format!("{} / {}", blank(want), blank(got))),
        _ => None,
    };
    let about = first_difference
        .unwrap_or_else(|| blank(failure.message.lines().next().unwrap_or_default()));
    format!("{:?}: {about}", failure.kind)
}

/// `text` with every run of digits as `#` and every quoted part (`"…"`, `` `…` ``) as `"…"`.
fn blank(text: &str) -> String {
    let mut blanked = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '0'..='9' => {
                while chars.peek().is_some_and(char::is_ascii_digit) {
                    chars.next();
                }
                blanked.push('#');
            }
            '"' | '`' => {
                for inner in chars.by_ref() {
                    if inner == c {
                        break;
                    }
                }
                blanked.push_str("\"…\"");
            }
            other => blanked.push(other),
        }
    }
    blanked.trim().to_owned()
}

/// One shrunk counterexample: which scenario it was, what it shrank to, and how it failed.
pub(crate) struct Counterexample<V> {
    /// The scenario's place in the run, from 0.
    pub(crate) index: u64,
    /// The shrunk scenario.
    pub(crate) scenario: V,
    /// The shrunk scenario's own failure.
    pub(crate) failure: CaseFailure,
    /// How many shrinking steps it took.
    pub(crate) steps: u32,
}

/// The case failure: every counterexample, shrunk, with the command that reruns the scenarios up to it.
/// The first counterexample's expected and actual answers are the case's; the others' are in the text.
pub(crate) fn report<V: Display>(
    case_id: &str,
    seed: u64,
    ran: u64,
    count: u64,
    found: Vec<Counterexample<V>>,
) -> CaseFailure {
    let total = found.len();
    let mut message = if total == 1 {
        String::new()
    } else {
        format!(
            "property failed with {total} kinds of counterexample in {ran} of {count} scenarios \
             (seed {seed}):\n\n"
        )
    };
    let mut first = None;
    for (number, example) in found.into_iter().enumerate() {
        let header = if total == 1 {
            format!(
                "property failed on scenario {} of {count}",
                example.index + 1
            )
        } else {
            format!(
                "counterexample {} of {total}: scenario {}",
                number + 1,
                example.index + 1
            )
        };
        message.push_str(&format!(
            "{header} (seed {seed}); shrunk in {} step(s) to:\n{}failure: {}\n",
            example.steps, example.scenario, example.failure.message
        ));
        if number > 0 {
            for (label, text) in [
                ("expected", &example.failure.expected),
                ("actual", &example.failure.actual),
            ] {
                if let Some(text) = text {
                    message.push_str(&format!("{label}: {text}\n"));
                }
            }
        }
        message.push_str(&format!(
            "rerun: {}\n",
            rerun_command(case_id, seed, example.index + 1)
        ));
        if number + 1 < total {
            message.push('\n');
        }
        first.get_or_insert(example.failure);
    }
    let message = message.trim_end().to_owned();
    match first {
        Some(failure) => CaseFailure { message, ..failure },
        None => CaseFailure::error(message),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_and_quoted_values_do_not_make_a_new_kind() {
        let one = CaseFailure::mismatch(
            "command 3 on entity \"e-1\" differs",
            "removed: [\"a\"]\ncleared: false".to_owned(),
            "removed: [\"a\"]\ncleared: true".to_owned(),
        );
        let two = CaseFailure::mismatch(
            "command 17 on entity \"e-9\" differs",
            "removed: [\"xyz\"]\ncleared: false".to_owned(),
            "removed: [\"xyz\"]\ncleared: true".to_owned(),
        );
        assert_eq!(kind_of(&one), kind_of(&two));
        let other = CaseFailure::mismatch(
            "command 3 on entity \"e-1\" differs",
            "removed: [\"a\"]".to_owned(),
            "added: [\"a\"]".to_owned(),
        );
        assert_ne!(kind_of(&one), kind_of(&other));
        let found_elsewhere = CaseFailure::mismatch(
            "another check saw it",
            "removed: [\"b\"]\ncleared: false".to_owned(),
            "removed: [\"b\"]\ncleared: true".to_owned(),
        );
        assert_eq!(kind_of(&one), kind_of(&found_elsewhere));
        let longer = CaseFailure::mismatch("x", "a".to_owned(), "a\nb".to_owned());
        assert_ne!(kind_of(&longer), kind_of(&CaseFailure::fail("x")));
        assert_ne!(
            kind_of(&CaseFailure::fail("a")),
            kind_of(&CaseFailure::error("a"))
        );
    }

    #[test]
    fn every_counterexample_has_its_rerun_line() {
        let found = vec![
            Counterexample {
                index: 3,
                scenario: "one\n",
                failure: CaseFailure::mismatch("first", "x".into(), "y".into()),
                steps: 2,
            },
            Counterexample {
                index: 40,
                scenario: "two\n",
                failure: CaseFailure::mismatch("second", "p".into(), "q".into()),
                steps: 5,
            },
        ];
        let failure = report("a.sdk.property", 7, 100, 100, found);
        assert!(failure.message.starts_with("property failed with 2 kinds"));
        assert!(
            failure
                .message
                .contains("counterexample 2 of 2: scenario 41")
        );
        assert!(failure.message.contains("--seed 7 --scenarios 4"));
        assert!(failure.message.contains("--seed 7 --scenarios 41"));
        assert!(failure.message.contains("expected: p\nactual: q"));
        assert_eq!(failure.expected.as_deref(), Some("x"));
    }
}
