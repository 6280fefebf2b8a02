//! Proxy mode: the TCK plays the client of a proxy and, through its interceptor, the user function
//! behind it, so that it sees both what clients get and every protocol message.

mod action;
mod control;
mod crdt;
mod cx;
mod discovery;
mod event_sourced;
mod eventing;
mod executor;
mod frontend;
mod intercept;
mod journal;
mod lifecycle;
mod raw;
mod reflection;
mod robustness;
mod traffic;
mod value_entity;

pub use control::{Held, InterceptControl, Intervention};
pub use cx::{ProxyCx, StartupDiscovery};
pub use executor::{ProxyExecutor, QUIET_AFTER_CASE};
pub use intercept::Interceptor;
pub use journal::Journal;
pub use raw::RawCodec;
pub use traffic::{CallEvent, CallProbe, RecordedCall, Traffic};

use crate::case::Case;

/// The proxy-mode cases, one group per area, in run order.
pub static CASE_GROUPS: &[&[Case]] = &[
    discovery::CASES,
    action::CASES,
    value_entity::CASES,
    event_sourced::CASES,
    crdt::CASES,
    reflection::CASES,
    eventing::CASES,
    frontend::CASES,
    robustness::CASES,
    lifecycle::CASES,
    crate::property::VALUE_ENTITY_PROXY_CASES,
    crate::property::EVENT_SOURCED_PROXY_CASES,
    crate::property::CRDT_PROXY_CASES,
];
