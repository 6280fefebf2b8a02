//! SDK-mode action cases: the TCK plays the proxy and drives `ActionTckModel` through the four
//! `ActionProtocol` call shapes (spec chapter `action.md`). These are cases 2 to 35 of the original
//! Cloudstate TCK, in its order.
//!
//! Each file lists its cases; this one joins the lists in run order.

mod discovery;
mod edges;
mod metadata;
mod streamed;
mod streamed_in;
mod streamed_out;
mod unary;

use crate::case::{Case, count_cases, join_cases};

/// The case lists of the files, in run order.
const GROUPS: &[&[Case]] = &[
    discovery::CASES,
    unary::CASES,
    streamed_in::CASES,
    streamed_out::CASES,
    streamed::CASES,
    metadata::CASES,
    edges::CASES,
];

/// The cases of this area, in run order.
pub(crate) static CASES: &[Case] = &join_cases::<{ count_cases(GROUPS) }>(GROUPS);
