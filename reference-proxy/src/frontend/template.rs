//! Path templates of `google.api.http` rules: parsing and matching.
//!
//! Grammar (from `google/api/http.proto`):
//!
//! ```text
//! Template = "/" Segments [ Verb ] ;
//! Segments = Segment { "/" Segment } ;
//! Segment  = "*" | "**" | LITERAL | Variable ;
//! Variable = "{" FieldPath [ "=" Segments ] "}" ;
//! FieldPath = IDENT { "." IDENT } ;
//! Verb     = ":" LITERAL ;
//! ```
//!
//! `{field}` is short for `{field=*}`. `**` may only be the last segment. A `*` matches one segment
//! (possibly empty), `**` the rest of the path. Captured values are percent-decoded; a multi-segment
//! value keeps its `/` separators.

/// What one template segment matches.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Matcher {
    Literal(String),
    Single,
    Multi,
}

/// One segment, and the variable it belongs to.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Segment {
    matcher: Matcher,
    variable: Option<usize>,
}

/// A parsed path template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct PathTemplate {
    segments: Vec<Segment>,
    verb: Option<String>,
    variables: Vec<Vec<String>>,
}

impl PathTemplate {
    /// Parses a template; the error says what is wrong with it.
    pub(super) fn parse(template: &str) -> Result<PathTemplate, String> {
        let rest = template
            .strip_prefix('/')
            .ok_or_else(|| format!("path template `{template}` must start with `/`"))?;
        let (path, verb) = split_verb(rest);
        let mut parsed = PathTemplate {
            segments: Vec::new(),
            verb: verb.map(str::to_owned),
            variables: Vec::new(),
        };
        let mut chars = path;
        loop {
            if let Some(inner) = chars.strip_prefix('{') {
                let end = inner
                    .find('}')
                    .ok_or_else(|| format!("unclosed `{{` in path template `{template}`"))?;
                let (field_path, pattern) = match inner[..end].split_once('=') {
                    Some((field_path, pattern)) => (field_path, pattern),
                    None => (&inner[..end], "*"),
                };
                let fields: Vec<String> = field_path.split('.').map(str::to_owned).collect();
                if fields.iter().any(|f| {
                    f.is_empty() || !f.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
                }) {
                    return Err(format!(
                        "bad variable `{field_path}` in path template `{template}`"
                    ));
                }
                let index = parsed.variables.len();
                parsed.variables.push(fields);
                for part in pattern.split('/') {
                    parsed.segments.push(Segment {
                        matcher: matcher(part, template)?,
                        variable: Some(index),
                    });
                }
                chars = &inner[end + 1..];
            } else {
                let end = chars.find('/').unwrap_or(chars.len());
                parsed.segments.push(Segment {
                    matcher: matcher(&chars[..end], template)?,
                    variable: None,
                });
                chars = &chars[end..];
            }
            match chars.strip_prefix('/') {
                Some(next) => chars = next,
                None if chars.is_empty() => break,
                None => {
                    return Err(format!(
                        "expected `/` at `{chars}` in path template `{template}`"
                    ));
                }
            }
        }
        let last = parsed.segments.len().saturating_sub(1);
        if parsed
            .segments
            .iter()
            .enumerate()
            .any(|(i, s)| s.matcher == Matcher::Multi && i != last)
        {
            return Err(format!(
                "`**` must be the last segment of path template `{template}`"
            ));
        }
        Ok(parsed)
    }

    /// The field path of each variable, by variable index.
    pub(super) fn variables(&self) -> &[Vec<String>] {
        &self.variables
    }

    /// Matches a request path (without its query). `None` if it does not match; otherwise each
    /// variable's percent-decoded value, by variable index, or why a value cannot be decoded.
    pub(super) fn matches(&self, path: &str) -> Option<Result<Vec<String>, String>> {
        let mut rest = path.strip_prefix('/')?;
        if let Some(verb) = &self.verb {
            rest = rest.strip_suffix(verb.as_str())?.strip_suffix(':')?;
        }
        let parts: Vec<&str> = rest.split('/').collect();
        let mut captured: Vec<Vec<&str>> = vec![Vec::new(); self.variables.len()];
        let mut position = 0;
        for segment in &self.segments {
            let taken: &[&str] = match &segment.matcher {
                Matcher::Literal(literal) => (parts.get(position) == Some(&literal.as_str()))
                    .then(|| &parts[position..=position])?,
                Matcher::Single => parts.get(position..=position)?,
                Matcher::Multi => parts.get(position..)?,
            };
            position += taken.len();
            if let Some(index) = segment.variable {
                captured[index].extend_from_slice(taken);
            }
        }
        if position != parts.len() {
            return None;
        }
        Some(
            captured
                .into_iter()
                .map(|parts| percent_decode(&parts.join("/"), false))
                .collect(),
        )
    }
}

