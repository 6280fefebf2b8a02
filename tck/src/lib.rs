//! Conformance test kit for Cloudstate protocol 0.2.
//!
//! The TCK certifies SDKs (it plays the proxy and drives a user function through every protocol
//! exchange) and proxies (it plays the client and the user function, and sees all traffic between them).
//! Cases are data (`case`), gathered by area in one catalog (`cases`); the runner (`run`) emits events
//! that reporters (`report`) turn into console output, JUnit XML and JSON. `ARCHITECTURE.md` at the
//! repository's root maps every module.
//!
//! The library is the binary's: its public surface is [`main`], and what the integration tests need to
//! serve the built-in model in-process, read a transcript, and talk to targets the way the TCK does.

#![forbid(unsafe_code)]

mod bench;
mod case;
mod cases;
mod cli;
#[cfg(test)]
mod coverage;
mod error;
mod exit;
mod harness;
mod kill_matrix;
mod messages;
mod model;
mod property;
mod proxy;
mod record;
mod report;
mod run;
mod sdk;
mod session;
mod spec;
mod stdout;
mod wire;

pub use cli::main;
pub use model::{Fault as ModelFault, ModelOptions, entity_spec, serve_model};
pub use record::Transcript;
pub use report::PASSING_ENTRIES;
pub use session::{HttpResponse, http_get};
