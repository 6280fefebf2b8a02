//! CRDT entities through the proxy's router, against a scripted fake user function.

use crate::crdt_support;

use cloudstate_protocol::cloudstate::crdt::{
    CrdtStreamCancelledResponse, CrdtStreamedMessage, GSetDelta, PnCounterDelta, VoteDelta,
    crdt_delta::Delta, crdt_stream_in, crdt_stream_out,
};
use cloudstate_protocol::cloudstate::tck::model::crdt::Request;
use cloudstate_protocol::cloudstate::{Failure, SideEffect, StreamCancelled};
use cloudstate_protocol::names::model;
use crdt_support::{Harness, delete, delta, outcome, reply, reply_with, update, within};
use futures::StreamExt as _;
use prost::Message as _;
use prost_types::Any;

fn pncounter(change: i64) -> Delta {
    Delta::Pncounter(PnCounterDelta { change })
}

fn vote(self_vote: bool) -> Delta {
    Delta::Vote(VoteDelta {
        self_vote,
        votes_for: 0,
        total_voters: 0,
    })
}

#[tokio::test]
async fn init_carries_the_held_state_when_a_passivated_entity_comes_back() {
    let mut proxy = Harness::start(None).await;

    let call = proxy.call(model::CRDT_CONFIGURED, "Call", "counter");
    let mut stream = proxy.stream().await;
    let init = stream.init().await;
    assert_eq!(init.service_name, model::CRDT_CONFIGURED);
    assert_eq!(init.entity_id, "counter");
    assert_eq!(init.delta, None, "a new entity has no state");
    let command = stream.command().await;
    assert_eq!((command.id, command.name.as_str()), (1, "Call"));
    assert_eq!(command.entity_id, "counter");
    assert!(!command.streamed);
    assert_eq!(command.metadata, None);
    let payload = command.payload.expect("no payload");
    assert_eq!(
        payload.type_url,
        "type.googleapis.com/cloudstate.tck.model.crdt.Request"
    );
    assert_eq!(
        Request::decode(payload.value.as_slice()).unwrap().id,
        "counter"
    );
    stream.send(reply(1, reply_with("five"), update(pncounter(5)), false));
    assert_eq!(outcome(call).await.unwrap(), "five".as_bytes());

    // Passivation after 100 ms: the proxy half-closes, the user function ends the stream.
    stream.closed().await;
    stream.end();

    let call = proxy.call(model::CRDT_CONFIGURED, "Call", "counter");
    let mut stream = proxy.stream().await;
    assert_eq!(stream.init().await.delta, Some(delta(pncounter(5))));
    assert_eq!(
        stream.command().await.id,
        1,
        "ids start at 1 on every stream"
    );
    stream.send(reply(1, reply_with("three"), update(pncounter(-2)), false));
    assert_eq!(outcome(call).await.unwrap(), "three".as_bytes());
    stream.closed().await;
    stream.end();

    let call = proxy.call(model::CRDT_CONFIGURED, "Call", "counter");
    let mut stream = proxy.stream().await;
    assert_eq!(stream.init().await.delta, Some(delta(pncounter(3))));
    stream.command().await;
    stream.send(reply(1, reply_with("same"), None, false));
    assert_eq!(outcome(call).await.unwrap(), "same".as_bytes());
}

