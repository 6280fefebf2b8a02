//! A CRDT case in which the TCK, as the user function's stand-in, does what the model never does: it
//! crashes an entity's stream mid-command. The proxy holds the CRDT's value itself, so the next command's
//! new stream must start with that value as the init's delta.

use cloudstate_protocol::cloudstate::crdt::{CrdtDelta, CrdtInit, CrdtStreamIn, crdt_stream_in};
use cloudstate_protocol::cloudstate::tck::model::crdt::crdt_tck_model_client::CrdtTckModelClient;
use cloudstate_protocol::names::model::CRDT_TCK_MODEL;

use super::support::{Expected, HANDLE, describe, expect_new_stream, process_in, process_ok};
use super::values::{gcounter, gcounter_delta, gcounter_increment, request};
use crate::case::{CaseFailure, Verdict};
use crate::proxy::{CallEvent, ProxyCx};

/// The init of a `service` entity whose value the proxy holds, given as `delta`.
fn init_with(service: &str, entity_id: &str, delta: CrdtDelta) -> CrdtStreamIn {
    CrdtStreamIn {
        message: Some(crdt_stream_in::Message::Init(CrdtInit {
            service_name: service.to_owned(),
            entity_id: entity_id.to_owned(),
            delta: Some(delta),
        })),
    }
}

/// New: a GCounter is incremented to 3; the TCK then ends the entity's stream with an error instead of
/// relaying the answer to a read, as a crashed user function would. The client's read fails; the next
/// read opens a new stream whose init carries the counter's value 3 as a delta, and is command 1 on it.
pub(super) async fn reactivation_after_a_crash_sends_the_held_state(cx: ProxyCx) -> Verdict {
    let id = cx.fresh_id("GCounter-crash");
    let incrementing = request(&id, vec![gcounter_increment(3)]);
    process_ok(&cx, &incrementing, &gcounter(3)).await?;
    let mut entity = expect_new_stream(&cx, CRDT_TCK_MODEL, &id).await?;
    let reply = Expected::reply(1, &gcounter(3)).update(gcounter_delta(3));
    entity
        .expect_exchange(process_in(1, &incrementing), reply.out())
        .await?;

    cx.intercept().crash_at_next_answer(HANDLE);
    let read = request(&id, Vec::new());
    let what = format!(
        "{} (its answer crashed by the TCK)",
        describe("CrdtTckModel.Process", &read)
    );
    let mut client = CrdtTckModelClient::new(cx.channel());
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

    process_ok(&cx, &read, &gcounter(3)).await?;
    let mut again = cx.expect_call(HANDLE).await?;
    again
        .expect_from_proxy(init_with(CRDT_TCK_MODEL, &id, gcounter_delta(3)))
        .await?;
    again
        .expect_exchange(process_in(1, &read), Expected::reply(1, &gcounter(3)).out())
        .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_init_after_a_crash_carries_the_held_value() {
        let Some(crdt_stream_in::Message::Init(init)) =
            init_with(CRDT_TCK_MODEL, "GCounter-1", gcounter_delta(3)).message
        else {
            panic!("not an init");
        };
        assert_eq!(init.delta, Some(gcounter_delta(3)));
    }

    #[test]
    fn the_held_value_is_not_the_init_of_a_new_entity() {
        let held = init_with(CRDT_TCK_MODEL, "GCounter-1", gcounter_delta(3));
        let fresh = super::super::support::init(CRDT_TCK_MODEL, "GCounter-1");
        assert_ne!(held, fresh);
        let Some(crdt_stream_in::Message::Init(init)) = fresh.message else {
            panic!("not an init");
        };
        assert_eq!(
            (init.service_name.as_str(), init.delta),
            (CRDT_TCK_MODEL, None)
        );
    }
}
