//! Replies the user function must never send, made by the TCK out of the model's own: a reply naming a
//! command that was never sent, a second reply to a command already answered, and a message with nothing
//! set. The proxy must fail the client's call with `INTERNAL` at once, give up the entity's stream,
//! report the violation, and serve the entity's next command on a new stream with its stored state
//! (spec MAL-030 to MAL-033).

use cloudstate_protocol::cloudstate::eventsourced::{
    EventSourcedStreamOut, event_sourced_stream_out,
};
use cloudstate_protocol::cloudstate::valueentity::{ValueEntityStreamOut, value_entity_stream_out};
use tonic::Code;

use super::support::{
    EVENT_SOURCED_HANDLE, VALUE_ENTITY_HANDLE, changed_es_reply, changed_ve_reply, es_process,
    es_request, expect_es_answer, expect_es_command, expect_es_stream, expect_report, expect_state,
    expect_status, expect_ve_answer, expect_ve_command, expect_ve_stream, ve_process, ve_request,
};
use crate::case::Verdict;
use crate::proxy::ProxyCx;

/// A command id the proxy never sends on a new stream in these cases.
const NEVER_SENT: i64 = 99;

/// Sets `A`, then lets the entity answer its second command with a reply the TCK changed by `change`;
/// expects `INTERNAL`, the stream given up and reported, and a third command answered with `A` on a new
/// stream.
async fn value_entity_violation(
    cx: &ProxyCx,
    prefix: &str,
    note: &'static str,
    change: fn(value_entity_stream_out::Message) -> ValueEntityStreamOut,
) -> Verdict {
    let id = cx.fresh_id(prefix);
    let set = ve_request(&id, Some("A"));
    expect_state(ve_process(cx, &set, "").await?, "A", "the first call")?;
    let mut entity = expect_ve_stream(cx, &id, None).await?;
    expect_ve_command(&mut entity, 1).await?;
    expect_ve_answer(&mut entity).await?;

    cx.intercept()
        .rewrite_next_from_user_function(VALUE_ENTITY_HANDLE, move |message| {
            changed_ve_reply(message, change)
        });
    let read = ve_request(&id, None);
    let what = format!("the second call, whose reply {note}");
    let outcome = ve_process(cx, &read, &format!(" ({note})")).await?;
    expect_status(outcome, Code::Internal, None, &what)?;
    expect_ve_command(&mut entity, 2).await?;
    expect_ve_answer(&mut entity).await?;
    entity.expect_closed().await?;
    expect_report(cx).await?;

    expect_state(ve_process(cx, &read, "").await?, "A", "the third call")?;
    let mut again = expect_ve_stream(cx, &id, Some("A")).await?;
    expect_ve_command(&mut again, 1).await?;
    expect_ve_answer(&mut again).await
}

/// New: a value entity stores "A"; the model's reply to the next command (a read, command 2) is changed
/// by the TCK to name command 99, which the proxy never sent. The client must get `INTERNAL`, the proxy
/// must end the stream and call `reportError`, and the next read opens a new stream whose init carries
/// "A", with command 1.
pub(super) async fn reply_to_an_unknown_command(cx: ProxyCx) -> Verdict {
    value_entity_violation(
        &cx,
        "ve-unknown-id",
        "the TCK makes name command 99",
        |message| {
            let mut message = message;
            if let value_entity_stream_out::Message::Reply(reply) = &mut message {
                reply.command_id = NEVER_SENT;
            }
            ValueEntityStreamOut {
                message: Some(message),
            }
        },
    )
    .await
}

/// New: as for a reply to an unknown command, but the TCK replaces the model's reply to command 2 with a
/// `ValueEntityStreamOut` that has nothing set. The client must get `INTERNAL` at once, not wait.
pub(super) async fn empty_message_instead_of_a_reply(cx: ProxyCx) -> Verdict {
    value_entity_violation(
        &cx,
        "ve-empty-out",
        "the TCK replaces with an empty ValueEntityStreamOut",
        |_| ValueEntityStreamOut::default(),
    )
    .await
}

/// New: an event-sourced entity persists "A" with command 1; the model's reply to command 2, which
/// emits "B", is changed by the TCK to answer command 1 again. The client must get `INTERNAL`, event "B"
/// must not be stored, the proxy must end the stream and call `reportError`, and the next read opens a
/// new stream that replays "A" alone and is answered "A".
pub(super) async fn second_reply_to_an_answered_command(cx: ProxyCx) -> Verdict {
    let id = cx.fresh_id("es-second-reply");
    let first = es_request(&id, Some("A"));
    expect_state(es_process(&cx, &first, "").await?, "A", "the first call")?;
    let mut entity = expect_es_stream(&cx, &id, &[]).await?;
    expect_es_command(&mut entity, 1).await?;
    expect_es_answer(&mut entity).await?;

    cx.intercept()
        .rewrite_next_from_user_function(EVENT_SOURCED_HANDLE, |message| {
            changed_es_reply(message, |mut message| {
                if let event_sourced_stream_out::Message::Reply(reply) = &mut message {
                    reply.command_id = 1;
                }
                EventSourcedStreamOut {
                    message: Some(message),
                }
            })
        });
    let second = es_request(&id, Some("B"));
    let note = "its reply made to answer command 1 again by the TCK";
    let outcome = es_process(&cx, &second, &format!(" ({note})")).await?;
    expect_status(
        outcome,
        Code::Internal,
        None,
        &format!("the second call, {note}"),
    )?;
    expect_es_command(&mut entity, 2).await?;
    expect_es_answer(&mut entity).await?;
    entity.expect_closed().await?;
    expect_report(&cx).await?;

    let read = es_request(&id, None);
    expect_state(es_process(&cx, &read, "").await?, "A", "the third call")?;
    let mut again = expect_es_stream(&cx, &id, &["A"]).await?;
    expect_es_command(&mut again, 1).await?;
    expect_es_answer(&mut again).await
}
