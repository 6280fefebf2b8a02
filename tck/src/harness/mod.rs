//! What a command runs: a prepared run (cases, options, reporters), the targets it starts or reaches
//! through `session/`, the discovery gate, and the runner that the cases are handed to. The command line
//! only parses its arguments and calls in here.

mod bench;
mod model;
mod prepared;
mod proxy;
mod replay;
mod sdk;
mod selftest;
mod serve;

pub(crate) use bench::run_bench;
pub(crate) use model::{InProcessModel, start_model};
pub(crate) use prepared::{Prepared, clock_seed};
pub(crate) use proxy::{
    ProxyRunOptions, ProxyTarget, proxy_suite_on, run_proxy_suite, session_lanes, start_sessions,
    stop_sessions,
};
pub(crate) use replay::run_replay;
pub(crate) use sdk::{SdkTargetOptions, connect_error, gate, run_sdk_suite};
pub(crate) use selftest::{REFERENCE_RELAY_TIMEOUT, SelftestOptions, run_selftest};
pub(crate) use serve::serve_model_until_stopped;
