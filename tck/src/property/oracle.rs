//! The oracle: a plain model of what a conforming user function answers to the TCK model's commands,
//! written from the catalog's rules (sections 3.2 and 3.3) and independent of the built-in model service.
//!
//! It also keeps what a proxy would have stored for each entity (the latest snapshot and the events after
//! it, or the value of a value entity), which is what the TCK sends when it reopens a passivated entity.

use super::strategy::{EsAction, VeAction, letter};

/// An event-sourced entity takes a snapshot every this many events.
pub(crate) const SNAPSHOT_EVERY: i64 = 5;

/// The description of every generated failure.
pub(crate) const FAILURE: &str = "property failure";

/// How a command ends, for the client.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Outcome {
    /// A reply `Response{message}`.
    Reply(String),
    /// A forward to the second service with `Request{id}`, the id being the scenario's `n`th target.
    Forward(u8),
    /// A failure with [`FAILURE`].
    Failure,
}

/// A side effect to the second service: the scenario's `n`th target and the synchronous flag.
pub(crate) type Effect = (u8, bool);

/// What a conforming event-sourced user function answers to one command.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct EsAnswer {
    /// The client action.
    pub(crate) outcome: Outcome,
    /// The events, as `Persisted.value`s, in order.
    pub(crate) events: Vec<String>,
    /// The snapshot state, when the events cross a multiple of [`SNAPSHOT_EVERY`].
    pub(crate) snapshot: Option<String>,
    /// The side effects, in order.
    pub(crate) effects: Vec<Effect>,
    /// Whether the failure may carry `restart` true (the command emitted events before failing).
    pub(crate) restart_allowed: bool,
}

/// One event-sourced entity as the oracle sees it: what is stored, and the state it implies.
#[derive(Debug, Clone, Default)]
pub(crate) struct EsEntity {
    /// The latest snapshot: its sequence number and state.
    pub(crate) snapshot: Option<(i64, String)>,
    /// The stored events after the snapshot: sequence number and value.
    pub(crate) events: Vec<(i64, String)>,
}

impl EsEntity {
    /// The entity's state: the snapshot's, then every later event appended.
    pub(crate) fn state(&self) -> String {
        let mut state = self
            .snapshot
            .as_ref()
            .map(|(_, state)| state.clone())
            .unwrap_or_default();
        for (_, value) in &self.events {
            state.push_str(value);
        }
        state
    }

    /// The sequence number of the last stored event (0 when there is none).
    pub(crate) fn sequence(&self) -> i64 {
        self.events
            .last()
            .map(|(sequence, _)| *sequence)
            .or_else(|| self.snapshot.as_ref().map(|(sequence, _)| *sequence))
            .unwrap_or(0)
    }

    /// Answers one command and stores its events (and snapshot) when it succeeds.
    pub(crate) fn process(&mut self, actions: &[EsAction], fail: bool) -> EsAnswer {
        let mut events = Vec::new();
        let mut effects = Vec::new();
        let mut forward = None;
        for action in actions {
            match action {
                EsAction::Emit(n) => events.push(letter(*n)),
                EsAction::Forward(n) => forward = forward.or(Some(*n)),
                EsAction::Effect(n, sync) => effects.push((*n, *sync)),
            }
        }
        if fail {
            return EsAnswer {
                outcome: Outcome::Failure,
                restart_allowed: !events.is_empty(),
                events: Vec::new(),
                snapshot: None,
                effects: Vec::new(),
            };
        }
        let before = self.sequence();
        for value in &events {
            let sequence = self.sequence() + 1;
            self.events.push((sequence, value.clone()));
        }
        let after = self.sequence();
        let state = self.state();
        let snapshot = (after / SNAPSHOT_EVERY > before / SNAPSHOT_EVERY).then(|| {
            self.snapshot = Some((after, state.clone()));
            self.events.clear();
            state.clone()
        });
        EsAnswer {
            outcome: forward.map_or(Outcome::Reply(state), Outcome::Forward),
            events,
            snapshot,
            effects,
            restart_allowed: false,
        }
    }
}

