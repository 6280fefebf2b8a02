//! Property-generated scenarios: proptest strategies over the TCK model's requests, an oracle of what a
//! conforming user function answers, and the runner that runs many generated scenarios per case,
//! shrinking the first failing scenario of each kind (up to three) and printing how to rerun it
//! (`--seed`, `--scenarios`). This is the engine; the property cases, with their area's scenarios and
//! wire code, are in `crate::cases`.

pub(crate) mod counterexample;
pub(crate) mod oracle;
pub(crate) mod proxy;
mod rerun;
pub(crate) mod runner;
mod source;
pub(crate) mod strategy;

pub(crate) use crate::case::DEFAULT_SCENARIOS;
