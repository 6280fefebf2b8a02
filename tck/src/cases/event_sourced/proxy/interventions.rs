//! Event-sourced cases in which the TCK, as the user function's stand-in, does what the model never does:
//! it sets `restart` on a failure, and it crashes an entity's stream mid-command. Either way the proxy
//! must open a new stream that replays the stored events before the next command, numbered from 1.

use bytes::Bytes;
use cloudstate_protocol::cloudstate::client_action;
use cloudstate_protocol::cloudstate::eventsourced::{
    EventSourcedStreamOut, event_sourced_stream_out,
};
use cloudstate_protocol::cloudstate::tck::model::event_sourced_tck_model_client::EventSourcedTckModelClient;
use cloudstate_protocol::names::model::EVENT_SOURCED_TCK_MODEL;
use prost::Message as _;

use super::support::{expect_new_stream, process_fails, process_ok};
use crate::case::{CaseFailure, Verdict};
use crate::messages::event_sourced::{
    EXPECTED_FAILURE, Expected, HANDLE, emit, emits, event_in, fail, process_in, request,
};
use crate::proxy::{CallEvent, CallProbe, ProxyCx};

/// The reply `message` with `restart` set, if it is a reply whose client action is a failure.
fn with_restart(message: &Bytes) -> Option<Bytes> {
    let mut out = EventSourcedStreamOut::decode(message.clone()).ok()?;
    let Some(event_sourced_stream_out::Message::Reply(reply)) = out.message.as_mut() else {
        return None;
    };
    let action = reply.client_action.as_mut()?.action.as_mut()?;
    let client_action::Action::Failure(failure) = action else {
        return None;
    };
    failure.restart = true;
    Some(Bytes::from(out.encode_to_vec()))
}

/// An entity that has stored the events "A" and "B", and its stream.
async fn entity_with_two_events(
    cx: &ProxyCx,
    prefix: &str,
) -> Result<(String, CallProbe), CaseFailure> {
    let id = cx.fresh_id(prefix);
    let first = request(&id, emits(&["A", "B"]));
    process_ok(cx, &first, "AB").await?;
    let mut entity = expect_new_stream(cx, EVENT_SOURCED_TCK_MODEL, &id).await?;
    let reply = Expected::reply(1, "AB").events(&["A", "B"]).out();
    entity.expect_exchange(process_in(1, &first), reply).await?;
    Ok((id, entity))
}

/// A read of the entity `id` (it must give "AB"), and the entity's new stream: the init, the replay of
/// "A" and "B", and the read as command 1.
async fn expect_replayed(cx: &ProxyCx, id: &str) -> Verdict {
    let read = request(id, Vec::new());
    process_ok(cx, &read, "AB").await?;
    let mut replayed = expect_new_stream(cx, EVENT_SOURCED_TCK_MODEL, id).await?;
    replayed.expect_from_proxy(event_in(1, "A")).await?;
    replayed.expect_from_proxy(event_in(2, "B")).await?;
    replayed
        .expect_exchange(process_in(1, &read), Expected::reply(1, "AB").out())
        .await
}

/// New: the entity stores "A" and "B"; a command emits "C" and fails, and the TCK sets `restart` on the
/// failure (ES-019 allows it). The client gets the failure; the proxy closes the stream and at once opens
/// a new one with the init and the stored events "A" and "B" (not "C"); a read is then command 1.
pub(super) async fn restart_replays_the_journal(cx: ProxyCx) -> Verdict {
    let (id, mut entity) = entity_with_two_events(&cx, "es-restart").await?;
    cx.intercept()
        .rewrite_next_from_user_function(HANDLE, with_restart);
    let failing = request(&id, vec![emit("C"), fail(EXPECTED_FAILURE)]);
    process_fails(&cx, &failing, EXPECTED_FAILURE).await?;
    entity.expect_from_proxy(process_in(2, &failing)).await?;
    entity
        .expect_from_user_function(Expected::failure(2, EXPECTED_FAILURE, true).out())
        .await?;
    entity.expect_closed().await?;
    expect_replayed(&cx, &id).await
}

/// New: the entity stores "A" and "B"; the TCK then ends the entity's stream with an error instead of
/// relaying the answer to a read, as a crashed user function would. The client's read fails; the next
/// read opens a new stream with the init and the replay of "A" and "B", and is command 1 on it.
pub(super) async fn reactivation_after_a_crash_replays_events(cx: ProxyCx) -> Verdict {
    let (id, mut entity) = entity_with_two_events(&cx, "es-crash").await?;
    cx.intercept().crash_at_next_answer(HANDLE);
    let read = request(&id, Vec::new());
    let what = format!("EventSourcedTckModel.Process {{id: {id}}} (its answer crashed by the TCK)");
    let mut client = EventSourcedTckModelClient::new(cx.channel());
    if let Ok(response) = cx.client(&what, client.process(read.clone())).await? {
        return Err(CaseFailure::fail(format!(
            "{what}: the client got {response:?}, but the entity's stream failed during the command"
        )));
    }
    entity.expect_from_proxy(process_in(2, &read)).await?;
    match entity.next_event().await? {
        CallEvent::Ended(Some(_)) => {}
        other => {
            return Err(CaseFailure::fail(format!(
                "expected the TCK's simulated crash to end the stream, but saw {other:?}"
            )));
        }
    }
    expect_replayed(&cx, &id).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn restart_is_set_only_on_failures() {
        let failed = Expected::failure(2, "x", false).out().encode_to_vec();
        let changed = with_restart(&Bytes::from(failed))
            .map(|bytes| EventSourcedStreamOut::decode(bytes).unwrap_or_default());
        assert_eq!(changed, Some(Expected::failure(2, "x", true).out()));
        let replied = Expected::reply(1, "A").out().encode_to_vec();
        assert_eq!(with_restart(&Bytes::from(replied)), None);
    }
}
