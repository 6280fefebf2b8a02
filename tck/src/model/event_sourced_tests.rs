//! Tests of the event-sourced model: events, snapshots, failures, and its faults.

use super::*;
use cloudstate_protocol::cloudstate::eventsourced::EventSourcedSnapshot;
use cloudstate_protocol::cloudstate::tck::model::{Effect, Emit, Fail, RequestAction};

fn act(action: Action) -> RequestAction {
    RequestAction {
        action: Some(action),
    }
}
fn emit(value: &str) -> RequestAction {
    act(Action::Emit(Emit {
        value: value.into(),
    }))
}
fn request(actions: Vec<RequestAction>) -> ModelRequest {
    ModelRequest {
        id: "e".into(),
        actions,
    }
}
fn entity(state: &str, sequence: i64) -> EntityState {
    EntityState {
        state: state.into(),
        sequence,
    }
}
/// One command emitting each character of `values` as an event.
fn run(entity: &mut EntityState, values: &str) -> EventSourcedReply {
    let actions = values.chars().map(|v| emit(&v.to_string())).collect();
    process(None, 1, entity, &request(actions))
}
fn snapshot(value: &str) -> Option<prost_types::Any> {
    Some(pack(&Persisted {
        value: value.into(),
    }))
}

#[test]
fn snapshot_rule() {
    assert!(crosses_snapshot(4, 5) && crosses_snapshot(4, 6) && crosses_snapshot(9, 11));
    assert!(!crosses_snapshot(5, 6) && !crosses_snapshot(0, 4) && !crosses_snapshot(3, 3));
}

#[test]
fn snapshots_hold_the_state_after_all_events_of_the_reply() {
    let mut state = EntityState::default();
    let mut snapshots = Vec::new();
    for values in ["A", "B", "C", "D", "E", "FGH", "IJ", "K"] {
        let reply = run(&mut state, values);
        assert_eq!(reply.events.len(), values.len());
        snapshots.push(reply.snapshot);
    }
    assert_eq!(snapshots[4], snapshot("ABCDE"));
    assert_eq!(snapshots[6], snapshot("ABCDEFGHIJ"));
    assert_eq!(snapshots.iter().filter(|s| s.is_some()).count(), 2);
    let mut state = entity("ABCDEFGHI", 9);
    assert_eq!(run(&mut state, "JK").snapshot, snapshot("ABCDEFGHIJK"));
}

#[test]
fn failure_discards_events_and_does_not_move_the_sequence() {
    let mut state = entity("ABC", 3);
    let effect = act(Action::Effect(Effect {
        id: "x".into(),
        synchronous: true,
    }));
    let fail = act(Action::Fail(Fail {
        message: "boom".into(),
    }));
    let actions = vec![emit("4"), effect, emit("5"), fail];
    let reply = process(None, 2, &mut state, &request(actions));
    assert_eq!(reply, failure_reply(2, "boom"));
    assert_eq!(state, entity("ABC", 3));
    assert_eq!(run(&mut state, "D").snapshot, None);
    assert_eq!(run(&mut state, "E").snapshot, snapshot("ABCDE"));
}

#[test]
fn a_faulty_failure_keeps_the_events_it_emitted() {
    let mut state = entity("ABC", 3);
    let actions = vec![
        emit("4"),
        act(Action::Fail(Fail {
            message: "boom".into(),
        })),
    ];
    let reply = process(
        Some(Fault::FailureKeepsState),
        2,
        &mut state,
        &request(actions),
    );
    assert_eq!(reply, failure_reply(2, "boom"));
    assert_eq!(state, entity("ABC4", 4));
}

fn init_message() -> EventSourcedStreamIn {
    EventSourcedStreamIn {
        message: Some(In::Init(EventSourcedInit {
            service_name: EVENT_SOURCED_TCK_MODEL.into(),
            entity_id: "e".into(),
            snapshot: None,
        })),
    }
}

fn command_message(id: i64, values: &str) -> EventSourcedStreamIn {
    let actions = values.chars().map(|v| emit(&v.to_string())).collect();
    EventSourcedStreamIn {
        message: Some(In::Command(Command {
            entity_id: "e".into(),
            id,
            name: "Process".into(),
            payload: Some(pack(&request(actions))),
            ..Command::default()
        })),
    }
}

fn events_of(reaction: Reaction<EventSourcedStreamOut>) -> Vec<prost_types::Any> {
    match reaction.out.into_iter().next() {
        Some(Ok(EventSourcedStreamOut {
            message: Some(Out::Reply(reply)),
        })) => reply.events,
        other => panic!("not a reply: {other:?}"),
    }
}

