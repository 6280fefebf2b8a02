//! A top-level `Failure` from the user function: the client of the command in flight gets `UNKNOWN` with
//! its description, the proxy gives up the entity's stream without reporting anything back, and the
//! entity's next command starts it again from its stored state (spec FAIL-001 to FAIL-003).

use cloudstate_protocol::cloudstate::Failure;
use cloudstate_protocol::cloudstate::valueentity::{ValueEntityStreamOut, value_entity_stream_out};
use tonic::Code;

use super::support::{
    VALUE_ENTITY_HANDLE, changed_ve_reply, expect_state, expect_status, expect_ve_answer,
    expect_ve_command, expect_ve_stream, ve_process, ve_request,
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
