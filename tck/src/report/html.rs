//! The certification page: one self-contained HTML file (styles and script inline, no network access
//! needed to view it) that shows who was certified, a matrix of areas by mode, and every case with its
//! requirements, diff and wire trace.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use super::compare::Comparison;
use super::model::ReportDocument;
use super::recorder::{ReportWriter, write_report_file};
use crate::run::ReportError;

/// Writes the certification page.
///
/// The page is rendered from the report model, the same that `cloudstate-tck report FILE.json --html`
/// reads back from a JSON report, so a live run and a rendered report look the same.
#[derive(Debug)]
pub(crate) struct HtmlWriter {
    path: PathBuf,
}

impl HtmlWriter {
    /// A writer to `path`, creating its parent directories.
    pub(crate) fn new(path: impl Into<PathBuf>) -> Self {
        HtmlWriter { path: path.into() }
    }
}

impl ReportWriter for HtmlWriter {
    fn kind(&self) -> &'static str {
        "HTML"
    }

    fn path(&self) -> &Path {
        &self.path
    }

    fn write(&self, document: &ReportDocument) -> Result<(), ReportError> {
        write_html(&self.path, document, None)
    }
}

/// Renders the certification page of a run, with what changed since a baseline run when given.
pub(crate) fn render_html(document: &ReportDocument, comparison: Option<&Comparison>) -> String {
    super::html_render::page(document, comparison)
}

/// Renders the page and writes it to `path`, creating its parent directories.
pub(crate) fn write_html(
    path: &Path,
    document: &ReportDocument,
    comparison: Option<&Comparison>,
) -> Result<(), ReportError> {
    write_report_file("HTML", path, render_html(document, comparison).as_bytes())
}

/// Appends `text` to `out` with every character that means something in HTML escaped, so that text
/// from the target can never become markup, in element content and in quoted attribute values alike.
pub(super) fn push_escaped(out: &mut String, text: &str) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            // Control characters other than tab and newline are not allowed in HTML text.
            c if c.is_control() && c != '\n' && c != '\t' => {
                let _ = write!(out, "\\u{{{:04x}}}", u32::from(c));
            }
            c => out.push(c),
        }
    }
}

/// Appends `text` to `out` as element content: `&`, `<` and `>` escaped (enough for text between tags,
/// where quotes mean nothing; lighter than [`push_escaped`] for traces full of JSON), and control
/// characters shown as escapes. Never use it inside an attribute value.
pub(super) fn push_content(out: &mut String, text: &str) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            c if c.is_control() && c != '\n' && c != '\t' => {
                let _ = write!(out, "\\u{{{:04x}}}", u32::from(c));
            }
            c => out.push(c),
        }
    }
}

/// `text`, escaped for HTML.
pub(super) fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    push_escaped(&mut out, text);
    out
}

/// A value for an `id` attribute or a URL fragment: letters, digits, `.`, `_` and `-` are kept, anything
/// else becomes `-`.
pub(super) fn anchor(text: &str) -> String {
    text.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-') {
                c
            } else {
                '-'
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::{anchor, escape};

    #[test]
    fn escaping_leaves_no_markup() {
        assert_eq!(
            escape(r#"<script>alert('x')</script> & "q""#),
            "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;q&quot;"
        );
        assert_eq!(escape("a\u{0}b\tc\n"), "a\\u{0000}b\tc\n");
        assert_eq!(anchor("crdt.sdk.x_1\"><b>"), "crdt.sdk.x_1---b-");
    }
}
