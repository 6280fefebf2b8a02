//! A user function that never answers a command: the TCK holds the model's answer past the proxy's relay
//! timeout (which the run must be told, `--relay-timeout-ms`). The client's call must end in time with
//! `DEADLINE_EXCEEDED` or `UNAVAILABLE`, the proxy must give the stream up, and the entity's next command
//! must start it again from what is stored, without losing what was acknowledged.
//!
//! Whether the late answer's state change is stored is left open (the client was told the outcome is
//! unknown): the case accepts both, as long as the new stream's init and the client's read agree.

use std::time::Duration;

use cloudstate_protocol::cloudstate::tck::model::valueentity::value_entity_tck_model_client::ValueEntityTckModelClient;
use cloudstate_protocol::names::model::{EVENT_SOURCED_TCK_MODEL, VALUE_ENTITY_TCK_MODEL};
use tokio::time::Instant;
use tonic::{Code, Status};

use super::checks::expect_response;
use crate::case::{CaseFailure, Verdict};
use crate::cases::event_sourced::proxy::messages as es;
use crate::cases::value_entity::proxy::messages as ve;
use crate::proxy::{CallEvent, CallProbe, ProxyCx};

/// How much longer than the relay timeout the client's call may take to end.
const SLACK: Duration = Duration::from_millis(1_500);

/// Checks that the case has time for a relay timeout and the steps around it.
fn time_for(cx: &ProxyCx, relay: Duration) -> Verdict {
    let needed = relay + SLACK + Duration::from_millis(1_000);
    if cx.deadline().saturating_duration_since(Instant::now()) < needed {
        return Err(CaseFailure::error(format!(
            "the case deadline leaves less than the {} ms this case needs for a relay timeout of {} ms; \
             raise --timeout-ms",
            needed.as_millis(),
            relay.as_millis()
        )));
    }
    Ok(())
}

/// The held call's outcome: it must end within the relay timeout and the slack, with an error status
/// that says the user function did not answer.
async fn expect_timed_out<T: std::fmt::Debug>(
    cx: &ProxyCx,
    what: &str,
    relay: Duration,
    call: impl Future<Output = Result<tonic::Response<T>, Status>>,
) -> Verdict {
    let bound = relay + SLACK;
    let outcome = match tokio::time::timeout(bound, cx.client(what, call)).await {
        Err(_) => {
            return Err(CaseFailure::fail(format!(
                "{what}: the TCK held the user function's answer, and the client's call had not ended \
                 {} ms later; the proxy's relay timeout is {} ms",
                bound.as_millis(),
                relay.as_millis()
            )));
        }
        Ok(outcome) => outcome?,
    };
    match outcome {
        Err(status) if matches!(status.code(), Code::DeadlineExceeded | Code::Unavailable) => {
            Ok(())
        }
        Err(status) => Err(CaseFailure::mismatch(
            format!("{what}: the call ended with the wrong status after the relay timeout"),
            "gRPC status DEADLINE_EXCEEDED or UNAVAILABLE".to_owned(),
            format!("gRPC status {:?}: {}", status.code(), status.message()),
        )),
        Ok(response) => Err(CaseFailure::fail(format!(
            "{what}: the client got {response:?}, but the user function's answer was held by the TCK"
        ))),
    }
}

/// After the relay timeout, the proxy must give the stream up: it may half-close or cancel it, and the
/// held answer, released now, may still pass; it must send nothing more on it.
async fn expect_given_up(stream: &mut CallProbe) -> Verdict {
    loop {
        match stream.next_event().await? {
            CallEvent::Ended(_) | CallEvent::ProxyCancelled => return Ok(()),
            CallEvent::FromUserFunction(_) | CallEvent::ProxyHalfClosed => {}
            CallEvent::FromProxy(_) => {
                return Err(CaseFailure::fail(
                    "the proxy sent another message on the stream whose command ran out of its relay \
                     timeout; it must give that stream up and start the entity on a new one",
                ));
            }
        }
    }
}

