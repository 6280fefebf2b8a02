//! What an entity's init carries when its stream opens: the stored value, the snapshot and events, or
//! the held CRDT.
//!
//! Faults applied here: `value-entity-state-not-recovered`, `value-entity-init-without-state`,
//! `no-replay`, `crdt-init-without-state` and `passivation-forgets-state`.

use std::collections::HashSet;
use std::sync::{Mutex, OnceLock, PoisonError};

use cloudstate_protocol::cloudstate::crdt::CrdtInit;
use cloudstate_protocol::cloudstate::eventsourced::{EventSourcedEvent, EventSourcedInit};
use cloudstate_protocol::cloudstate::valueentity::{ValueEntityInit, ValueEntityInitState};

use crate::entity::activation::EntityKey;
use crate::fault::{self, Fault};

/// A value entity's init, built with its stored value (an empty state when there is none).
pub(crate) fn value_entity(mut init: ValueEntityInit) -> ValueEntityInit {
    if fault::active(Fault::ValueEntityStateNotRecovered) {
        init.state = Some(ValueEntityInitState { value: None });
    }
    if fault::active(Fault::ValueEntityInitWithoutState)
        && init
            .state
            .as_ref()
            .is_some_and(|state| state.value.is_none())
    {
        init.state = None;
    }
    init
}

/// What opens an event-sourced entity's stream: the init with the latest snapshot, then every later
/// event.
pub(crate) fn event_sourced(
    mut init: EventSourcedInit,
    mut events: Vec<EventSourcedEvent>,
) -> (EventSourcedInit, Vec<EventSourcedEvent>) {
    if fault::active(Fault::NoReplay) {
        init.snapshot = None;
        events.clear();
    }
    (init, events)
}

/// A CRDT entity's init, with the value the proxy holds as its delta.
pub(crate) fn crdt(mut init: CrdtInit) -> CrdtInit {
    if fault::active(Fault::CrdtInitWithoutState) {
        init.delta = None;
    }
    init
}

/// The entities passivated since they last opened; only `passivation-forgets-state` keeps them.
fn passivated_entities() -> &'static Mutex<HashSet<EntityKey>> {
    static PASSIVATED: OnceLock<Mutex<HashSet<EntityKey>>> = OnceLock::new();
    PASSIVATED.get_or_init(Mutex::default)
}

/// Notes that an entity was passivated.
pub(crate) fn passivated(key: &EntityKey) {
    if fault::active(Fault::PassivationForgetsState) {
        passivated_entities()
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(key.clone());
    }
}

/// Whether the activation of an entity ignores what is stored (or, for a CRDT, held) for it: never (a
/// passivation frees the user function's memory and changes nothing stored), but under
/// `passivation-forgets-state` the first activation after a passivation opens as a new entity.
pub(crate) fn forgets_stored_state(service: &str, entity_id: &str) -> bool {
    fault::active(Fault::PassivationForgetsState)
        && passivated_entities()
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .remove(&EntityKey::new(service, entity_id))
}
