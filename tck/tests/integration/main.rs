//! End-to-end tests of the `cloudstate-tck` binary: the command line, the SDK suite against the built-in
//! model service, and targets that misbehave.

mod cli;
mod misbehaving;
mod sdk_suite;
mod support;
