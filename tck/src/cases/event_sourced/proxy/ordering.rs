//! One command at a time on an event-sourced entity's stream, checked while the TCK holds the user
//! function's answer to the first command: however many clients wait, the proxy must send nothing more on
//! the stream until that answer arrives.

use std::time::Duration;

use cloudstate_protocol::cloudstate::eventsourced::EventSourcedStreamIn;
use cloudstate_protocol::cloudstate::tck::model::Request;
use cloudstate_protocol::names::model::EVENT_SOURCED_TCK_MODEL;

use super::messages::{
    HANDLE, describe, emit, init, process, process_in, reply_out, request, response,
};
use crate::case::{CaseFailure, Verdict};
use crate::cases::shared::checks::expect_response;
use crate::proxy::{CallEvent, CallProbe, ProxyCx};
use crate::wire::{WireMessage as _, render_pretty};

/// How many clients call the entity at once.
const CLIENTS: usize = 3;

/// How long the TCK holds the answer to the first command, watching the stream.
const HELD_FOR: Duration = Duration::from_millis(300);

/// New: three clients call one event-sourced entity at once, each emitting its own event. The TCK holds
/// the model's answer to the first command the proxy sends: for as long as it is held, the proxy must send
/// no other message on the stream. Once released, the proxy sends the waiting commands one at a time,
/// numbered 2 and 3, each after the answer to the one before, and each client gets the entity's state
/// after its own event.
pub(super) async fn one_command_in_flight_while_the_answer_is_held(cx: ProxyCx) -> Verdict {
    let id = cx.fresh_id("es-in-flight");
    let values: Vec<String> = (1..=CLIENTS).map(|n| format!("e{n}")).collect();
    let requests: Vec<Request> = values
        .iter()
        .map(|value| request(&id, vec![emit(value)]))
        .collect();
    let held = cx.intercept().hold_next_response(HANDLE);
    let clients: Vec<_> = requests
        .iter()
        .map(|request| {
            let (cx, request) = (cx.clone(), request.clone());
            tokio::spawn(async move { process(&cx, &request).await })
        })
        .collect();

    let mut stream = cx.expect_call(HANDLE).await?;
    stream
        .expect_from_proxy(init(EVENT_SOURCED_TCK_MODEL, &id))
        .await?;
    let mut waiting: Vec<(&str, &Request)> =
        values.iter().map(String::as_str).zip(&requests).collect();
    let mut served = Vec::new();
    let first = next_command(&mut stream, 1, &mut waiting).await?;
    served.push(first);
    match tokio::time::timeout(HELD_FOR, stream.next_event()).await {
        Err(_) => {}
        Ok(event) => {
            let seen = match event? {
                CallEvent::FromProxy(bytes) => format!(
                    "proxy -> user function {}",
                    render_pretty(EventSourcedStreamIn::FULL_NAME, &bytes)
                ),
                other => format!("{other:?}"),
            };
            return Err(CaseFailure::mismatch(
                format!(
                    "while the TCK held the user function's answer to command 1 ({} ms), the proxy did more \
                     on the entity's stream: it must not send a command before the previous one is answered",
                    HELD_FOR.as_millis()
                ),
                "(nothing until the answer to command 1)".to_owned(),
                seen,
            ));
        }
    }
    held.release();

    let mut state = String::new();
    for command_id in 1..=CLIENTS as i64 {
        if command_id > 1 {
            let value = next_command(&mut stream, command_id, &mut waiting).await?;
            served.push(value);
        }
        let value = served[served.len() - 1];
        state.push_str(value);
        stream
            .expect_from_user_function(reply_out(command_id, &state, &[value]))
            .await?;
    }

    // Each client gets the state after its own event, in the order the proxy served them.
    let mut after = String::new();
    let mut expected = std::collections::HashMap::new();
    for value in &served {
        after.push_str(value);
        expected.insert(value.to_string(), after.clone());
    }
    for ((client, request), value) in clients.into_iter().zip(&requests).zip(&values) {
        let outcome = client.await.map_err(|error| {
            CaseFailure::error(format!("a client call's task failed: {error}"))
        })??;
        let what = describe("EventSourcedTckModel.Process", request);
        let message = expected.get(value).map_or("", String::as_str);
        expect_response(&what, outcome, &response(message))?;
    }
    Ok(())
}

/// The next message on the stream must be command `command_id` carrying one of the waiting clients'
/// requests; that client is no longer waiting, and its event value is returned.
async fn next_command<'a>(
    stream: &mut CallProbe,
    command_id: i64,
    waiting: &mut Vec<(&'a str, &Request)>,
) -> Result<&'a str, CaseFailure> {
    let sent = stream.recv_from_proxy::<EventSourcedStreamIn>().await?;
    let Some(position) = waiting
        .iter()
        .position(|(_, request)| process_in(command_id, request) == sent)
    else {
        let expected: Vec<String> = waiting
            .iter()
            .map(|(_, request)| process_in(command_id, request).pretty())
            .collect();
        return Err(CaseFailure::mismatch(
            format!(
                "command {command_id} on the entity's stream is not one of the clients' calls still waiting"
            ),
            format!("one of:\n{}", expected.join("\n")),
            sent.pretty(),
        ));
    };
    Ok(waiting.remove(position).0)
}