#[tokio::test]
async fn a_streamed_command_streams_until_end_stream_and_runs_side_effects() {
    let mut proxy = Harness::start(None).await;
    let mut output = proxy.streamed("streamed").await;
    let mut stream = proxy.stream().await;
    stream.init().await;
    let command = stream.command().await;
    assert_eq!((command.id, command.name.as_str()), (1, "ProcessStreamed"));
    assert!(command.streamed);

    stream.send(reply(1, reply_with("first"), update(pncounter(1)), true));
    assert_eq!(
        within(output.next()).await.unwrap().unwrap(),
        "first".as_bytes()
    );
    stream.send(crdt_stream_out::Message::StreamedMessage(
        CrdtStreamedMessage {
            command_id: 1,
            client_action: reply_with("second"),
            side_effects: Vec::new(),
            end_stream: false,
        },
    ));
    assert_eq!(
        within(output.next()).await.unwrap().unwrap(),
        "second".as_bytes()
    );

    // The last message carries a synchronous side effect, which runs before the message is released.
    let target = Request {
        id: "two".to_owned(),
        actions: Vec::new(),
    };
    let effect = SideEffect {
        service_name: model::CRDT_TWO.to_owned(),
        command_name: "Call".to_owned(),
        payload: Some(Any {
            type_url: "type.googleapis.com/cloudstate.tck.model.crdt.Request".to_owned(),
            value: target.encode_to_vec(),
        }),
        synchronous: true,
        metadata: None,
    };
    stream.send(crdt_stream_out::Message::StreamedMessage(
        CrdtStreamedMessage {
            command_id: 1,
            client_action: reply_with("third"),
            side_effects: vec![effect],
            end_stream: true,
        },
    ));
    let mut two = proxy.stream().await;
    assert_eq!(two.init().await.entity_id, "two");
    assert_eq!(two.command().await.name, "Call");
    two.send(reply(1, reply_with(""), None, false));
    assert_eq!(
        within(output.next()).await.unwrap().unwrap(),
        "third".as_bytes()
    );
    assert!(
        within(output.next()).await.is_none(),
        "end_stream ends the call"
    );
}

#[tokio::test]
async fn a_caller_going_away_cancels_its_stream_and_the_cancel_response_updates_the_state() {
    let mut proxy = Harness::start(Some(200)).await;
    let output = proxy.streamed("vote").await;
    let mut stream = proxy.stream().await;
    stream.init().await;
    stream.command().await;
    // No client action: the caller gets no first message.
    stream.send(reply(1, None, update(vote(true)), true));

    drop(output);
    match stream.recv().await {
        Some(crdt_stream_in::Message::StreamCancelled(StreamCancelled { entity_id, id })) => {
            assert_eq!((entity_id.as_str(), id), ("vote", 1));
        }
        other => panic!("expected StreamCancelled, got {other:?}"),
    }
    stream.send(crdt_stream_out::Message::StreamCancelledResponse(
        CrdtStreamCancelledResponse {
            command_id: 1,
            side_effects: Vec::new(),
            state_action: update(vote(false)),
        },
    ));

    // With nothing open, the entity passivates; its next stream starts with the vote the cancellation left.
    stream.closed().await;
    stream.end();
    let call = proxy.call(model::CRDT_TCK_MODEL, "Process", "vote");
    let mut stream = proxy.stream().await;
    let expected = Delta::Vote(VoteDelta {
        self_vote: false,
        votes_for: 0,
        total_voters: 1,
    });
    assert_eq!(stream.init().await.delta, Some(delta(expected)));
    stream.command().await;
    stream.send(reply(1, reply_with("voted"), update(vote(true)), false));
    assert_eq!(outcome(call).await.unwrap(), "voted".as_bytes());
    stream.closed().await;
    stream.end();

    let _call = proxy.call(model::CRDT_TCK_MODEL, "Process", "vote");
    let mut stream = proxy.stream().await;
    let expected = Delta::Vote(VoteDelta {
        self_vote: true,
        votes_for: 1,
        total_voters: 1,
    });
    assert_eq!(stream.init().await.delta, Some(delta(expected)));
}

