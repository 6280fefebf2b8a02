//! The CRDT oracle: what a conforming user function answers to one `CrdtTckModel.Process` command, and
//! what the proxy holds for the entity, written from the spec (chapter `crdt.md`) independently of the
//! built-in model service.

use cloudstate_protocol::cloudstate::crdt::CrdtDelta;

use super::delta::{Sender, concretize, net_reporting, whole};
use super::scenario::{Consistency, CrdtAction, Kind, Remote};
use super::value::{Changes, Reporting, Value};

/// How a command ends, for the client.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum CrdtOutcome {
    /// A reply `Response{state}` with the value after the command.
    Reply(Value),
    /// A forward to `CrdtTwo.Call` with `Request{id: two-<n>}`.
    Forward(u8),
    /// A failure with the property's failure message.
    Failure,
}

/// The state action of a reply.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum CrdtStateAction {
    /// `update` with the command's net change.
    Update(CrdtDelta, Consistency),
    /// `delete`.
    Delete(Consistency),
}

/// What a conforming user function answers to one command.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct CrdtAnswer {
    /// The client action.
    pub(crate) outcome: CrdtOutcome,
    /// The state action, if any, as the spec reads it.
    pub(crate) state_action: Option<CrdtStateAction>,
    /// Every state action the reply may carry, `state_action` first: the others are the answers of user
    /// functions that make the choices the spec accepts (see [`Reporting`]).
    pub(crate) state_choices: Vec<Option<CrdtStateAction>>,
    /// The side effects to `CrdtTwo.Call`: target `two-<n>` and the synchronous flag, in order.
    pub(crate) effects: Vec<(u8, bool)>,
}

impl CrdtAnswer {
    /// Whether the command deleted the entity.
    pub(crate) fn deletes(&self) -> bool {
        matches!(self.state_action, Some(CrdtStateAction::Delete(_)))
    }
}

/// One CRDT entity as the oracle sees it: its value, whether the proxy holds a value for it, and whether
/// the creation of a new register is still to be reported.
#[derive(Debug, Clone)]
pub(crate) struct CrdtEntity {
    value: Value,
    /// Whether a change was ever reported or received: then the proxy holds the value.
    held: bool,
    /// A register started without a value from the proxy reports its creation with its first successful
    /// command (CRDT-011), unless a delta from the proxy comes first.
    creation_unreported: bool,
}

impl CrdtEntity {
    /// A new entity of `kind`, which the proxy holds nothing for.
    pub(crate) fn new(kind: Kind) -> Self {
        CrdtEntity {
            value: Value::initial(kind),
            held: false,
            creation_unreported: kind == Kind::LwwRegister,
        }
    }

    /// The current value.
    #[cfg(test)]
    pub(crate) fn value(&self) -> &Value {
        &self.value
    }

    /// The delta of the init that (re)starts the entity's stream: its whole value when the proxy holds
    /// one, else none (CRDT-003).
    pub(crate) fn init_delta(&self) -> Option<CrdtDelta> {
        self.held.then(|| whole(&self.value, Sender::Proxy))
    }

    /// Takes another replica's change: the delta the proxy sends for it, applied to the value.
    pub(crate) fn replicate(&mut self, change: &Remote) -> CrdtDelta {
        let delta = concretize(change, &self.value);
        self.value.receive(&delta);
        self.held = true;
        self.creation_unreported = false;
        delta
    }

    /// The net change of the updates among `actions`, as a user function that makes the choices of
    /// `reporting` reports it; a register not yet reported reports its creation.
    fn change(&self, actions: &[CrdtAction], reporting: Reporting) -> Option<CrdtDelta> {
        let mut after = self.value.clone();
        let mut changes = Changes::default();
        for action in actions {
            if let CrdtAction::Update(op, _) = action {
                after.apply_reporting(op, &mut changes, reporting);
            }
        }
        let change = net_reporting(&self.value, &after, &changes, reporting);
        if self.creation_unreported && change.is_none() {
            return Some(whole(&after, Sender::UserFunction));
        }
        change
    }

    /// Answers one command, and keeps its changes when it succeeds.
    pub(crate) fn process(&mut self, actions: &[CrdtAction], fail: bool) -> CrdtAnswer {
        if fail {
            return CrdtAnswer {
                outcome: CrdtOutcome::Failure,
                state_action: None,
                state_choices: vec![None],
                effects: Vec::new(),
            };
        }
        let mut after = self.value.clone();
        let mut changes = Changes::default();
        let mut consistency = Consistency::Local;
        let mut delete = false;
        let mut forward = None;
        let mut effects = Vec::new();
        for action in actions {
            match action {
                CrdtAction::Update(op, asked) => {
                    after.apply(op, &mut changes);
                    consistency = *asked;
                }
                CrdtAction::Delete => delete = true,
                CrdtAction::Forward(n) => forward = forward.or(Some(*n)),
                CrdtAction::Effect(n, sync) => effects.push((*n, *sync)),
            }
        }
        let state_choices: Vec<Option<CrdtStateAction>> = if delete {
            vec![Some(CrdtStateAction::Delete(consistency))]
        } else {
            let mut choices = Vec::new();
            for reporting in Reporting::all() {
                let choice = self
                    .change(actions, reporting)
                    .map(|delta| CrdtStateAction::Update(delta, consistency));
                if !choices.contains(&choice) {
                    choices.push(choice);
                }
            }
            choices
        };
        let state_action = state_choices.first().cloned().flatten();
        self.creation_unreported = false;
        self.held |= state_action.is_some();
        self.value = after;
        CrdtAnswer {
            outcome: forward.map_or_else(
                || CrdtOutcome::Reply(self.value.clone()),
                CrdtOutcome::Forward,
            ),
            state_action,
            state_choices,
            effects,
        }
    }
}