#[test]
fn a_faulty_session_rewrites_what_it_receives_and_answers() {
    let mut session = EventSourcedSession::new(Some(Fault::EventsReordered));
    session.on_message(init_message());
    let events = events_of(session.on_message(command_message(1, "AB")));
    assert_eq!(events, vec![persisted("B"), persisted("A")]);

    let mut session = EventSourcedSession::new(Some(Fault::ReplayedEventsIgnored));
    session.on_message(init_message());
    let replayed = EventSourcedStreamIn {
        message: Some(In::Event(EventSourcedEvent {
            sequence: 1,
            payload: Some(persisted("X")),
        })),
    };
    assert!(session.on_message(replayed).out.is_empty());
    let answer = session.on_message(command_message(1, ""));
    let Some(Ok(EventSourcedStreamOut {
        message: Some(Out::Reply(reply)),
    })) = answer.out.into_iter().next()
    else {
        panic!("not a reply");
    };
    let expected = client_action::Action::Reply(Reply {
        payload: Some(pack(&ModelResponse::default())),
        metadata: None,
    });
    assert_eq!(reply.client_action.and_then(|a| a.action), Some(expected));
}

#[test]
fn the_exact_multiple_fault_misses_a_snapshot_past_a_multiple() {
    let mut state = entity("ABC", 3);
    assert_eq!(run(&mut state, "DEF").snapshot, snapshot("ABCDEF"));
    let mut state = entity("ABC", 3);
    let actions = "DEF".chars().map(|v| emit(&v.to_string())).collect();
    let fault = Some(Fault::SnapshotOnExactMultiple);
    assert_eq!(
        process(fault, 1, &mut state, &request(actions)).snapshot,
        None
    );
    let actions = "GHIJ".chars().map(|v| emit(&v.to_string())).collect();
    let reply = process(fault, 2, &mut state, &request(actions));
    assert_eq!(reply.snapshot, snapshot("ABCDEFGHIJ"));
}

fn snapshot_init(sequence: i64, state: &str) -> EventSourcedStreamIn {
    EventSourcedStreamIn {
        message: Some(In::Init(EventSourcedInit {
            service_name: EVENT_SOURCED_TCK_MODEL.into(),
            entity_id: "e".into(),
            snapshot: Some(EventSourcedSnapshot {
                snapshot_sequence: sequence,
                snapshot: snapshot(state),
            }),
        })),
    }
}

fn snapshot_of(reaction: Reaction<EventSourcedStreamOut>) -> Option<prost_types::Any> {
    match reaction.out.into_iter().next() {
        Some(Ok(EventSourcedStreamOut {
            message: Some(Out::Reply(reply)),
        })) => reply.snapshot,
        other => panic!("not a reply: {other:?}"),
    }
}

#[test]
fn the_sequence_runs_on_from_the_init_snapshot_unless_a_fault_ignores_it() {
    let mut session = EventSourcedSession::new(None);
    session.on_message(snapshot_init(3, "ABC"));
    assert_eq!(
        snapshot_of(session.on_message(command_message(1, "DE"))),
        snapshot("ABCDE")
    );
    let mut session = EventSourcedSession::new(Some(Fault::SnapshotSequenceIgnored));
    session.on_message(snapshot_init(3, "ABC"));
    assert_eq!(
        snapshot_of(session.on_message(command_message(1, "DE"))),
        None
    );
}

/// Whether a reaction is a top-level failure naming `command_id` that ends the stream.
fn is_fatal(reaction: &Reaction<EventSourcedStreamOut>, command_id: i64) -> bool {
    reaction.end
        && matches!(
            reaction.out.as_slice(),
            [Ok(EventSourcedStreamOut {
                message: Some(Out::Failure(failure)),
            })] if failure.command_id == command_id
        )
}

#[test]
fn unexpected_input_ends_the_stream_unless_a_fault_lets_it_through() {
    let late_event = || EventSourcedStreamIn {
        message: Some(In::Event(EventSourcedEvent {
            sequence: 2,
            payload: Some(persisted("X")),
        })),
    };
    let mut session = EventSourcedSession::new(None);
    assert!(is_fatal(&session.on_message(command_message(1, "A")), 0));
    let mut session = EventSourcedSession::new(Some(Fault::CommandBeforeInitAccepted));
    assert_eq!(
        events_of(session.on_message(command_message(1, "A"))),
        vec![persisted("A")]
    );

    let mut session = EventSourcedSession::new(None);
    session.on_message(init_message());
    session.on_message(command_message(1, "A"));
    assert!(is_fatal(&session.on_message(late_event()), 0));
    let mut session = EventSourcedSession::new(Some(Fault::LateEventsApplied));
    session.on_message(init_message());
    session.on_message(command_message(1, "A"));
    assert!(session.on_message(late_event()).out.is_empty());
    assert!(events_of(session.on_message(command_message(2, "B"))).len() == 1);

    let mut unknown = command_message(1, "A");
    if let Some(In::Command(command)) = unknown.message.as_mut() {
        command.name = "NoSuchMethod".into();
    }
    let mut session = EventSourcedSession::new(None);
    session.on_message(init_message());
    assert!(is_fatal(&session.on_message(unknown.clone()), 1));
    let mut session = EventSourcedSession::new(Some(Fault::CommandNameIgnored));
    session.on_message(init_message());
    assert_eq!(events_of(session.on_message(unknown)), vec![persisted("A")]);
}
