//! SDK-mode eventing cases: the TCK plays the proxy against the eventing model, asking its entities to
//! emit events and delivering events to its subscriber as a proxy would (spec chapter `eventing.md`, its
//! model section).
//!
//! Each file lists its cases; this one joins the lists in run order.

mod discovery;
mod emitters;
mod subscriber;
mod support;

use crate::case::{Case, count_cases, join_cases};

/// The case lists of the files, in run order.
const GROUPS: &[&[Case]] = &[discovery::CASES, emitters::CASES, subscriber::CASES];

/// The cases of this area, in run order.
pub(crate) static CASES: &[Case] = &join_cases::<{ count_cases(GROUPS) }>(GROUPS);
