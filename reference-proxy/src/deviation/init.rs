//! What an entity's init carries when its stream opens: the stored value, the snapshot and events, or
//! the held CRDT.
//!
//! Faults applied here: `value-entity-state-not-recovered`, `value-entity-init-without-state`,
//! `no-replay` and `crdt-init-without-state`.

use cloudstate_protocol::cloudstate::crdt::CrdtInit;
use cloudstate_protocol::cloudstate::eventsourced::{EventSourcedEvent, EventSourcedInit};
use cloudstate_protocol::cloudstate::valueentity::{ValueEntityInit, ValueEntityInitState};

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
