//! The value-entity and event-sourced faults: what a faulty entity stream receives and answers, and the
//! state of one stream's fault ([`StreamFaults`]), which CRDT streams share.
//!
//! Each `…_in` helper sees an incoming message first and may rewrite it, or answer it in place of the
//! model; each `…_out` helper rewrites the model's reaction.

use cloudstate_protocol::cloudstate::eventsourced::event_sourced_stream_in::Message as EsIn;
use cloudstate_protocol::cloudstate::eventsourced::event_sourced_stream_out::Message as EsOut;
use cloudstate_protocol::cloudstate::eventsourced::{
    EventSourcedReply, EventSourcedStreamIn, EventSourcedStreamOut,
};
use cloudstate_protocol::cloudstate::tck::model::Persisted;
use cloudstate_protocol::cloudstate::valueentity::value_entity_stream_in::Message as VeIn;
use cloudstate_protocol::cloudstate::valueentity::value_entity_stream_out::Message as VeOut;
use cloudstate_protocol::cloudstate::valueentity::{ValueEntityStreamIn, ValueEntityStreamOut};
use tonic::Status;

use super::{Fault, entity_reply, is_failure, variant};
use crate::model::payload::{pack, unpack};
use crate::model::server::Reaction;

/// The fault of one protocol stream, and what it has counted so far.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct StreamFaults {
    fault: Option<Fault>,
    commands: u32,
}

impl StreamFaults {
    /// The state of a new stream served with `fault`.
    pub(crate) fn new(fault: Option<Fault>) -> Self {
        Self { fault, commands: 0 }
    }

    /// Whether the stream is served with `fault`.
    pub(crate) fn is(&self, fault: Fault) -> bool {
        self.fault == Some(fault)
    }

    /// Counts one command; true when the stream crashes at it ([`Fault::CrashMidStream`]).
    pub(crate) fn crash_at_command(&mut self) -> bool {
        self.commands += 1;
        self.is(Fault::CrashMidStream) && self.commands == 2
    }

    /// The fault, if any.
    pub(crate) fn fault(&self) -> Option<Fault> {
        self.fault
    }
}

/// The status of a stream that crashes ([`Fault::CrashMidStream`]).
pub(crate) fn crash() -> Status {
    Status::internal("the user function crashed while handling a command")
}

/// Sees an incoming value-entity message first; `Some` answers it in place of the model.
pub(crate) fn value_entity_in(
    faults: &mut StreamFaults,
    message: &mut ValueEntityStreamIn,
) -> Option<Reaction<ValueEntityStreamOut>> {
    match message.message.as_mut() {
        Some(VeIn::Init(init)) if faults.is(Fault::InitStateIgnored) => init.state = None,
        Some(VeIn::Command(_)) if faults.crash_at_command() => {
            return Some(Reaction::fail(crash()));
        }
        None if faults.is(Fault::EmptyMessageIgnored) => return Some(Reaction::send(Vec::new())),
        None if faults.is(Fault::EmptyMessageEndsStream) => return Some(Reaction::end()),
        _ => {}
    }
    None
}

/// Rewrites the model's answer on a value-entity stream.
pub(crate) fn value_entity_out(
    faults: &StreamFaults,
    reaction: &mut Reaction<ValueEntityStreamOut>,
) {
    let Some(fault) = faults.fault() else {
        return;
    };
    variant::apply_value_entity(fault, reaction);
    let mut out = Vec::with_capacity(reaction.out.len());
    for item in reaction.out.drain(..) {
        let mut reply = match item {
            Ok(ValueEntityStreamOut {
                message: Some(VeOut::Reply(reply)),
            }) => reply,
            other => {
                out.push(other);
                continue;
            }
        };
        if fault == Fault::NoReplyOnFailure && is_failure(reply.client_action.as_ref()) {
            continue;
        }
        entity_reply(
            fault,
            &mut reply.command_id,
            reply.client_action.as_mut(),
            &mut reply.side_effects,
        );
        let message = ValueEntityStreamOut {
            message: Some(VeOut::Reply(reply)),
        };
        if fault == Fault::ReplyTwice {
            out.push(Ok(message.clone()));
        }
        out.push(Ok(message));
    }
    reaction.out = out;
}