/// Splits `path:verb`; the verb is after the last `:` that follows the last `/` and `}`.
fn split_verb(path: &str) -> (&str, Option<&str>) {
    let tail_start = path.rfind(['/', '}']).map_or(0, |i| i + 1);
    match path[tail_start..].rfind(':') {
        Some(colon) => (
            &path[..tail_start + colon],
            Some(&path[tail_start + colon + 1..]),
        ),
        None => (path, None),
    }
}

fn matcher(part: &str, template: &str) -> Result<Matcher, String> {
    match part {
        "*" => Ok(Matcher::Single),
        "**" => Ok(Matcher::Multi),
        "" => Err(format!("empty segment in path template `{template}`")),
        literal if literal.contains(['{', '}', '*', '=']) => Err(format!(
            "bad segment `{literal}` in path template `{template}`"
        )),
        literal => Ok(Matcher::Literal(literal.to_owned())),
    }
}

/// Decodes `%XX` escapes (and `+` as a space in query strings) into UTF-8 text.
pub(super) fn percent_decode(text: &str, plus_as_space: bool) -> Result<String, String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' => {
                let hex = bytes
                    .get(i + 1..i + 3)
                    .filter(|h| h.iter().all(u8::is_ascii_hexdigit))
                    .and_then(|h| std::str::from_utf8(h).ok());
                let byte = hex.and_then(|h| u8::from_str_radix(h, 16).ok());
                out.push(byte.ok_or_else(|| format!("bad percent-encoding in `{text}`"))?);
                i += 3;
            }
            b'+' if plus_as_space => {
                out.push(b' ');
                i += 1;
            }
            other => {
                out.push(other);
                i += 1;
            }
        }
    }
    String::from_utf8(out).map_err(|_| format!("`{text}` does not decode to UTF-8 text"))
}

#[cfg(test)]
mod tests {
    use super::{PathTemplate, percent_decode};

    fn values(template: &str, path: &str) -> Option<Vec<String>> {
        PathTemplate::parse(template)
            .unwrap()
            .matches(path)
            .map(|r| r.unwrap())
    }

    #[test]
    fn simple_variables_match_one_segment() {
        assert_eq!(
            values("/tck/model/entity/{id}", "/tck/model/entity/e-1"),
            Some(vec!["e-1".to_owned()])
        );
        assert_eq!(
            values("/tck/model/entity/{id}", "/tck/model/entity/a%2Fb"),
            Some(vec!["a/b".to_owned()])
        );
        assert_eq!(
            values("/tck/model/entity/{id}", "/tck/model/entity/a/b"),
            None
        );
        assert_eq!(values("/tck/model/entity/{id}", "/tck/model/other/a"), None);
        assert_eq!(values("/a", "/a"), Some(vec![]));
        assert_eq!(values("/a", "/a/b"), None);
    }

    #[test]
    fn nested_patterns_verbs_and_wildcards() {
        let template = PathTemplate::parse("/v1/{name=shelves/*/books/**}:get").unwrap();
        assert_eq!(template.variables(), &[vec!["name".to_owned()]]);
        assert_eq!(
            values(
                "/v1/{name=shelves/*/books/**}:get",
                "/v1/shelves/1/books/2/3:get"
            ),
            Some(vec!["shelves/1/books/2/3".to_owned()])
        );
        assert_eq!(
            values("/v1/{name=shelves/*/books/**}:get", "/v1/shelves/1/books/2"),
            None
        );
        assert_eq!(values("/v1/{a.b}/*", "/v1/x/y"), Some(vec!["x".to_owned()]));
        assert_eq!(
            PathTemplate::parse("/v1/{a.b}").unwrap().variables(),
            &[vec!["a".to_owned(), "b".to_owned()]]
        );
    }

    #[test]
    fn bad_templates_are_rejected() {
        for bad in [
            "v1",
            "/v1/{id",
            "/v1/**/x",
            "/v1//x",
            "/v1/{}",
            "/v1/a*b",
            "/v1/{id}x",
        ] {
            assert!(PathTemplate::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn percent_decoding() {
        assert_eq!(percent_decode("a%20b+c", true).unwrap(), "a b c");
        assert_eq!(percent_decode("a+c", false).unwrap(), "a+c");
        assert!(percent_decode("%zz", false).is_err());
        assert!(percent_decode("%+1", false).is_err());
        assert!(percent_decode("%4", false).is_err());
        assert!(percent_decode("%ff", false).is_err());
    }
}
