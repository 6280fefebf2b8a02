//! Unexpected input that only one entity type can get: an event after the first command of an
//! event-sourced stream, a CRDT delta of another type, and a cancellation of a CRDT command that is not
//! streaming.

use cloudstate_protocol::cloudstate::StreamCancelled;
use cloudstate_protocol::cloudstate::crdt::{
    CrdtDelta, CrdtReply, CrdtStreamIn, CrdtStreamOut, PnCounterDelta, crdt_delta, crdt_stream_in,
    crdt_stream_out,
};
use cloudstate_protocol::cloudstate::eventsourced::{
    EventSourcedEvent, EventSourcedStreamIn, event_sourced_stream_in,
};
use cloudstate_protocol::cloudstate::tck::model::Persisted;
use cloudstate_protocol::cloudstate::tck::model::crdt::{
    GCounterUpdate, GCounterValue, Request, RequestAction, Response, State, Update, request_action,
    state, update,
};
use cloudstate_protocol::names::model::{CRDT_TCK_MODEL, EVENT_SOURCED_TCK_MODEL};

use super::entity::{Crdt, EntityProtocol, EventSourced, Seen, init, process};
use super::expect::{Accepted, expect_refused, expect_reply};
use crate::case::{Case, sdk_case};
use crate::case::{CaseFailure, Verdict};
use crate::messages::{command, pack, reply};
use crate::sdk::SdkCx;
use crate::wire::WireMessage as _;

/// The cases of this file, in run order.
pub(super) const CASES: &[Case] = &[
    sdk_case! {
        id: "protocol.sdk.event_sourced_event_after_command",
        summary: "(SHOULD) an event after the first command is refused, with a top-level Failure or an error status, and not applied",
        requirements: ["MAL-009"],
        services: &[EVENT_SOURCED_TCK_MODEL],
        run: event_after_command,
    },
    sdk_case! {
        id: "protocol.sdk.crdt_delta_of_another_type",
        summary: "a PNCounter delta for a GCounter entity is refused: a top-level Failure with command_id 0, or an error status",
        requirements: ["MAL-015", "MAL-019"],
        services: &[CRDT_TCK_MODEL],
        run: delta_of_another_type,
    },
    sdk_case! {
        id: "protocol.sdk.crdt_cancellation_of_a_command_not_streaming",
        summary: "a cancellation of a command that is not streaming leaves the stream and the value as they were",
        requirements: ["MAL-012"],
        services: &[CRDT_TCK_MODEL],
        run: cancellation_of_a_command_not_streaming,
    },
];

/// MAL-009: an event after the stream's first command.
pub(super) async fn event_after_command(cx: SdkCx) -> Verdict {
    let id = EventSourced::fresh_id(&cx);
    let mut stream = EventSourced::open(&cx);
    stream.send(init::<EventSourced>(&id));
    stream.send(process::<EventSourced>(&id, 1));
    expect_reply::<EventSourced>(&mut stream, 1).await?;
    let event = EventSourcedEvent {
        sequence: 1,
        payload: Some(pack(
            "cloudstate.tck.model.Persisted",
            &Persisted { value: "B".into() },
        )),
    };
    stream.send(EventSourcedStreamIn {
        message: Some(event_sourced_stream_in::Message::Event(event)),
    });
    stream.send(process::<EventSourced>(&id, 2));
    let sent = "an event after the first command";
    expect_refused::<EventSourced>(&mut stream, 0, sent, Accepted::STREAM).await
}

/// MAL-015: a PNCounter delta for a GCounter entity.
pub(super) async fn delta_of_another_type(cx: SdkCx) -> Verdict {
    let id = Crdt::fresh_id(&cx);
    let mut stream = Crdt::open(&cx);
    stream.send(init::<Crdt>(&id));
    stream.send(process::<Crdt>(&id, 1));
    expect_reply::<Crdt>(&mut stream, 1).await?;
    let delta = CrdtDelta {
        delta: Some(crdt_delta::Delta::Pncounter(PnCounterDelta { change: 3 })),
    };
    stream.send(CrdtStreamIn {
        message: Some(crdt_stream_in::Message::Delta(delta)),
    });
    stream.send(process::<Crdt>(&id, 2));
    let sent = "a PNCounter delta for a GCounter entity";
    expect_refused::<Crdt>(&mut stream, 0, sent, Accepted::STREAM).await
}

/// MAL-012: a cancellation of a command that was answered without streaming. The stream stays usable:
/// the next command is answered with the value, which the cancellation did not change. An empty
/// cancellation response may come first.
pub(super) async fn cancellation_of_a_command_not_streaming(cx: SdkCx) -> Verdict {
    let id = Crdt::fresh_id(&cx);
    let mut stream = Crdt::open(&cx);
    stream.send(init::<Crdt>(&id));
    stream.send(increment(&id, 1));
    expect_reply::<Crdt>(&mut stream, 1).await?;
    stream.send(CrdtStreamIn {
        message: Some(crdt_stream_in::Message::StreamCancelled(StreamCancelled {
            entity_id: id.clone(),
            id: 1,
        })),
    });
    stream.send(process::<Crdt>(&id, 2));
    let expected = counter_reply(2, 1);
    let mut cancelled = false;
    loop {
        let out = stream.recv().await.map_err(|mut failure| {
            failure.expected.get_or_insert_with(|| expected.pretty());
            failure
        })?;
        match Crdt::seen(&out) {
            Seen::Cancelled {
                command_id: 1,
                empty: true,
            } if !cancelled => cancelled = true,
            Seen::Reply { command_id: 2, .. } if out == expected => return Ok(()),
            Seen::Failure { .. } => {
                return Err(CaseFailure::mismatch(
                    format!(
                        "{}: the user function failed the stream on a cancellation of command 1, \
                         which was answered without streaming; it must ignore it or answer with an \
                         empty cancellation response",
                        stream.label()
                    ),
                    expected.pretty(),
                    out.pretty(),
                ));
            }
            _ => {
                return Err(CaseFailure::mismatch(
                    format!(
                        "{}: after a cancellation of command 1, which was not streaming, and command \
                         2, expected at most an empty cancellation response for command 1 and the \
                         reply to command 2 with the unchanged value",
                        stream.label()
                    ),
                    expected.pretty(),
                    out.pretty(),
                ));
            }
        }
    }
}

/// `Process` command `command_id` that increments the GCounter by one.
fn increment(entity_id: &str, command_id: i64) -> CrdtStreamIn {
    let action = RequestAction {
        action: Some(request_action::Action::Update(Update {
            update: Some(update::Update::Gcounter(GCounterUpdate { increment: 1 })),
            write_consistency: 0,
        })),
    };
    let request = Request {
        id: entity_id.to_owned(),
        actions: vec![action],
    };
    let payload = pack(Crdt::REQUEST, &request);
    Crdt::command(command(entity_id, command_id, "Process", payload))
}

/// The reply to a command without actions on a GCounter whose value is `value`.
fn counter_reply(command_id: i64, value: u64) -> CrdtStreamOut {
    let response = Response {
        state: Some(State {
            value: Some(state::Value::Gcounter(GCounterValue { value })),
        }),
    };
    CrdtStreamOut {
        message: Some(crdt_stream_out::Message::Reply(CrdtReply {
            command_id,
            client_action: reply(pack(Crdt::RESPONSE, &response)),
            side_effects: Vec::new(),
            state_action: None,
            streamed: false,
        })),
    }
}
