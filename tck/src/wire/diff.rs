//! Unified diffs of rendered messages.

use similar::TextDiff;

/// A unified diff from `expected` to `actual`, line by line, with three lines of context.
pub(crate) fn unified_diff(expected: &str, actual: &str) -> String {
    let expected = with_final_newline(expected);
    let actual = with_final_newline(actual);
    TextDiff::from_lines(&expected, &actual)
        .unified_diff()
        .context_radius(3)
        .header("expected", "actual")
        .to_string()
}

fn with_final_newline(text: &str) -> String {
    if text.ends_with('\n') {
        text.to_owned()
    } else {
        format!("{text}\n")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn diff_marks_changed_lines() {
        let diff = unified_diff("{\n  \"message\": \"A\"\n}", "{\n  \"message\": \"B\"\n}");
        assert!(diff.contains("--- expected"), "{diff}");
        assert!(diff.contains("-  \"message\": \"A\""), "{diff}");
        assert!(diff.contains("+  \"message\": \"B\""), "{diff}");
    }
}