/// Sees an incoming event-sourced message first; `Some` answers it in place of the model.
pub(crate) fn event_sourced_in(
    faults: &mut StreamFaults,
    message: &mut EventSourcedStreamIn,
) -> Option<Reaction<EventSourcedStreamOut>> {
    match message.message.as_mut() {
        Some(EsIn::Init(init)) if faults.is(Fault::InitStateIgnored) => init.snapshot = None,
        Some(EsIn::Event(_)) if faults.is(Fault::ReplayedEventsIgnored) => {
            return Some(Reaction::send(Vec::new()));
        }
        Some(EsIn::Command(_)) if faults.crash_at_command() => {
            return Some(Reaction::fail(crash()));
        }
        None if faults.is(Fault::EmptyMessageIgnored) => return Some(Reaction::send(Vec::new())),
        None if faults.is(Fault::EmptyMessageEndsStream) => return Some(Reaction::end()),
        _ => {}
    }
    None
}

/// Rewrites the model's answer on an event-sourced stream.
pub(crate) fn event_sourced_out(
    faults: &StreamFaults,
    reaction: &mut Reaction<EventSourcedStreamOut>,
) {
    let Some(fault) = faults.fault() else {
        return;
    };
    variant::apply(fault, reaction);
    let mut out = Vec::with_capacity(reaction.out.len());
    for item in reaction.out.drain(..) {
        let mut reply = match item {
            Ok(EventSourcedStreamOut {
                message: Some(EsOut::Reply(reply)),
            }) => reply,
            other => {
                out.push(other);
                continue;
            }
        };
        if fault == Fault::NoReplyOnFailure && is_failure(reply.client_action.as_ref()) {
            continue;
        }
        entity_reply(
            fault,
            &mut reply.command_id,
            reply.client_action.as_mut(),
            &mut reply.side_effects,
        );
        events_and_snapshot(fault, &mut reply);
        out.push(Ok(EventSourcedStreamOut {
            message: Some(EsOut::Reply(reply)),
        }));
    }
    reaction.out = out;
}

/// The faults of the events and the snapshot of one reply.
fn events_and_snapshot(fault: Fault, reply: &mut EventSourcedReply) {
    match fault {
        Fault::EventsDropped => reply.events.truncate(1),
        Fault::EventsReordered => reply.events.reverse(),
        Fault::EventsDuplicated => {
            if let Some(last) = reply.events.last().cloned() {
                reply.events.push(last);
            }
        }
        Fault::SnapshotNever => reply.snapshot = None,
        Fault::SnapshotStale => {
            if let Some(snapshot) = reply.snapshot.as_mut() {
                *snapshot = stale(snapshot, &reply.events);
            }
        }
        _ => {}
    }
}

/// The snapshot of the state before `events`: the snapshot's value without their values at its end.
fn stale(snapshot: &prost_types::Any, events: &[prost_types::Any]) -> prost_types::Any {
    let Ok(state) = unpack::<Persisted>(Some(snapshot)) else {
        return snapshot.clone();
    };
    let emitted: String = events
        .iter()
        .filter_map(|event| unpack::<Persisted>(Some(event)).ok())
        .map(|event| event.value)
        .collect();
    let before = state.value.strip_suffix(&emitted).unwrap_or(&state.value);
    pack(&Persisted {
        value: before.to_owned(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn persisted(value: &str) -> prost_types::Any {
        pack(&Persisted {
            value: value.into(),
        })
    }

    #[test]
    fn a_stale_snapshot_leaves_out_the_commands_events() {
        let events = [persisted("D"), persisted("E")];
        assert_eq!(stale(&persisted("ABCDE"), &events), persisted("ABC"));
    }

    #[test]
    fn the_second_command_crashes_the_stream() {
        let mut faults = StreamFaults::new(Some(Fault::CrashMidStream));
        let mut command = ValueEntityStreamIn {
            message: Some(VeIn::Command(Default::default())),
        };
        assert!(value_entity_in(&mut faults, &mut command).is_none());
        let crashed = value_entity_in(&mut faults, &mut command);
        assert!(crashed.is_some_and(|reaction| reaction.end));
    }
}
