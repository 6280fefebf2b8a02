//! The catalog: every case the TCK runs, one folder (or file) per area of the case IDs
//! (`<area>.<mode>.<name>`), each holding that area's cases of every mode and the helpers only they use.
//! The engines that run them (`sdk`, `proxy`, `property`) know no case.
//!
//! The groups below are the run order: by mode, then in the order the cases were added, which
//! interleaves the areas; reports and `cloudstate-tck list` show the cases in this order.

pub(crate) mod action;
mod catalog;
pub(crate) mod crdt;
pub(crate) mod discovery;
pub(crate) mod event_sourced;
pub(crate) mod eventing;
pub(crate) mod http;
pub(crate) mod protocol;
pub(crate) mod reflection;
#[cfg(test)]
mod seeds_tests;
pub(crate) mod shared;
pub(crate) mod value_entity;

pub(crate) use catalog::{all_cases, find_case};

use crate::case::Case;

/// The SDK-mode cases, group by group, in run order.
pub(crate) static SDK_GROUPS: &[&[Case]] = &[
    discovery::sdk::CASES,
    action::sdk::CASES,
    value_entity::sdk::CASES,
    event_sourced::sdk::CASES,
    crdt::sdk::CASES,
    protocol::sdk::CASES,
    eventing::sdk::CASES,
    event_sourced::property::CASES,
    value_entity::property::CASES,
    crdt::property::SDK_CASES,
    action::property::SDK_CASES,
];

/// The proxy-mode cases, group by group, in run order.
pub(crate) static PROXY_GROUPS: &[&[Case]] = &[
    discovery::proxy::CASES,
    action::proxy::CASES,
    value_entity::proxy::CASES,
    event_sourced::proxy::CASES,
    crdt::proxy::CASES,
    reflection::CASES,
    eventing::proxy::CASES,
    protocol::proxy::frontend::UNKNOWN_METHOD_CASES,
    http::CASES,
    protocol::proxy::frontend::CASES,
    protocol::proxy::robustness::CASES,
    discovery::proxy::REFUSAL_CASES,
    event_sourced::proxy::RESTART_CASES,
    value_entity::proxy::RESTART_CASES,
    event_sourced::proxy::ORDERING_CASES,
    action::proxy::SIDE_EFFECT_CASES,
    action::proxy::FORWARD_CASES,
    event_sourced::proxy::FORWARD_CASES,
    value_entity::proxy::PASSIVATION_CASES,
    event_sourced::proxy::PASSIVATION_CASES,
    action::proxy::EFFECT_METADATA_CASES,
    value_entity::proxy::EFFECT_METADATA_CASES,
    event_sourced::proxy::EFFECT_METADATA_CASES,
    crdt::proxy::EFFECT_METADATA_CASES,
    value_entity::proxy::RELAY_TIMEOUT_CASES,
    event_sourced::proxy::RELAY_TIMEOUT_CASES,
    value_entity::property::PROXY_CASES,
    event_sourced::property::PROXY_CASES,
    crdt::property::PROXY_CASES,
];
