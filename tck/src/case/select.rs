//! Which cases a run takes: `--select` and `--skip` globs over case IDs.

use globset::{Glob, GlobSet, GlobSetBuilder};

use super::{Case, Mode};

/// A bad glob on the command line.
#[derive(Debug, thiserror::Error)]
#[error("invalid glob `{glob}`: {source}")]
pub(crate) struct SelectionError {
    glob: String,
    #[source]
    source: globset::Error,
}

/// A compiled selection.
#[derive(Debug, Clone)]
pub(crate) struct Selection {
    select: Option<GlobSet>,
    skip: GlobSet,
}

impl Selection {
    /// Builds a selection: a case is taken when it matches any `select` glob (or there are none) and no
    /// `skip` glob.
    pub(crate) fn new(select: &[String], skip: &[String]) -> Result<Self, SelectionError> {
        let select = if select.is_empty() {
            None
        } else {
            Some(compile(select)?)
        };
        Ok(Selection {
            select,
            skip: compile(skip)?,
        })
    }

    /// Whether this ID is taken.
    pub(crate) fn matches(&self, id: &str) -> bool {
        self.select.as_ref().is_none_or(|set| set.is_match(id)) && !self.skip.is_match(id)
    }

    /// The cases of `mode` that this selection takes, in registry order.
    pub(crate) fn apply(&self, cases: &[&'static Case], mode: Mode) -> Vec<&'static Case> {
        cases
            .iter()
            .copied()
            .filter(|case| case.info.mode() == mode && self.matches(case.info.id))
            .collect()
    }
}

fn compile(globs: &[String]) -> Result<GlobSet, SelectionError> {
    let mut builder = GlobSetBuilder::new();
    for glob in globs {
        let compiled = Glob::new(glob).map_err(|source| SelectionError {
            glob: glob.clone(),
            source,
        })?;
        builder.add(compiled);
    }
    builder.build().map_err(|source| SelectionError {
        glob: globs.join(" "),
        source,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strings(items: &[&str]) -> Vec<String> {
        items.iter().map(|s| (*s).to_owned()).collect()
    }

    #[test]
    fn select_and_skip_combine() {
        let selection = Selection::new(
            &strings(&["event_sourced.*", "action.sdk.unary_*"]),
            &strings(&["*snapshot*"]),
        )
        .expect("valid globs");
        assert!(selection.matches("event_sourced.sdk.initial_empty_state"));
        assert!(!selection.matches("event_sourced.sdk.initial_snapshot"));
        assert!(selection.matches("action.sdk.unary_command_reply"));
        assert!(!selection.matches("action.sdk.streamed_in_command_reply"));
    }

    #[test]
    fn no_select_means_everything_not_skipped() {
        let selection = Selection::new(&[], &strings(&["crdt.*"])).expect("valid globs");
        assert!(selection.matches("action.sdk.x"));
        assert!(!selection.matches("crdt.sdk.x"));
    }

    #[test]
    fn a_bad_glob_is_an_error() {
        let error = Selection::new(&strings(&["action.[sdk"]), &[]).expect_err("unclosed class");
        assert!(error.to_string().contains("action.[sdk"), "{error}");
    }
}
