//! SDK-mode protocol cases: what a user function does with input it did not expect (a command before the
//! init, a second init, an empty message, an unknown service or method, a payload that is not the
//! method's input, a late event, a CRDT delta of another type, a cancellation of a command that is not
//! streaming), and how it answers proxies of other protocol versions and `reportError`.
//!
//! Each file lists its cases; this one joins the lists in run order.

mod action;
mod entity;
mod entity_cases;
mod expect;
mod late_input;
mod versions;

use crate::case::{Case, count_cases, join_cases};

/// The case lists of the files, in run order.
const GROUPS: &[&[Case]] = &[
    entity_cases::CASES,
    late_input::CASES,
    action::CASES,
    versions::CASES,
];

/// The cases of this area, in run order.
pub(crate) static CASES: &[Case] = &join_cases::<{ count_cases(GROUPS) }>(GROUPS);