#[cfg(test)]
mod tests {
    use cloudstate_protocol::cloudstate::crdt::crdt_delta;

    use super::*;
    use crate::cases::crdt::property::scenario::{Clock, Op};
    use crate::messages::crdt::orset_delta as orset;

    fn update(op: Op) -> CrdtAction {
        CrdtAction::Update(op, Consistency::Local)
    }

    #[test]
    fn a_new_register_reports_its_creation_once_and_keeps_it_over_a_failure() {
        let mut register = CrdtEntity::new(Kind::LwwRegister);
        assert_eq!(register.init_delta(), None);
        let failed = register.process(&[], true);
        assert_eq!(failed.state_action, None);
        let first = register.process(&[], false);
        assert!(matches!(
            first.state_action,
            Some(CrdtStateAction::Update(..))
        ));
        assert!(register.init_delta().is_some());
        let second = register.process(&[], false);
        assert_eq!(second.state_action, None);
    }

    #[test]
    fn a_delta_from_the_proxy_drops_the_creation() {
        let mut register = CrdtEntity::new(Kind::LwwRegister);
        register.replicate(&Remote::Lww("x".into(), Clock::Default));
        let answer = register.process(&[], false);
        assert_eq!(answer.state_action, None);
        assert_eq!(
            answer.outcome,
            CrdtOutcome::Reply(Value::Lww("x".into(), Clock::Default))
        );
    }

    #[test]
    fn a_delete_wins_and_takes_the_last_consistency_asked_for() {
        let mut counter = CrdtEntity::new(Kind::GCounter);
        let actions = [
            CrdtAction::Update(Op::Increment(2), Consistency::All),
            CrdtAction::Delete,
            CrdtAction::Update(Op::Increment(1), Consistency::Majority),
        ];
        let answer = counter.process(&actions, false);
        assert_eq!(
            answer.state_action,
            Some(CrdtStateAction::Delete(Consistency::Majority))
        );
        assert_eq!(answer.outcome, CrdtOutcome::Reply(Value::GCounter(3)));
    }

    fn updates(kind: Kind, ops: &[Op]) -> Vec<Option<CrdtDelta>> {
        let mut entity = CrdtEntity::new(kind);
        let actions: Vec<CrdtAction> = ops.iter().cloned().map(update).collect();
        entity
            .process(&actions, false)
            .state_choices
            .into_iter()
            .map(|choice| match choice {
                Some(CrdtStateAction::Update(delta, _)) => Some(delta),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn removing_the_last_element_may_be_reported_as_a_clear() {
        let mut set = CrdtEntity::new(Kind::OrSet);
        set.process(&[update(Op::OrSetAdd("a".into()))], false);
        let answer = set.process(&[update(Op::OrSetRemove("a".into()))], false);
        let choices: Vec<Option<CrdtDelta>> = answer
            .state_choices
            .into_iter()
            .map(|choice| match choice {
                Some(CrdtStateAction::Update(delta, _)) => Some(delta),
                _ => None,
            })
            .collect();
        assert_eq!(
            choices,
            [Some(orset(false, &["a"], &[])), Some(orset(true, &[], &[]))]
        );
        // A removal that leaves elements is only ever reported as a removal.
        let choices = updates(
            Kind::OrSet,
            &[
                Op::OrSetAdd("a".into()),
                Op::OrSetAdd("b".into()),
                Op::OrSetRemove("a".into()),
            ],
        );
        assert_eq!(choices, [Some(orset(false, &[], &["b"]))]);
    }

    #[test]
    fn an_element_added_and_removed_may_be_reported_as_a_clear_or_not_at_all() {
        let choices = updates(
            Kind::OrSet,
            &[Op::OrSetAdd("a".into()), Op::OrSetRemove("a".into())],
        );
        assert_eq!(choices, [None, Some(orset(true, &[], &[]))]);
    }

    #[test]
    fn a_rewrite_of_the_held_value_may_be_reported() {
        let mut register = CrdtEntity::new(Kind::LwwRegister);
        register.process(&[update(Op::LwwSet("x".into(), Clock::Custom(7)))], false);
        let answer = register.process(&[update(Op::LwwSet("x".into(), Clock::Default))], false);
        assert_eq!(answer.state_choices.len(), 2, "{:?}", answer.state_choices);
        assert_eq!(answer.state_choices[0], None);
    }

    #[test]
    fn a_new_map_entry_cleared_in_the_command_may_carry_the_clear() {
        let ops = [
            Op::MapUpdate("ORSet-k".into(), Box::new(Op::OrSetAdd("a".into()))),
            Op::MapUpdate("ORSet-k".into(), Box::new(Op::OrSetClear)),
        ];
        let choices = updates(Kind::OrMap, &ops);
        let added = |delta: &Option<CrdtDelta>| match delta.as_ref().and_then(|d| d.delta.as_ref())
        {
            Some(crdt_delta::Delta::Ormap(map)) => map.added.first().and_then(|e| e.delta.clone()),
            _ => None,
        };
        let entries: Vec<Option<CrdtDelta>> = choices.iter().map(added).collect();
        assert!(
            entries.contains(&Some(orset(false, &[], &[]))),
            "{entries:?}"
        );
        assert!(
            entries.contains(&Some(orset(true, &[], &[]))),
            "{entries:?}"
        );
    }

    #[test]
    fn a_failed_command_changes_nothing() {
        let mut set = CrdtEntity::new(Kind::OrSet);
        set.process(&[update(Op::OrSetAdd("a".into()))], true);
        assert_eq!(set.value(), &Value::initial(Kind::OrSet));
        assert_eq!(set.init_delta(), None);
    }
}
