//! Under a stalled user function: commands whose callers went away before they were sent are never
//! sent, a full queue and a full house are refused with `RESOURCE_EXHAUSTED`, and the health record
//! tells the user function is not answering, then that it is again.

use std::time::Duration;

use cloudstate_protocol::names::model::VALUE_ENTITY_TCK_MODEL;
use tonic::Code;

use super::value_entity::{command, message, request, update};
use super::{Harness, wait_for, within};
use crate::health::Health;
use crate::limits::EntityLimits;

/// Calls `Process` on entity `id`, updating it to `value`, and gives up (drops the call, as a client
/// that goes away does) after `patience`; `None` when it gave up.
async fn impatient(h: &Harness, id: &str, value: String, patience: Duration) -> Option<String> {
    let call = h.call(
        VALUE_ENTITY_TCK_MODEL,
        "Process",
        request(id, vec![update(&value)]),
    );
    let answer = tokio::time::timeout(patience, call).await.ok()?;
    Some(message(answer.expect("an answer")))
}

/// The values of the commands the user function received, in order.
fn commands_received(h: &Harness) -> Vec<String> {
    h.fake
        .value_entity
        .borrow()
        .iter()
        .filter_map(|(_, seen)| command(seen))
        .map(|command| {
            let payload = command.payload.clone().unwrap_or_default();
            let request = <cloudstate_protocol::cloudstate::tck::model::valueentity::Request as prost::Message>::decode(payload.value.as_slice())
                .unwrap_or_default();
            request
                .actions
                .into_iter()
                .filter_map(|action| action.action)
                .map(|action| format!("{action:?}"))
                .collect::<Vec<_>>()
                .join(",")
        })
        .collect()
}

#[tokio::test]
async fn commands_whose_callers_went_away_before_they_were_sent_are_never_sent() {
    let h = Harness::start().await;
    h.fake.gate.send_replace(false);
    let patience = Duration::from_millis(150);
    // The first is sent and stays in flight; the retries queue behind it, and their callers go too.
    let attempts = futures::future::join_all(
        (0..5).map(|attempt| impatient(&h, "stalled", format!("try-{attempt}"), patience)),
    )
    .await;
    assert!(attempts.iter().all(Option::is_none), "{attempts:?}");
    h.fake.gate.send_replace(true);
    let after = impatient(&h, "stalled", "fresh".to_owned(), Duration::from_secs(10)).await;
    assert_eq!(after.as_deref(), Some("fresh"));
    let received = commands_received(&h);
    assert_eq!(
        received.len(),
        2,
        "only the one in flight and the fresh one: {received:?}"
    );
    assert!(
        received[0].contains("try-0") && received[1].contains("fresh"),
        "{received:?}"
    );
}

#[tokio::test]
async fn a_full_queue_and_a_full_house_are_refused() {
    let h = Harness::start_with(EntityLimits::new(1, 2), Health::default()).await;
    h.fake.gate.send_replace(false);
    let process = |value: &str| {
        Box::pin(h.call(
            VALUE_ENTITY_TCK_MODEL,
            "Process",
            request("busy", vec![update(value)]),
        ))
    };
    // The first command reaches the user function and stays in flight there.
    let mut in_flight = process("v0");
    tokio::select! {
        answer = &mut in_flight => panic!("answered while stalled: {answer:?}"),
        () = wait_for(&h.fake.value_entity, |seen| seen.iter().any(|(_, seen)| command(seen).is_some())) => {}
    }
    // Two more wait in the queue (a first poll enqueues them)...
    let mut queued = vec![process("v1"), process("v2")];
    for call in &mut queued {
        assert!(futures::poll!(call).is_pending(), "answered while stalled");
    }
    // ...and the next one finds it full.
    let refused = within(process("v3")).await.unwrap_err();
    assert_eq!(refused.code(), Code::ResourceExhausted, "{refused:?}");
    assert!(
        refused.message().contains("MAX_QUEUED_COMMANDS"),
        "{refused:?}"
    );
    // Another entity would be a second active one, over the limit of one.
    let other = h
        .call(
            VALUE_ENTITY_TCK_MODEL,
            "Process",
            request("other", vec![update("x")]),
        )
        .await
        .unwrap_err();
    assert_eq!(other.code(), Code::ResourceExhausted);
    assert!(other.message().contains("MAX_ACTIVE_ENTITIES"), "{other:?}");
    // Once the user function answers again, every accepted command is answered.
    h.fake.gate.send_replace(true);
    assert!(within(in_flight).await.is_ok());
    for call in queued {
        assert!(within(call).await.is_ok());
    }
}

#[tokio::test]
async fn the_health_record_follows_a_silent_user_function() {
    let health = Health::new(Duration::from_millis(200));
    let h = Harness::start_with(EntityLimits::default(), health.clone()).await;
    assert_eq!(
        impatient(&h, "h", "before".to_owned(), Duration::from_secs(10))
            .await
            .as_deref(),
        Some("before")
    );
    h.fake.gate.send_replace(false);
    let stalled = tokio::spawn({
        let router = h.router.clone();
        async move {
            let requests = futures::stream::once(async {
                Ok(bytes::Bytes::from(prost::Message::encode_to_vec(&request(
                    "h",
                    vec![update("during")],
                ))))
            });
            router
                .call(VALUE_ENTITY_TCK_MODEL, "Process", Box::pin(requests))
                .await
                .map(|_| ())
        }
    });
    tokio::time::sleep(Duration::from_millis(400)).await;
    assert!(
        health.silent_for().is_some(),
        "not ready while nothing answers"
    );
    h.fake.gate.send_replace(true);
    within(stalled).await.expect("joined").expect("answered");
    assert_eq!(health.silent_for(), None, "ready again");
}