#[tokio::test]
async fn a_delete_answers_then_closes_the_stream_and_forgets_the_state() {
    let mut proxy = Harness::start(None).await;
    let call = proxy.call(model::CRDT_TCK_MODEL, "Process", "doomed");
    let mut stream = proxy.stream().await;
    stream.init().await;
    stream.command().await;
    stream.send(reply(1, reply_with("seven"), update(pncounter(7)), false));
    assert_eq!(outcome(call).await.unwrap(), "seven".as_bytes());

    let call = proxy.call(model::CRDT_TCK_MODEL, "Process", "doomed");
    assert_eq!(stream.command().await.id, 2);
    stream.send(reply(2, reply_with("gone"), delete(), false));
    assert_eq!(outcome(call).await.unwrap(), "gone".as_bytes());
    stream.closed().await;
    stream.end();

    let call = proxy.call(model::CRDT_TCK_MODEL, "Process", "doomed");
    let mut stream = proxy.stream().await;
    assert_eq!(
        stream.init().await.delta,
        None,
        "the deleted state is forgotten"
    );
    assert_eq!(stream.command().await.id, 1);
    stream.send(reply(1, reply_with("new"), None, false));
    assert_eq!(outcome(call).await.unwrap(), "new".as_bytes());
}

#[tokio::test]
async fn replies_may_come_out_of_order_and_a_failure_fails_its_command_only() {
    let mut proxy = Harness::start(None).await;
    let first = proxy.call(model::CRDT_TCK_MODEL, "Process", "busy");
    let mut stream = proxy.stream().await;
    stream.init().await;
    assert_eq!(stream.command().await.id, 1);
    let second = proxy.call(model::CRDT_TCK_MODEL, "Process", "busy");
    assert_eq!(stream.command().await.id, 2, "commands are pipelined");

    stream.send(reply(2, reply_with("two"), update(pncounter(2)), false));
    assert_eq!(outcome(second).await.unwrap(), "two".as_bytes());
    stream.send(reply(1, reply_with("one"), update(pncounter(1)), false));
    assert_eq!(outcome(first).await.unwrap(), "one".as_bytes());

    let failing = proxy.call(model::CRDT_TCK_MODEL, "Process", "busy");
    assert_eq!(stream.command().await.id, 3);
    let failure = |command_id: i64| {
        crdt_stream_out::Message::Failure(Failure {
            command_id,
            description: "boom".to_owned(),
            restart: false,
        })
    };
    // A failure with no command id is only logged.
    stream.send(failure(0));
    stream.send(failure(3));
    let status = outcome(failing).await.unwrap_err();
    assert_eq!(
        (status.code(), status.message()),
        (tonic::Code::Unknown, "boom")
    );

    let after = proxy.call(model::CRDT_TCK_MODEL, "Process", "busy");
    assert_eq!(stream.command().await.id, 4, "the stream goes on");
    stream.send(reply(4, reply_with("four"), None, false));
    assert_eq!(outcome(after).await.unwrap(), "four".as_bytes());
}

#[tokio::test]
async fn protocol_violations_fail_the_commands_report_and_drop_the_stream() {
    let mut proxy = Harness::start(None).await;
    let first = proxy.call(model::CRDT_TCK_MODEL, "Process", "bad");
    let mut stream = proxy.stream().await;
    stream.init().await;
    stream.command().await;
    stream.send(reply(1, reply_with("one"), update(pncounter(1)), false));
    assert_eq!(outcome(first).await.unwrap(), "one".as_bytes());

    // A reply to a command that was never sent.
    let waiting = proxy.call(model::CRDT_TCK_MODEL, "Process", "bad");
    assert_eq!(stream.command().await.id, 2);
    stream.send(reply(42, reply_with("?"), None, false));
    let status = outcome(waiting).await.unwrap_err();
    assert_eq!(status.code(), tonic::Code::Unknown);
    assert!(proxy.error().await.contains("42"));
    stream.closed().await;

    // A delta of another CRDT type: the state stays as it was.
    let call = proxy.call(model::CRDT_TCK_MODEL, "Process", "bad");
    let mut stream = proxy.stream().await;
    assert_eq!(stream.init().await.delta, Some(delta(pncounter(1))));
    stream.command().await;
    let gset = Delta::Gset(GSetDelta { added: Vec::new() });
    stream.send(reply(1, reply_with("?"), update(gset), false));
    assert_eq!(
        outcome(call).await.unwrap_err().code(),
        tonic::Code::Unknown
    );
    let error = proxy.error().await;
    assert!(
        error.contains("a GSet delta cannot be applied to a PNCounter"),
        "{error}"
    );
    stream.closed().await;

    // A streamed message for a command that is not streamed.
    let call = proxy.call(model::CRDT_TCK_MODEL, "Process", "bad");
    let mut stream = proxy.stream().await;
    assert_eq!(stream.init().await.delta, Some(delta(pncounter(1))));
    stream.command().await;
    stream.send(crdt_stream_out::Message::StreamedMessage(
        CrdtStreamedMessage {
            command_id: 1,
            client_action: reply_with("?"),
            side_effects: Vec::new(),
            end_stream: false,
        },
    ));
    assert_eq!(
        outcome(call).await.unwrap_err().code(),
        tonic::Code::Unknown
    );
    assert!(proxy.error().await.contains("not streamed"));
    stream.closed().await;
}

