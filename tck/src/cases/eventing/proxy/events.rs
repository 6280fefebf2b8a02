//! Event-log eventing through the proxy: events that the emitting entities persist reach the subscriber
//! as unary action calls, with CloudEvent metadata naming the emitting entity.

use cloudstate_protocol::cloudstate::eventsourced::{
    EventSourcedStreamOut, event_sourced_stream_out,
};
use cloudstate_protocol::cloudstate::tck::model::eventlogeventing::event_sourced_entity_one_client::EventSourcedEntityOneClient;
use cloudstate_protocol::cloudstate::tck::model::eventlogeventing::event_sourced_entity_two_client::EventSourcedEntityTwoClient;
use cloudstate_protocol::cloudstate::tck::model::eventlogeventing::{EmitEventRequest, JsonEvent};
use cloudstate_protocol::names::JSON_TYPE_URL_PREFIX;
use cloudstate_protocol::names::model::{EVENT_SOURCED_ENTITY_ONE, EVENT_SOURCED_ENTITY_TWO};
use prost::Message as _;
use prost_types::Any;

use super::support::{
    CloudEvent, SOME_MESSAGE, check_cloud_event, expect_emitter_stream, expect_unary_delivery,
};
use crate::case::{CaseFailure, Verdict};
use crate::cases::shared::checks::expect_response;
use crate::messages::eventing::{
    EFFECT, EMIT_EVENT_REQUEST, EVENT_ONE, JSON_EVENT, LOG_ONE, LOG_TWO, PROCESS_ANY_EVENT,
    PROCESS_EVENT_ONE, delivery, effect_request, emit_in, emit_json_in, emit_one, emitted,
    forward_event, forwarded, json_request, replied, reply_event,
};
use crate::messages::pack;
use crate::proxy::ProxyCx;
use crate::wire::{WireMessage as _, render_compact};

/// Calls `EventSourcedEntityOne.EmitEvent` through the proxy and expects an empty reply.
async fn emit(cx: &ProxyCx, request: &EmitEventRequest) -> Verdict {
    let what = format!(
        "EventSourcedEntityOne.EmitEvent {}",
        render_compact(EMIT_EVENT_REQUEST, &request.encode_to_vec())
    );
    let mut client = EventSourcedEntityOneClient::new(cx.channel());
    let outcome = cx.client(&what, client.emit_event(request.clone())).await?;
    expect_response(&what, outcome, &())
}

/// Calls `EventSourcedEntityTwo.EmitJsonEvent` through the proxy and expects an empty reply.
async fn emit_json(cx: &ProxyCx, request: &JsonEvent) -> Verdict {
    let what = format!(
        "EventSourcedEntityTwo.EmitJsonEvent {}",
        render_compact(JSON_EVENT, &request.encode_to_vec())
    );
    let mut client = EventSourcedEntityTwoClient::new(cx.channel());
    let outcome = cx
        .client(&what, client.emit_json_event(request.clone()))
        .await?;
    expect_response(&what, outcome, &())
}

/// The CloudEvent attributes of an `EventOne` emitted by entity `id`.
fn event_one_attributes(id: &str) -> CloudEvent<'_> {
    CloudEvent {
        source: LOG_ONE,
        event_type: EVENT_ONE,
        subject: id,
    }
}

/// Case 184, extended: `EventSourcedEntityOne` emits two `EventOne`s for one entity, each replying with
/// a message. The interceptor sees the entity's stream (init with no snapshot, commands 1 and 2, each
/// answered with an empty reply and its event), then, in that order, one unary
/// `EventLogSubscriberModel/ProcessEventOne` call per event whose payload is the event as emitted and
/// whose CloudEvent metadata names the log as source, `EventOne` as type and the entity as subject, with a
/// different `ce-id` for each; the subscriber answers each with `Response{entity id, message}`.
pub(super) async fn consume_an_event(cx: ProxyCx) -> Verdict {
    let id = cx.fresh_id("eventing");
    let first = reply_event(SOME_MESSAGE);
    let second = reply_event("another message");
    let requests = [emit_one(&id, first.clone()), emit_one(&id, second.clone())];
    for request in &requests {
        emit(&cx, request).await?;
    }

    let mut stream =
        expect_emitter_stream(&cx, EVENT_SOURCED_ENTITY_ONE, &id, emit_in(1, &requests[0])).await?;
    stream
        .expect_from_user_function(emitted(1, vec![pack(EVENT_ONE, &first)]))
        .await?;
    stream.expect_from_proxy(emit_in(2, &requests[1])).await?;
    stream
        .expect_from_user_function(emitted(2, vec![pack(EVENT_ONE, &second)]))
        .await?;

    let mut ids = Vec::new();
    for (event, message) in [(&first, SOME_MESSAGE), (&second, "another message")] {
        let sent = expect_unary_delivery(
            &cx,
            delivery(PROCESS_EVENT_ONE, pack(EVENT_ONE, event)),
            replied(&id, message),
        )
        .await?;
        ids.push(check_cloud_event(&sent, &event_one_attributes(&id))?);
    }
    if ids[0] == ids[1] {
        return Err(CaseFailure::fail(format!(
            "the two events of entity {id} were delivered with the same ce-id {:?}",
            ids[0]
        )));
    }
    Ok(())
}

