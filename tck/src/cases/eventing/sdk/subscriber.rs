//! The subscriber `EventLogSubscriberModel` answering events as a proxy delivers them: each event arrives
//! as one call of the method the proxy chose for its type (`ProcessEventOne` for `EventOne` through
//! `handleUnary`, `ProcessEventTwo` for `EventTwo` through `handleStreamedOut`, `ProcessAnyEvent` for a
//! JSON event), with CloudEvent metadata whose `ce-subject` names the emitting entity; and `Effect`, the
//! target of the subscriber's forwards, called as a proxy calls it after a forward.
//!
//! Every answer is compared whole, and every call must then end with status OK and nothing more.

use cloudstate_protocol::names::model::EVENT_LOG_SUBSCRIBER_MODEL;

use super::support::{deliver_event_one, deliver_event_two, deliver_json_event, json_event};
use crate::case::{Case, Verdict, sdk_case};
use crate::messages::eventing::{
    EFFECT, delivery, effect_request, event_two, forward_event, forward_step, forwarded, replied,
    reply_event, reply_step,
};
use crate::sdk::SdkCx;

/// The cases of this file, in run order.
pub(super) const CASES: &[Case] = &[
    sdk_case! {
        id: "eventing.sdk.process_event_one_reply",
        summary: "an EventOne delivered to ProcessEventOne with a reply step is answered with Response{ce-subject, message}, then the end",
        requirements: ["ACT-002", "ACT-005", "ACT-010", "ACT-013", "ACT-018", "EVT-010", "EVT-012"],
        services: &[EVENT_LOG_SUBSCRIBER_MODEL],
        run: process_event_one_reply,
    },
    sdk_case! {
        id: "eventing.sdk.process_event_one_forward",
        summary: "an EventOne delivered to ProcessEventOne with a forward step is answered with a forward to Effect with EffectRequest{ce-subject, message}",
        requirements: ["ACT-002", "ACT-005", "ACT-011", "ACT-013", "ACT-018", "EVT-010", "EVT-012"],
        services: &[EVENT_LOG_SUBSCRIBER_MODEL],
        run: process_event_one_forward,
    },
    sdk_case! {
        id: "eventing.sdk.process_event_two_streams_each_step",
        summary: "an EventTwo of three steps delivered to the streamed subscriber ProcessEventTwo gets one answer per step, in order, then the end",
        requirements: ["ACT-002", "ACT-007", "ACT-010", "ACT-011", "ACT-018", "EVT-010", "EVT-013"],
        services: &[EVENT_LOG_SUBSCRIBER_MODEL],
        run: process_event_two_streams_each_step,
    },
    sdk_case! {
        id: "eventing.sdk.process_any_event_json",
        summary: "a JSON event delivered to ProcessAnyEvent, which takes google.protobuf.Any, is answered with Response{ce-subject, the JSON's message}",
        requirements: ["ACT-002", "ACT-005", "ACT-010", "ACT-018", "EVT-010", "EVT-011", "EVT-014"],
        services: &[EVENT_LOG_SUBSCRIBER_MODEL],
        run: process_any_event_json,
    },
    sdk_case! {
        id: "eventing.sdk.effect_replies_with_its_request",
        summary: "Effect, the subscriber's method without a subscription, answers EffectRequest{id, message} with Response{id, message}",
        requirements: ["ACT-002", "ACT-005", "ACT-010", "ACT-018", "EVT-015"],
        services: &[EVENT_LOG_SUBSCRIBER_MODEL],
        run: effect_replies_with_its_request,
    },
];

/// Delivers `EventOne{reply "consumed"}` emitted by a fresh entity to `ProcessEventOne`, with CloudEvent
/// metadata naming the entity as `ce-subject` and the log as `ce-source`; expects `Response{entity id,
/// "consumed"}` and then the end of the call. A subscriber that reads the id from elsewhere than the
/// subject (the source, say) answers another id.
pub(super) async fn process_event_one_reply(cx: SdkCx) -> Verdict {
    let entity = cx.fresh_id("emitter");
    let mut call = cx.action_unary(deliver_event_one(&reply_event("consumed"), &entity));
    call.expect(replied(&entity, "consumed")).await?;
    call.expect_end().await
}

/// Delivers `EventOne{forward "passed on"}` emitted by a fresh entity to `ProcessEventOne`; expects a
/// forward to `EventLogSubscriberModel.Effect` with `EffectRequest{entity id, "passed on"}`, no metadata
/// and no side effects, and then the end of the call.
pub(super) async fn process_event_one_forward(cx: SdkCx) -> Verdict {
    let entity = cx.fresh_id("emitter");
    let mut call = cx.action_unary(deliver_event_one(&forward_event("passed on"), &entity));
    call.expect(forwarded(&entity, "passed on")).await?;
    call.expect_end().await
}

/// Delivers `EventTwo{reply "first", forward "second", reply "third"}` emitted by a fresh entity to
/// `ProcessEventTwo` through `handleStreamedOut`; expects, in order, `Response{entity id, "first"}`, a
/// forward to `Effect` with `EffectRequest{entity id, "second"}` and `Response{entity id, "third"}`, and
/// then the end of the call.
pub(super) async fn process_event_two_streams_each_step(cx: SdkCx) -> Verdict {
    let entity = cx.fresh_id("emitter");
    let event = event_two([
        reply_step("first"),
        forward_step("second"),
        reply_step("third"),
    ]);
    let mut call = cx.action_streamed_out(deliver_event_two(&event, &entity));
    for expected in [
        replied(&entity, "first"),
        forwarded(&entity, "second"),
        replied(&entity, "third"),
    ] {
        call.expect(expected).await?;
    }
    call.expect_end().await
}

/// Delivers the JSON event `{"message":"json consumed"}` (type URL `json.cloudstate.io/JsonEvent`, the
/// JSON text in field 1) emitted by a fresh entity to `ProcessAnyEvent`; expects `Response{entity id,
/// "json consumed"}` and then the end of the call. A user function that looks for a method by the
/// payload's type, or that decodes the `Any` it should hand over unchanged, does not get there.
pub(super) async fn process_any_event_json(cx: SdkCx) -> Verdict {
    let entity = cx.fresh_id("emitter");
    let mut call = cx.action_unary(deliver_json_event(json_event("json consumed"), &entity));
    call.expect(replied(&entity, "json consumed")).await?;
    call.expect_end().await
}

/// Calls `Effect` with `EffectRequest{"effect-target", "effected"}`, as a proxy does after the
/// subscriber's forward (without CloudEvent metadata: a forward is not an event); expects
/// `Response{"effect-target", "effected"}` and then the end of the call.
pub(super) async fn effect_replies_with_its_request(cx: SdkCx) -> Verdict {
    let id = cx.fresh_id("effect-target");
    let mut call = cx.action_unary(delivery(EFFECT, effect_request(&id, "effected")));
    call.expect(replied(&id, "effected")).await?;
    call.expect_end().await
}
