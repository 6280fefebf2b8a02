//! Fault injection: proving that every case can fail.
//!
//! `cloudstate-tck faults` runs the SDK suite against the built-in model under each of its deliberate
//! faults ([`Fault`](crate::model::Fault)), and the proxy suite against a proxy under each of its own, and
//! builds the kill matrix: which cases failed under which fault, which faults no case caught, and which
//! cases no fault made fail.

mod command;
pub(crate) mod matrix;
mod proxy;
pub(crate) mod report;
pub(crate) mod run;
pub(crate) mod sdk;

pub(crate) use command::{MatrixArgs, run_fault_matrix};
pub(crate) use sdk::{MATRIX_CASE_JOBS, MATRIX_PROXY_JOBS, MATRIX_SCENARIOS, default_jobs};