/// The state action of a value-entity reply.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum StateAction {
    /// `update` with `Persisted{value}`.
    Update(String),
    /// `delete`.
    Delete,
}

/// What a conforming value-entity user function answers to one command.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct VeAnswer {
    /// The client action.
    pub(crate) outcome: Outcome,
    /// The net state action, if the command changed the state.
    pub(crate) state_action: Option<StateAction>,
    /// The side effects, in order.
    pub(crate) effects: Vec<Effect>,
}

/// One value entity as the oracle sees it: the stored value, if any.
#[derive(Debug, Clone, Default)]
pub(crate) struct VeEntity {
    /// The stored `Persisted.value`.
    pub(crate) stored: Option<String>,
}

impl VeEntity {
    /// Answers one command and stores its net state action when it succeeds.
    pub(crate) fn process(&mut self, actions: &[VeAction], fail: bool) -> VeAnswer {
        if fail {
            return VeAnswer {
                outcome: Outcome::Failure,
                state_action: None,
                effects: Vec::new(),
            };
        }
        let mut state_action = None;
        let mut effects = Vec::new();
        let mut forward = None;
        for action in actions {
            match action {
                VeAction::Update(n) => state_action = Some(StateAction::Update(format!("v{n}"))),
                VeAction::Delete => state_action = Some(StateAction::Delete),
                VeAction::Forward(n) => forward = forward.or(Some(*n)),
                VeAction::Effect(n, sync) => effects.push((*n, *sync)),
            }
        }
        match &state_action {
            Some(StateAction::Update(value)) => self.stored = Some(value.clone()),
            Some(StateAction::Delete) => self.stored = None,
            None => {}
        }
        let state = self.stored.clone().unwrap_or_default();
        VeAnswer {
            outcome: forward.map_or(Outcome::Reply(state), Outcome::Forward),
            state_action,
            effects,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_snapshot_holds_the_state_after_all_events_of_the_reply() {
        let mut entity = EsEntity::default();
        let first = entity.process(&[EsAction::Emit(0), EsAction::Emit(1)], false);
        assert_eq!(first.snapshot, None);
        assert_eq!(first.outcome, Outcome::Reply("AB".into()));
        let emits: Vec<EsAction> = (2..6).map(EsAction::Emit).collect();
        let second = entity.process(&emits, false);
        assert_eq!(second.snapshot.as_deref(), Some("ABCDEF"));
        assert_eq!(entity.snapshot, Some((6, "ABCDEF".into())));
        assert!(entity.events.is_empty());
        entity.process(&[EsAction::Emit(6)], false);
        assert_eq!(entity.events, vec![(7, "G".into())]);
        assert_eq!(entity.state(), "ABCDEFG");
    }

    #[test]
    fn a_failure_discards_events_and_effects_and_may_restart_only_after_events() {
        let mut entity = EsEntity::default();
        let answer = entity.process(&[EsAction::Emit(0), EsAction::Effect(1, true)], true);
        assert_eq!(answer.outcome, Outcome::Failure);
        assert!(answer.events.is_empty() && answer.effects.is_empty());
        assert!(answer.restart_allowed);
        assert_eq!(entity.sequence(), 0);
        assert!(!entity.process(&[], true).restart_allowed);
    }

    #[test]
    fn a_value_entity_reports_only_the_net_state_action() {
        let mut entity = VeEntity::default();
        let answer = entity.process(&[VeAction::Update(1), VeAction::Delete], false);
        assert_eq!(answer.state_action, Some(StateAction::Delete));
        assert_eq!(answer.outcome, Outcome::Reply(String::new()));
        let answer = entity.process(&[VeAction::Update(1), VeAction::Forward(2)], false);
        assert_eq!(answer.state_action, Some(StateAction::Update("v1".into())));
        assert_eq!(answer.outcome, Outcome::Forward(2));
        entity.process(&[VeAction::Delete], true);
        assert_eq!(entity.stored.as_deref(), Some("v1"));
    }
}
