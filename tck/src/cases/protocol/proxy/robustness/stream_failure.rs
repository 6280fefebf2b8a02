//! A top-level `Failure` from the user function on a value-entity or event-sourced stream: the client of
//! the command in flight gets `UNKNOWN` with its description, the proxy gives up the entity's stream
//! without reporting anything back, and the entity's next command starts it again from its stored state
//! or journal (spec FAIL-001 to FAIL-003).

use cloudstate_protocol::cloudstate::Failure;
use cloudstate_protocol::cloudstate::eventsourced::{
    EventSourcedStreamOut, event_sourced_stream_out,
};
use cloudstate_protocol::cloudstate::valueentity::{ValueEntityStreamOut, value_entity_stream_out};
use tonic::Code;

use super::support::{
    EVENT_SOURCED_HANDLE, VALUE_ENTITY_HANDLE, changed_es_reply, changed_ve_reply, es_process,
    es_request, expect_es_answer, expect_es_command, expect_es_stream, expect_state, expect_status,
    expect_ve_answer, expect_ve_command, expect_ve_stream, ve_process, ve_request,
};
use crate::case::{CaseFailure, Verdict};
use crate::proxy::ProxyCx;

/// The description of the TCK's failure.
const FATAL: &str = "the entity cannot go on";

/// A top-level failure for command `command_id`, instead of the model's reply.
fn fatal(command_id: i64) -> ValueEntityStreamOut {
    ValueEntityStreamOut {
        message: Some(value_entity_stream_out::Message::Failure(Failure {
            command_id,
            description: FATAL.to_owned(),
            restart: false,
        })),
    }
}

/// The same failure on an event-sourced stream.
fn es_fatal(command_id: i64) -> EventSourcedStreamOut {
    EventSourcedStreamOut {
        message: Some(event_sourced_stream_out::Message::Failure(Failure {
            command_id,
            description: FATAL.to_owned(),
            restart: false,
        })),
    }
}

/// New: a value entity stores "A"; the TCK replaces the model's reply to the next read (command 2) with
/// a top-level `Failure` for command 2. The client must get `UNKNOWN` with the failure's description;
/// the proxy must end the stream without calling `reportError`; the next read opens a new stream whose
/// init carries "A", with command 1, and gets "A".
pub(super) async fn top_level_failure_ends_the_entity(cx: ProxyCx) -> Verdict {
    let id = cx.fresh_id("ve-fatal");
    let set = ve_request(&id, Some("A"));
    expect_state(ve_process(&cx, &set, "").await?, "A", "the first call")?;
    let mut entity = expect_ve_stream(&cx, &id, None).await?;
    expect_ve_command(&mut entity, 1).await?;
    expect_ve_answer(&mut entity).await?;

    cx.intercept()
        .rewrite_next_from_user_function(VALUE_ENTITY_HANDLE, |message| {
            changed_ve_reply(message, |_| fatal(2))
        });
    let read = ve_request(&id, None);
    let note = "its reply replaced with a top-level Failure by the TCK";
    let outcome = ve_process(&cx, &read, &format!(" ({note})")).await?;
    expect_status(
        outcome,
        Code::Unknown,
        Some(FATAL),
        &format!("the second call, {note}"),
    )?;
    expect_ve_command(&mut entity, 2).await?;
    expect_ve_answer(&mut entity).await?;

    // The next read is sent at once: a proxy that kept the stream would send it there.
    let next = {
        let (cx, read) = (cx.clone(), read.clone());
        tokio::spawn(async move { ve_process(&cx, &read, "").await })
    };
    entity.expect_closed().await?;
    let mut again = expect_ve_stream(&cx, &id, Some("A")).await?;
    expect_ve_command(&mut again, 1).await?;
    expect_ve_answer(&mut again).await?;
    let outcome = next
        .await
        .map_err(|error| CaseFailure::error(format!("the client call's task failed: {error}")))??;
    expect_state(outcome, "A", "the third call")
}

/// New: an event-sourced entity persists "A" and then "B" with commands 1 and 2; the TCK replaces the
/// model's reply to the next command (command 3, which would emit "C") with a top-level `Failure` for
/// command 3. The client must get `UNKNOWN` with the failure's description; the proxy must end the stream
/// without calling `reportError`, and must not store "C"; the next read opens a new stream whose init is
/// followed by the replay of "A" and "B", with command 1, and gets "AB".
pub(super) async fn top_level_failure_ends_an_event_sourced_entity(cx: ProxyCx) -> Verdict {
    let id = cx.fresh_id("es-fatal");
    let first = es_request(&id, Some("A"));
    expect_state(es_process(&cx, &first, "").await?, "A", "the first call")?;
    let mut entity = expect_es_stream(&cx, &id, &[]).await?;
    expect_es_command(&mut entity, 1).await?;
    expect_es_answer(&mut entity).await?;
    let second = es_request(&id, Some("B"));
    expect_state(es_process(&cx, &second, "").await?, "AB", "the second call")?;
    expect_es_command(&mut entity, 2).await?;
    expect_es_answer(&mut entity).await?;

    cx.intercept()
        .rewrite_next_from_user_function(EVENT_SOURCED_HANDLE, |message| {
            changed_es_reply(message, |_| es_fatal(3))
        });
    let third = es_request(&id, Some("C"));
    let note = "its reply, which emits C, replaced with a top-level Failure by the TCK";
    let outcome = es_process(&cx, &third, &format!(" ({note})")).await?;
    expect_status(
        outcome,
        Code::Unknown,
        Some(FATAL),
        &format!("the third call, {note}"),
    )?;
    expect_es_command(&mut entity, 3).await?;
    expect_es_answer(&mut entity).await?;

    // The read is sent at once: a proxy that kept the stream would send it there.
    let read = es_request(&id, None);
    let next = {
        let (cx, read) = (cx.clone(), read.clone());
        tokio::spawn(async move { es_process(&cx, &read, "").await })
    };
    entity.expect_closed().await?;
    let mut again = expect_es_stream(&cx, &id, &["A", "B"]).await?;
    expect_es_command(&mut again, 1).await?;
    expect_es_answer(&mut again).await?;
    let outcome = next
        .await
        .map_err(|error| CaseFailure::error(format!("the client call's task failed: {error}")))??;
    expect_state(outcome, "AB", "the fourth call, a read after the failure")
}
