//! SDK-mode value-entity cases: the TCK plays the proxy on `ValueEntity.handle` against the value-entity
//! TCK model (cases 36 to 54 of the original TCK).
//!
//! Each file lists its cases; this one joins the lists in run order.

mod discovery;
mod edges;
mod effects;
mod failures;
mod metadata;
mod state;
mod support;

use crate::case::{Case, count_cases, join_cases};

/// The case lists of the files, in run order.
const GROUPS: &[&[Case]] = &[
    discovery::CASES,
    state::CASES,
    effects::CASES,
    failures::CASES,
    metadata::CASES,
    edges::CASES,
];

/// The cases of this area, in run order.
pub(crate) static CASES: &[Case] = &join_cases::<{ count_cases(GROUPS) }>(GROUPS);