/// Case 185: `EventSourcedEntityOne` emits an `EventOne` whose step forwards. The subscriber's
/// `ProcessEventOne` call carries the event and answers with a forward to `Effect` carrying
/// `EffectRequest{entity id, message}`, and the proxy then makes the unary call
/// `EventLogSubscriberModel/Effect` with that request, answered with `Response{entity id, message}`.
pub(super) async fn forward_a_consumed_event(cx: ProxyCx) -> Verdict {
    let id = cx.fresh_id("eventing");
    let event = forward_event(SOME_MESSAGE);
    let request = emit_one(&id, event.clone());
    emit(&cx, &request).await?;

    let mut stream =
        expect_emitter_stream(&cx, EVENT_SOURCED_ENTITY_ONE, &id, emit_in(1, &request)).await?;
    stream
        .expect_from_user_function(emitted(1, vec![pack(EVENT_ONE, &event)]))
        .await?;

    let sent = expect_unary_delivery(
        &cx,
        delivery(PROCESS_EVENT_ONE, pack(EVENT_ONE, &event)),
        forwarded(&id, SOME_MESSAGE),
    )
    .await?;
    check_cloud_event(&sent, &event_one_attributes(&id))?;
    expect_unary_delivery(
        &cx,
        delivery(EFFECT, effect_request(&id, SOME_MESSAGE)),
        replied(&id, SOME_MESSAGE),
    )
    .await?;
    Ok(())
}

/// The one event of an event-sourced reply, which must be a JSON event.
fn the_json_event(reply: &EventSourcedStreamOut) -> Result<Any, CaseFailure> {
    let events = match &reply.message {
        Some(event_sourced_stream_out::Message::Reply(reply)) => reply.events.as_slice(),
        _ => &[],
    };
    match events {
        [event] if event.type_url.starts_with(JSON_TYPE_URL_PREFIX) => Ok(event.clone()),
        _ => Err(CaseFailure::mismatch(
            "the user function's reply to EmitJsonEvent does not carry exactly one JSON event",
            format!(
                "a reply to command 1 with one event whose type URL starts with {JSON_TYPE_URL_PREFIX}"
            ),
            reply.pretty(),
        )),
    }
}

/// Case 186: `EventSourcedEntityTwo` emits a JSON event (the one event of its reply has a type URL in
/// `json.cloudstate.io/`). The proxy delivers it to the subscriber's method taking `google.protobuf.Any`,
/// `ProcessAnyEvent`, with the event exactly as emitted as the payload and CloudEvent metadata naming the
/// log `eventlogeventing-two` as source, the type name after the type URL's last `/` as type and the
/// entity as subject; the subscriber answers `Response{entity id, message}`.
pub(super) async fn process_json_events(cx: ProxyCx) -> Verdict {
    let id = cx.fresh_id("eventing");
    let message = "some json message";
    let request = json_request(&id, message);
    emit_json(&cx, &request).await?;

    let emit_command = emit_json_in(1, &request);
    let mut stream =
        expect_emitter_stream(&cx, EVENT_SOURCED_ENTITY_TWO, &id, emit_command).await?;
    let reply = stream
        .recv_from_user_function::<EventSourcedStreamOut>()
        .await?;
    let event = the_json_event(&reply)?;
    let expected_reply = emitted(1, vec![event.clone()]);
    if reply != expected_reply {
        return Err(CaseFailure::mismatch(
            "the user function's reply to EmitJsonEvent is not an empty reply with the event",
            expected_reply.pretty(),
            reply.pretty(),
        ));
    }

    let event_type = event
        .type_url
        .rsplit_once('/')
        .map_or(event.type_url.as_str(), |(_, name)| name)
        .to_owned();
    let sent = expect_unary_delivery(
        &cx,
        delivery(PROCESS_ANY_EVENT, event),
        replied(&id, message),
    )
    .await?;
    check_cloud_event(
        &sent,
        &CloudEvent {
            source: LOG_TWO,
            event_type: &event_type,
            subject: &id,
        },
    )?;
    Ok(())
}
