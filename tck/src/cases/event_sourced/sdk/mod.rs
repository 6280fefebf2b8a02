//! SDK-mode event-sourced cases: the TCK plays the proxy on `EventSourced.handle` against the
//! event-sourced TCK model (cases 55 to 75 of the original TCK).
//!
//! Each file lists its cases; this one joins the lists in run order.

mod discovery;
mod edges;
mod effects;
mod events;
mod failures;
mod metadata;
mod rehydration;
#[cfg(test)]
mod restart_tests;
mod snapshots;

use crate::case::{Case, count_cases, join_cases};

/// The case lists of the files, in run order.
const GROUPS: &[&[Case]] = &[
    discovery::CASES,
    events::CASES,
    snapshots::CASES,
    rehydration::CASES,
    effects::CASES,
    failures::CASES,
    metadata::CASES,
    edges::CASES,
];

/// The cases of this area, in run order.
pub(crate) static CASES: &[Case] = &join_cases::<{ count_cases(GROUPS) }>(GROUPS);
