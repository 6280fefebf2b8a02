//! Property-generated scenarios: proptest strategies over the TCK model's requests, an oracle of what a
//! conforming user function answers, and cases that run many generated scenarios each, shrinking the
//! first that fails and printing how to rerun it (`--seed`, `--scenarios`).

mod event_sourced;
mod oracle;
mod runner;
mod strategy;
mod value_entity;

pub(crate) use event_sourced::CASES as EVENT_SOURCED_CASES;
pub use runner::{DEFAULT_SCENARIOS, configure, run_seed, scenarios};
pub(crate) use value_entity::CASES as VALUE_ENTITY_CASES;
