//! `cloudstate-tck report`: read a JSON report back, render its certification page, and compare it
//! with an earlier run.

use std::path::Path;

use super::args::ReportArgs;
use crate::error::TckError;
use crate::exit;
use crate::report::{Comparison, ReportDocument, overview, write_html};
use crate::stdout::{out, outln};

/// Runs `report`; returns the exit code (0 unless a file cannot be read or written).
pub(super) fn run(args: &ReportArgs) -> Result<u8, TckError> {
    let document = load(&args.file)?;
    let comparison = match &args.compare {
        Some(path) => Some(Comparison::between(
            path.display().to_string(),
            &load(path)?,
            &document,
        )),
        None => None,
    };
    match &comparison {
        Some(comparison) => out!("{}", comparison.to_text()),
        None => out!("{}", overview(&document, &args.file, args.html.is_none())),
    }
    if let Some(path) = &args.html {
        write_html(path, &document, comparison.as_ref())?;
        outln!("wrote the certification page to {}", path.display());
    }
    Ok(exit::OK)
}

fn load(path: &Path) -> Result<ReportDocument, TckError> {
    ReportDocument::load(path).map_err(|error| TckError::BadArguments(error.to_string()))
}
