//! Proxy-mode scenarios over value entities or event-sourced entities: client calls one at a time, calls
//! made at once to one entity, and restarts of an entity whose stream the TCK crashes.

use std::fmt;

use proptest::prelude::*;

use crate::property::strategy::{ENTITIES, EsAction, VeAction, es_action, one_forward, ve_action};

/// The longest proxy scenario generated, in steps.
pub(crate) const MAX_PROXY_STEPS: usize = 10;

/// The most calls made at once to one entity.
pub(crate) const MAX_CONCURRENT: usize = 3;

/// One client call: the actions of its `Process` request, then a `Fail` when `fail` is set.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Call<A> {
    /// The actions before any failure.
    pub(crate) actions: Vec<A>,
    /// Whether the request ends with `Fail`.
    pub(crate) fail: bool,
}

/// One step of a proxy scenario on entity `e<entity>`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum ProxyStep<A> {
    /// A client call, answered before the next step.
    Call(u8, Call<A>),
    /// Several client calls to one entity at the same time: the proxy must send them on the entity's
    /// stream one at a time, in an order of its choice.
    Concurrent(u8, Vec<Call<A>>),
    /// The TCK crashes the entity's stream while a call of its is in flight (that call fails); the next
    /// call must find the entity restarted from what the proxy stored.
    Restart(u8),
}

/// A generated proxy scenario.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ProxyScenario<A>(pub(crate) Vec<ProxyStep<A>>);

/// Proxy scenarios over event-sourced entities.
pub(crate) type EsProxyScenario = ProxyScenario<EsAction>;
/// Proxy scenarios over value entities.
pub(crate) type VeProxyScenario = ProxyScenario<VeAction>;

fn call<A, S>(action: S, is_forward: fn(&A) -> bool) -> impl Strategy<Value = Call<A>> + Clone
where
    A: Copy + fmt::Debug,
    S: Strategy<Value = A> + Clone,
{
    (
        proptest::collection::vec(action, 0..5),
        proptest::bool::weighted(0.15),
    )
        .prop_map(move |(actions, fail)| Call {
            actions: one_forward(actions, is_forward),
            fail,
        })
}

fn steps<A, S>(action: S, is_forward: fn(&A) -> bool) -> impl Strategy<Value = ProxyScenario<A>>
where
    A: Copy + fmt::Debug,
    S: Strategy<Value = A> + Clone,
{
    let call = call(action, is_forward);
    let step = prop_oneof![
        8 => (0..ENTITIES, call.clone()).prop_map(|(entity, call)| ProxyStep::Call(entity, call)),
        2 => (0..ENTITIES, proptest::collection::vec(call, 2..=MAX_CONCURRENT))
            .prop_map(|(entity, calls)| ProxyStep::Concurrent(entity, calls)),
        1 => (0..ENTITIES).prop_map(ProxyStep::Restart),
    ];
    proptest::collection::vec(step, 1..=MAX_PROXY_STEPS).prop_map(ProxyScenario)
}

/// Event-sourced proxy scenarios.
pub(crate) fn event_sourced() -> impl Strategy<Value = EsProxyScenario> {
    steps(es_action(), |action| matches!(action, EsAction::Forward(_)))
}

/// Value-entity proxy scenarios.
pub(crate) fn value_entity() -> impl Strategy<Value = VeProxyScenario> {
    steps(ve_action(), |action| matches!(action, VeAction::Forward(_)))
}

impl<A: fmt::Display> fmt::Display for Call<A> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut parts: Vec<String> = self.actions.iter().map(ToString::to_string).collect();
        if self.fail {
            parts.push("fail".to_owned());
        }
        write!(f, "Process [{}]", parts.join(", "))
    }
}

impl<A: fmt::Display> fmt::Display for ProxyStep<A> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ProxyStep::Call(entity, call) => write!(f, "e{entity}: {call}"),
            ProxyStep::Concurrent(entity, calls) => {
                let calls: Vec<String> = calls.iter().map(ToString::to_string).collect();
                write!(f, "e{entity}: at once {{{}}}", calls.join(" | "))
            }
            ProxyStep::Restart(entity) => write!(
                f,
                "e{entity}: restart (the TCK crashes the stream while a call is in flight)"
            ),
        }
    }
}

impl<A: fmt::Display> fmt::Display for ProxyScenario<A> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (index, step) in self.0.iter().enumerate() {
            writeln!(f, "  {}. {step}", index + 1)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn calls_made_at_once_are_listed_on_one_line() {
        let step = ProxyStep::Concurrent(
            2,
            vec![
                Call {
                    actions: vec![VeAction::Update(1)],
                    fail: false,
                },
                Call {
                    actions: vec![],
                    fail: true,
                },
            ],
        );
        assert_eq!(
            step.to_string(),
            "e2: at once {Process [update v1] | Process [fail]}"
        );
    }
}
