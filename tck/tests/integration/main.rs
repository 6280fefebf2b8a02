//! End-to-end tests of the `cloudstate-tck` binary: the command line, the SDK suite against the built-in
//! model service, and targets that misbehave.

mod architecture;
mod cli;
mod concurrency;
mod expected_failures;
mod faults;
mod hostile_targets;
mod misbehaving;
mod property;
mod proxy_durability;
mod proxy_hostile;
mod proxy_traffic;
mod raw_service;
mod real_targets;
mod replay;
mod report_html;
mod robustness;
mod sdk_suite;
mod selftest;
mod support;
