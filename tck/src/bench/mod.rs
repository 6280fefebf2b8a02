//! `cloudstate-tck bench`: a load generator for any proxy that serves the TCK model, measured against a
//! plain gRPC echo server so that every result is also a ratio.
//!
//! [`run`] orchestrates a run (the built-in model, the proxy, the echo server, each phase); [`load`] sends
//! the requests; [`echo`] is the baseline server; [`stats`] turns latencies into percentiles; [`memory`]
//! reads the proxy's resident memory; [`report`] renders the results as a table and JSON.

pub(crate) mod echo;
pub(crate) mod load;
pub(crate) mod memory;
pub(crate) mod proxy;
pub(crate) mod report;
pub(crate) mod run;
pub(crate) mod stats;