#[tokio::test]
async fn a_caller_gone_before_the_reply_is_cancelled_after_it_and_cancel_side_effects_run() {
    let mut proxy = Harness::start(None).await;
    let output = proxy.streamed("early").await;
    let mut stream = proxy.stream().await;
    stream.init().await;
    stream.command().await;
    drop(output);
    stream.send(reply(1, reply_with("late"), None, true));
    match stream.recv().await {
        Some(crdt_stream_in::Message::StreamCancelled(cancelled)) => assert_eq!(cancelled.id, 1),
        other => panic!("expected StreamCancelled, got {other:?}"),
    }
    let effect = SideEffect {
        service_name: model::CRDT_TWO.to_owned(),
        command_name: "Call".to_owned(),
        payload: Some(Any {
            type_url: "type.googleapis.com/cloudstate.tck.model.crdt.Request".to_owned(),
            value: Request {
                id: "effect".to_owned(),
                actions: Vec::new(),
            }
            .encode_to_vec(),
        }),
        synchronous: false,
        metadata: None,
    };
    stream.send(crdt_stream_out::Message::StreamCancelledResponse(
        CrdtStreamCancelledResponse {
            command_id: 1,
            side_effects: vec![effect],
            state_action: None,
        },
    ));
    let mut two = proxy.stream().await;
    assert_eq!(two.init().await.entity_id, "effect");
    assert_eq!(two.command().await.name, "Call");

    // The stream is in a good state: the next command is number 2.
    let call = proxy.call(model::CRDT_TCK_MODEL, "Process", "early");
    assert_eq!(stream.command().await.id, 2);
    stream.send(reply(2, reply_with("ok"), None, false));
    assert_eq!(outcome(call).await.unwrap(), "ok".as_bytes());
}

#[tokio::test]
async fn a_command_arriving_while_the_stream_closes_waits_for_the_next_stream() {
    let mut proxy = Harness::start(None).await;
    let call = proxy.call(model::CRDT_CONFIGURED, "Call", "closing");
    let mut stream = proxy.stream().await;
    stream.init().await;
    stream.command().await;
    stream.send(reply(1, reply_with("one"), update(pncounter(1)), false));
    assert_eq!(outcome(call).await.unwrap(), "one".as_bytes());
    stream.closed().await;

    // The user function has not ended the old stream yet.
    let call = proxy.call(model::CRDT_CONFIGURED, "Call", "closing");
    stream.end();
    let mut stream = proxy.stream().await;
    assert_eq!(stream.init().await.delta, Some(delta(pncounter(1))));
    assert_eq!(stream.command().await.id, 1);
    stream.send(reply(1, reply_with("two"), None, false));
    assert_eq!(outcome(call).await.unwrap(), "two".as_bytes());
}
