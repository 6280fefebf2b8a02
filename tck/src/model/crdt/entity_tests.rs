//! Tests of the model's CRDT entity: streamed commands, cancellations and failed commands.

use cloudstate_protocol::cloudstate::crdt::{PnCounterDelta, VoteDelta, crdt_delta};
use cloudstate_protocol::cloudstate::tck::model::crdt::{
    Fail, PnCounterUpdate, RequestAction, VoteUpdate, VoteValue, state, update,
};

use super::*;

fn vote_update(self_vote: bool) -> Update {
    Update {
        update: Some(update::Update::Vote(VoteUpdate { self_vote })),
        write_consistency: 0,
    }
}

fn vote_state(self_vote: bool, votes_for: i32) -> State {
    State {
        value: Some(state::Value::Vote(VoteValue {
            self_vote,
            votes_for,
            total_voters: 1,
        })),
    }
}

fn vote_delta(self_vote: bool) -> Option<CrdtStateAction> {
    let delta = CrdtDelta {
        delta: Some(crdt_delta::Delta::Vote(VoteDelta {
            self_vote,
            ..VoteDelta::default()
        })),
    };
    Some(state_action(crdt_state_action::Action::Update(delta), 0))
}

fn streamed_state(message: &CrdtStreamedMessage) -> (i64, Option<ClientAction>) {
    (message.command_id, message.client_action.clone())
}

fn reply_state(state: State) -> Option<ClientAction> {
    Some(ClientAction {
        action: Some(reply_with(state)),
    })
}

/// The connection-tracking exchange of the original proxy test: a monitor stream sees an empty
/// stream's initial update and its cancel update, each after the answer that caused it.
#[test]
fn streams_hear_of_other_streams_updates_and_cancellations() {
    let mut entity = CrdtEntity::new("Vote-1", None).unwrap();
    let monitor = entity.open_stream(1, StreamedRequest::default());
    let Out::Reply(reply) = monitor.answer else {
        panic!("not a reply")
    };
    assert!(reply.streamed && reply.state_action.is_none());
    assert!(monitor.streamed.is_empty());

    let connect = StreamedRequest {
        initial_update: Some(vote_update(true)),
        cancel_update: Some(vote_update(false)),
        empty: true,
        ..StreamedRequest::default()
    };
    let connected = entity.open_stream(2, connect);
    let Out::Reply(reply) = connected.answer else {
        panic!("not a reply")
    };
    assert_eq!(reply.client_action, None);
    assert!(reply.streamed);
    assert_eq!(reply.state_action, vote_delta(true));
    let streamed: Vec<_> = connected.streamed.iter().map(streamed_state).collect();
    assert_eq!(streamed, vec![(1, reply_state(vote_state(true, 1)))]);

    let cancelled = entity.cancel(2).unwrap();
    let Out::Cancelled(response) = cancelled.answer else {
        panic!("not a cancellation response")
    };
    assert_eq!(response.state_action, vote_delta(false));
    let streamed: Vec<_> = cancelled.streamed.iter().map(streamed_state).collect();
    assert_eq!(streamed, vec![(1, reply_state(vote_state(false, 0)))]);

    let cancelled = entity.cancel(1).unwrap();
    let Out::Cancelled(response) = cancelled.answer else {
        panic!("not a cancellation response")
    };
    assert_eq!(response.state_action, None);
    assert!(cancelled.streamed.is_empty());
    assert!(entity.subscriptions.is_empty());
}

#[test]
fn a_failed_command_changes_nothing_and_write_consistency_is_mapped() {
    let mut entity = CrdtEntity::new("PNCounter-1", None).unwrap();
    let change = RequestAction {
        action: Some(Action::Update(Update {
            update: Some(update::Update::Pncounter(PnCounterUpdate { change: 5 })),
            write_consistency: 2,
        })),
    };
    let fail = RequestAction {
        action: Some(Action::Fail(Fail {
            message: "no".into(),
        })),
    };
    let request = ModelRequest {
        id: "PNCounter-1".into(),
        actions: vec![change.clone(), fail],
    };
    let (answer, deleted) = entity.process(1, &request);
    let Out::Reply(reply) = answer.answer else {
        panic!("not a reply")
    };
    assert!(!deleted && reply.state_action.is_none() && reply.side_effects.is_empty());
    let request = ModelRequest {
        id: "PNCounter-1".into(),
        actions: vec![change],
    };
    let (answer, _) = entity.process(2, &request);
    let Out::Reply(reply) = answer.answer else {
        panic!("not a reply")
    };
    let change_of_five = CrdtDelta {
        delta: Some(crdt_delta::Delta::Pncounter(PnCounterDelta { change: 5 })),
    };
    let expected = CrdtStateAction {
        write_consistency: CrdtWriteConsistency::All.into(),
        action: Some(crdt_state_action::Action::Update(change_of_five)),
    };
    assert_eq!(reply.state_action, Some(expected));
}

#[test]
fn a_cancellation_of_a_command_not_streaming_is_answered_empty_unless_a_fault_fails_it() {
    let mut entity = CrdtEntity::new("GCounter-1", None).unwrap();
    let answer = entity.cancel(3).unwrap();
    assert!(matches!(
        answer.answer,
        Out::Cancelled(CrdtStreamCancelledResponse {
            command_id: 3,
            ref side_effects,
            state_action: None,
        }) if side_effects.is_empty()
    ));
    let mut faulty = CrdtEntity::new("GCounter-1", None)
        .unwrap()
        .with_fault(Some(Fault::UnknownCancellationFails));
    assert!(faulty.cancel(3).is_err());
}
