//! `cloudstate-tck bench`: a load generator for any proxy that serves the TCK model, measured against a
//! plain gRPC echo server so that every result is also a ratio.
//!
//! [`run`] orchestrates a run (the built-in model, the proxy, the echo server, each phase); [`load`] sends
//! the requests; [`echo`] is the baseline server; [`stats`] turns latencies into percentiles; [`memory`]
//! reads the proxy's resident memory; [`report`] renders the results as a table and JSON.

pub mod echo;
pub mod load;
pub mod memory;
pub mod proxy;
pub mod report;
pub mod run;
pub mod stats;
