//! SDK-mode CRDT cases: the TCK plays the proxy on `Crdt.handle` against the CRDT TCK model (cases 76
//! to 157 of the original TCK).
//!
//! Entity ids are `<CrdtType>-<n>`, which makes the model pick the CRDT type from the id. Deltas from the
//! user function are compared with the elements of sets and the entries of maps sorted, since their order
//! carries no meaning. Each file lists its cases; this one joins the lists in run order.

mod counters;
mod discovery;
mod edges;
mod effects;
mod flag;
mod gset;
mod metadata;
mod ormap;
mod ormap_mix;
mod orset;
mod register;
mod streamed;
mod support;
mod vote;

use crate::case::{Case, count_cases, join_cases};

/// The case lists of the files, in run order.
const GROUPS: &[&[Case]] = &[
    discovery::CASES,
    counters::CASES,
    gset::CASES,
    orset::CASES,
    register::CASES,
    flag::CASES,
    ormap::CASES,
    vote::CASES,
    effects::CASES,
    streamed::CASES,
    metadata::CASES,
    edges::CASES,
];

/// The cases of this area, in run order.
pub(crate) static CASES: &[Case] = &join_cases::<{ count_cases(GROUPS) }>(GROUPS);
