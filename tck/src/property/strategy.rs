//! The generated scenarios: what a property sends, as plain data, and the proptest strategies over it.
//!
//! A scenario is a list of steps over a few entities (`e0`, `e1`, `e2`). A step is a command with its model
//! actions, or a passivation: the TCK, as the proxy, half-closes the entity's stream, and the entity's next
//! command reopens it from what the oracle says was stored. A `Fail` action is always a command's last,
//! and a command forwards at most once, so that every scenario has exactly one conforming answer.

use std::fmt;

use proptest::prelude::*;

/// How many entities a scenario works on.
pub(crate) const ENTITIES: u8 = 3;
/// The longest scenario generated, in steps.
pub(crate) const MAX_STEPS: usize = 12;

/// One action of an event-sourced model command.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum EsAction {
    /// `Emit{value}`, the value being one capital letter (`A` + n).
    Emit(u8),
    /// `Forward{id}` to `EventSourcedTwo`, with id `two-<n>`.
    Forward(u8),
    /// `Effect{id, synchronous}` to `EventSourcedTwo`, with id `two-<n>`.
    Effect(u8, bool),
}

/// One action of a value-entity model command.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum VeAction {
    /// `Update{value}`, the value being `v<n>`.
    Update(u8),
    /// `Delete{}`.
    Delete,
    /// `Forward{id}` to `ValueEntityTwo`, with id `two-<n>`.
    Forward(u8),
    /// `Effect{id, synchronous}` to `ValueEntityTwo`, with id `two-<n>`.
    Effect(u8, bool),
}

/// One step of a scenario over entities whose commands carry actions `A`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Step<A> {
    /// A command to entity `entity`: its actions, then a `Fail` when `fail` is set.
    Command {
        /// The entity, `0..ENTITIES`.
        entity: u8,
        /// The actions before any failure.
        actions: Vec<A>,
        /// Whether the command ends with `Fail`.
        fail: bool,
    },
    /// Half-close the entity's stream, if it is open.
    Passivate(u8),
}

/// A generated scenario: the steps, in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Scenario<A>(pub(crate) Vec<Step<A>>);

/// An event-sourced scenario.
pub(crate) type EsScenario = Scenario<EsAction>;
/// A value-entity scenario.
pub(crate) type VeScenario = Scenario<VeAction>;

/// The emitted value of `Emit(n)`.
pub(crate) fn letter(n: u8) -> String {
    char::from(b'A' + n % 26).to_string()
}

/// The id of a forward or side effect target.
pub(crate) fn two_id(n: u8) -> String {
    format!("two-{n}")
}

/// One event-sourced action: mostly emits, some forwards and side effects.
pub(crate) fn es_action() -> impl Strategy<Value = EsAction, Tree: Send> + Send + Sync + Clone {
    prop_oneof![
        6 => (0u8..26).prop_map(EsAction::Emit),
        1 => (0u8..3).prop_map(EsAction::Forward),
        2 => (0u8..3, any::<bool>()).prop_map(|(n, sync)| EsAction::Effect(n, sync)),
    ]
}

/// One value-entity action: mostly updates, some deletes, forwards and side effects.
pub(crate) fn ve_action() -> impl Strategy<Value = VeAction, Tree: Send> + Send + Sync + Clone {
    prop_oneof![
        5 => (0u8..10).prop_map(VeAction::Update),
        2 => Just(VeAction::Delete),
        1 => (0u8..3).prop_map(VeAction::Forward),
        2 => (0u8..3, any::<bool>()).prop_map(|(n, sync)| VeAction::Effect(n, sync)),
    ]
}

/// Keeps the first forward of a command and drops the others.
pub(crate) fn one_forward<A: Copy>(actions: Vec<A>, is_forward: fn(&A) -> bool) -> Vec<A> {
    let mut seen = false;
    actions
        .into_iter()
        .filter(|action| {
            let forward = is_forward(action);
            let keep = !(forward && seen);
            seen |= forward;
            keep
        })
        .collect()
}

fn steps<A, S>(
    action: S,
    is_forward: fn(&A) -> bool,
    passivation_weight: u32,
) -> impl Strategy<Value = Scenario<A>, Tree: Send> + Send + Sync
where
    A: Copy + fmt::Debug + Send + Sync + 'static,
    S: Strategy<Value = A, Tree: Send> + Send + Sync + 'static,
{
    let command = (
        0..ENTITIES,
        proptest::collection::vec(action, 0..7),
        proptest::bool::weighted(0.15),
    )
        .prop_map(move |(entity, actions, fail)| Step::Command {
            entity,
            actions: one_forward(actions, is_forward),
            fail,
        });
    let step = prop_oneof![
        8 => command,
        passivation_weight => (0..ENTITIES).prop_map(Step::Passivate),
    ];
    proptest::collection::vec(step, 1..=MAX_STEPS).prop_map(Scenario)
}

/// Event-sourced scenarios; passivations only when `passivate` is set.
pub(crate) fn event_sourced(
    passivate: bool,
) -> impl Strategy<Value = EsScenario, Tree: Send> + Send + Sync {
    let weight = if passivate { 3 } else { 0 };
    steps(
        es_action(),
        |action| matches!(action, EsAction::Forward(_)),
        weight,
    )
}

/// Value-entity scenarios, with passivations.
pub(crate) fn value_entity() -> impl Strategy<Value = VeScenario, Tree: Send> + Send + Sync {
    steps(
        ve_action(),
        |action| matches!(action, VeAction::Forward(_)),
        2,
    )
}

impl fmt::Display for EsAction {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            EsAction::Emit(n) => write!(f, "emit {}", letter(*n)),
            EsAction::Forward(n) => write!(f, "forward {}", two_id(*n)),
            EsAction::Effect(n, sync) => write!(f, "effect {} sync={sync}", two_id(*n)),
        }
    }
}

impl fmt::Display for VeAction {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            VeAction::Update(n) => write!(f, "update v{n}"),
            VeAction::Delete => f.write_str("delete"),
            VeAction::Forward(n) => write!(f, "forward {}", two_id(*n)),
            VeAction::Effect(n, sync) => write!(f, "effect {} sync={sync}", two_id(*n)),
        }
    }
}

impl<A: fmt::Display> fmt::Display for Step<A> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Step::Command {
                entity,
                actions,
                fail,
            } => {
                let mut parts: Vec<String> = actions.iter().map(ToString::to_string).collect();
                if *fail {
                    parts.push("fail".to_owned());
                }
                write!(f, "e{entity}: Process [{}]", parts.join(", "))
            }
            Step::Passivate(entity) => write!(f, "e{entity}: passivate (half-close the stream)"),
        }
    }
}

impl<A: fmt::Display> fmt::Display for Scenario<A> {
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
    fn only_the_first_forward_of_a_command_is_kept() {
        let actions = vec![
            EsAction::Forward(1),
            EsAction::Emit(0),
            EsAction::Forward(2),
        ];
        let kept = one_forward(actions, |action| matches!(action, EsAction::Forward(_)));
        assert_eq!(kept, vec![EsAction::Forward(1), EsAction::Emit(0)]);
    }

    #[test]
    fn a_scenario_lists_its_commands_one_per_line() {
        let scenario = Scenario(vec![
            Step::Command {
                entity: 1,
                actions: vec![EsAction::Emit(0), EsAction::Effect(2, true)],
                fail: true,
            },
            Step::Passivate(1),
        ]);
        assert_eq!(
            scenario.to_string(),
            "  1. e1: Process [emit A, effect two-2 sync=true, fail]\n  \
             2. e1: passivate (half-close the stream)\n"
        );
    }
}