/// New: a value entity stores "A"; the TCK holds the answer to an update to "B" past the relay timeout.
/// The client's call fails in time, the stream is given up, and a read opens a new stream whose init
/// carries what the read returns: "A", or "B" if the proxy stored the late answer.
pub(crate) async fn value_entity_unanswered_command(cx: ProxyCx) -> Verdict {
    let relay = cx.relay_timeout()?;
    time_for(&cx, relay)?;
    let id = cx.fresh_id("ve-relay");
    let storing = ve::request(&id, vec![ve::update("A")]);
    ve::process_ok(&cx, &storing, "A").await?;
    let mut entity = cx
        .expect_stream(ve::HANDLE, ve::init(VALUE_ENTITY_TCK_MODEL, &id, None))
        .await?;
    entity
        .expect_exchange(
            ve::process_in(1, &storing),
            ve::reply_out(1, "A", Some("A")),
        )
        .await?;

    let held = cx.intercept().hold_next_answer(ve::HANDLE);
    let changing = ve::request(&id, vec![ve::update("B")]);
    let mut client = ValueEntityTckModelClient::new(cx.channel());
    let what = format!("ValueEntityTckModel.Process {{id: {id}, update B}} (its answer held)");
    expect_timed_out(&cx, &what, relay, client.process(changing.clone())).await?;
    entity
        .expect_from_proxy(ve::process_in(2, &changing))
        .await?;
    held.release();
    expect_given_up(&mut entity).await?;

    let read = ve::request(&id, Vec::new());
    let what = format!("ValueEntityTckModel.Process {{id: {id}}}");
    let outcome = cx.client(&what, client.process(read.clone())).await?;
    let value = match &outcome {
        Ok(response) if response.message == "B" => "B",
        _ => "A",
    };
    expect_response(&what, outcome, &ve::response(value))?;
    let mut again = cx
        .expect_stream(
            ve::HANDLE,
            ve::init(VALUE_ENTITY_TCK_MODEL, &id, Some(value)),
        )
        .await?;
    again
        .expect_exchange(ve::process_in(1, &read), ve::reply_out(1, value, None))
        .await
}

/// New: an event-sourced entity stores the event "A"; the TCK holds the answer to a command emitting "B"
/// past the relay timeout. The client's call fails in time, the stream is given up, and a read opens a
/// new stream that replays "A" (and "B" only if the proxy stored the late answer) before command 1.
pub(crate) async fn event_sourced_unanswered_command(cx: ProxyCx) -> Verdict {
    let relay = cx.relay_timeout()?;
    time_for(&cx, relay)?;
    let id = cx.fresh_id("es-relay");
    let storing = es::request(&id, vec![es::emit("A")]);
    es::process_ok(&cx, &storing, "A").await?;
    let mut entity = cx
        .expect_stream(es::HANDLE, es::init(EVENT_SOURCED_TCK_MODEL, &id))
        .await?;
    entity
        .expect_exchange(es::process_in(1, &storing), es::reply_out(1, "A", &["A"]))
        .await?;

    let held = cx.intercept().hold_next_answer(es::HANDLE);
    let emitting = es::request(&id, vec![es::emit("B")]);
    let what = format!("EventSourcedTckModel.Process {{id: {id}, emit B}} (its answer held)");
    let mut client =
        cloudstate_protocol::cloudstate::tck::model::event_sourced_tck_model_client::EventSourcedTckModelClient::new(
            cx.channel(),
        );
    expect_timed_out(&cx, &what, relay, client.process(emitting.clone())).await?;
    entity
        .expect_from_proxy(es::process_in(2, &emitting))
        .await?;
    held.release();
    expect_given_up(&mut entity).await?;

    let read = es::request(&id, Vec::new());
    let outcome = es::process(&cx, &read).await?;
    let state = match &outcome {
        Ok(response) if response.message == "AB" => "AB",
        _ => "A",
    };
    let what = es::describe("EventSourcedTckModel.Process", &read);
    expect_response(&what, outcome, &es::response(state))?;
    let mut again = cx
        .expect_stream(es::HANDLE, es::init(EVENT_SOURCED_TCK_MODEL, &id))
        .await?;
    for (sequence, value) in (1..).zip(state.chars()) {
        again
            .expect_from_proxy(es::event_in(sequence, &value.to_string()))
            .await?;
    }
    again
        .expect_exchange(es::process_in(1, &read), es::reply_out(1, state, &[]))
        .await
}
