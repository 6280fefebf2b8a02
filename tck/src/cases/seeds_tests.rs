//! Tests that the scenarios of every property case follow from the seed and the case ID: the same seed
//! gives the same scenarios, another seed other ones, and two cases of one run get different ones.

use proptest::strategy::Strategy;

use super::action::property::scenario as action_scenario;
use super::crdt::property::strategy::{Variant, scenario};
use crate::property::proxy::scenario as proxy_scenario;
use crate::property::runner::generate;

/// Generates twice with one seed and once with another: equal, then different.
fn reproducible<S: Strategy>(make: impl Fn() -> S, id: &str)
where
    S::Value: PartialEq + std::fmt::Debug,
{
    let first = generate(&make(), 11, id, 30);
    assert_eq!(first.len(), 30, "{id}");
    assert_eq!(first, generate(&make(), 11, id, 30), "{id}");
    assert_ne!(first, generate(&make(), 12, id, 30), "{id}");
}

#[test]
fn every_property_gets_the_same_scenarios_from_the_same_seed() {
    reproducible(|| scenario(Variant::Local), "crdt.sdk.property_replies");
    reproducible(
        || scenario(Variant::Replicated),
        "crdt.sdk.property_replicated",
    );
    reproducible(|| scenario(Variant::Proxy), "crdt.proxy.property_commands");
    reproducible(action_scenario::scenario, "action.sdk.property_calls");
    reproducible(
        proxy_scenario::value_entity,
        "value_entity.proxy.property_commands",
    );
    reproducible(
        proxy_scenario::event_sourced,
        "event_sourced.proxy.property_commands",
    );
}

#[test]
fn properties_of_one_run_get_different_scenarios() {
    let make = || scenario(Variant::Replicated);
    assert_ne!(
        generate(&make(), 3, "crdt.sdk.property_replies", 10),
        generate(&make(), 3, "crdt.sdk.property_replicated", 10)
    );
}
