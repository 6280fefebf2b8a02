//! The emitting entities of the eventing model on `EventSourced.handle`: `EventSourcedEntityOne.EmitEvent`
//! emits the chosen protobuf event, `EventSourcedEntityTwo.EmitJsonEvent` a JSON event, and both reply
//! with `google.protobuf.Empty`. Each case opens a fresh entity, checks every reply whole and then
//! half-closes, expecting the stream to end.

use cloudstate_protocol::cloudstate::eventsourced::{
    EventSourcedStreamOut, event_sourced_stream_out,
};
use cloudstate_protocol::names::model::{EVENT_SOURCED_ENTITY_ONE, EVENT_SOURCED_ENTITY_TWO};

use super::support::check_json_event;
use crate::case::{Case, CaseFailure, Verdict, sdk_case};
use crate::messages::eventing::{
    EVENT_ONE, EVENT_TWO, emit_in, emit_json_in, emit_one, emit_two, emitted, event_two,
    forward_step, init, json_request, reply_event, reply_step,
};
use crate::messages::pack;
use crate::sdk::SdkCx;
use crate::wire::WireMessage as _;

/// The cases of this file, in run order.
pub(super) const CASES: &[Case] = &[
    sdk_case! {
        id: "eventing.sdk.emit_protobuf_events",
        summary: "EmitEvent emits the EventOne, then the EventTwo, it is asked for, each packed under its full type URL, and replies google.protobuf.Empty",
        requirements: ["ES-007", "ES-008", "ES-013", "ES-022", "EVT-016"],
        services: &[EVENT_SOURCED_ENTITY_ONE],
        run: emit_protobuf_events,
    },
    sdk_case! {
        id: "eventing.sdk.emit_json_event",
        summary: "EmitJsonEvent emits one JSON event: a json.cloudstate.io/ type URL and JSON {\"message\": ...} in field 1, and replies google.protobuf.Empty",
        requirements: ["ES-007", "ES-008", "ES-022", "EVT-017"],
        services: &[EVENT_SOURCED_ENTITY_TWO],
        run: emit_json_event,
    },
];

/// On a fresh `EventSourcedEntityOne`, command 1 asks `EmitEvent` for `EventOne{reply "one"}` and command 2
/// for `EventTwo{reply "two", forward "three"}`; each reply must be `google.protobuf.Empty` with exactly
/// that event, packed as `type.googleapis.com/cloudstate.tck.model.eventlogeventing.EventOne` (then
/// `…EventTwo`), no side effects and no snapshot; the stream must end after the TCK half-closes it.
pub(super) async fn emit_protobuf_events(cx: SdkCx) -> Verdict {
    let id = cx.fresh_id("emitter-one");
    let first = reply_event("one");
    let second = event_two([reply_step("two"), forward_step("three")]);
    let mut stream = cx.event_sourced();
    stream.send(init(EVENT_SOURCED_ENTITY_ONE, &id));
    stream.send(emit_in(1, &emit_one(&id, first.clone())));
    stream
        .expect(emitted(1, vec![pack(EVENT_ONE, &first)]))
        .await?;
    stream.send(emit_in(2, &emit_two(&id, second.clone())));
    stream
        .expect(emitted(2, vec![pack(EVENT_TWO, &second)]))
        .await?;
    stream.close().await
}

/// On a fresh `EventSourcedEntityTwo`, command 1 asks `EmitJsonEvent` for the message "a json event"; the
/// reply must be `google.protobuf.Empty` with one event, no side effects and no snapshot, and the event a
/// JSON event of `{"message": "a json event"}` (any type name after `json.cloudstate.io/`, any layout of
/// the JSON text); the stream must end after the TCK half-closes it.
pub(super) async fn emit_json_event(cx: SdkCx) -> Verdict {
    let id = cx.fresh_id("emitter-two");
    let message = "a json event";
    let mut stream = cx.event_sourced();
    stream.send(init(EVENT_SOURCED_ENTITY_TWO, &id));
    stream.send(emit_json_in(1, &json_request(&id, message)));
    let reply = stream.recv().await?;
    let events = match &reply.message {
        Some(event_sourced_stream_out::Message::Reply(answer)) => answer.events.clone(),
        _ => Vec::new(),
    };
    let [event] = events.as_slice() else {
        return Err(not_one_event(&reply));
    };
    check_json_event(event, message)?;
    let expected = emitted(1, vec![event.clone()]);
    if reply != expected {
        return Err(CaseFailure::mismatch(
            format!(
                "{}: the reply to EmitJsonEvent is not google.protobuf.Empty with its one event \
                 (and nothing else)",
                stream.label()
            ),
            expected.pretty(),
            reply.pretty(),
        ));
    }
    stream.close().await
}

/// The failure of a reply to `EmitJsonEvent` that does not carry exactly one event.
fn not_one_event(reply: &EventSourcedStreamOut) -> CaseFailure {
    CaseFailure::mismatch(
        "the answer to EmitJsonEvent is not a reply to command 1 with exactly one event",
        "a reply to command 1: google.protobuf.Empty and one JSON event".to_owned(),
        reply.pretty(),
    )
}
