//! Conformance test kit for Cloudstate protocol 0.2.
//!
//! The TCK certifies SDKs (it plays the proxy and drives a user function through every protocol
//! exchange) and proxies (it plays the client and the user function, and sees all traffic between them).
//! Cases are data ([`case`]), gathered by area in one catalog ([`cases`]); the runner ([`run`]) emits
//! events that reporters ([`report`]) turn into console output, JUnit XML and JSON.

#![forbid(unsafe_code)]

pub mod bench;
pub mod case;
pub mod cases;
pub mod cli;
pub mod coverage;
pub mod error;
pub mod exit;
mod harness;
pub mod kill_matrix;
pub mod messages;
pub mod model;
pub mod property;
pub mod proxy;
pub mod record;
pub mod report;
pub mod run;
pub mod sdk;
pub mod session;
pub mod spec;
mod stdout;
pub mod wire;
