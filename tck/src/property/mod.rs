//! Property-generated scenarios: proptest strategies over the TCK model's requests, an oracle of what a
//! conforming user function answers, and cases that run many generated scenarios each, shrinking the
//! first failing scenario of each kind (up to three) and printing how to rerun it (`--seed`,
//! `--scenarios`).

mod action;
mod counterexample;
mod crdt;
mod event_sourced;
mod oracle;
mod proxy;
mod rerun;
mod runner;
mod source;
mod strategy;
mod value_entity;

pub use crate::case::DEFAULT_SCENARIOS;
pub(crate) use action::SDK_CASES as ACTION_CASES;
pub(crate) use crdt::PROXY_CASES as CRDT_PROXY_CASES;
pub(crate) use crdt::SDK_CASES as CRDT_CASES;
pub(crate) use event_sourced::CASES as EVENT_SOURCED_CASES;
pub(crate) use event_sourced::PROXY_CASES as EVENT_SOURCED_PROXY_CASES;
pub use runner::MIN_SCENARIOS;
pub(crate) use value_entity::CASES as VALUE_ENTITY_CASES;
pub(crate) use value_entity::PROXY_CASES as VALUE_ENTITY_PROXY_CASES;
