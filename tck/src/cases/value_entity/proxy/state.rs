//! State changes through the proxy: one stream per entity, commands numbered from 1, replies passed on
//! to the client, and one command at a time even when several clients call at once.

use cloudstate_protocol::cloudstate::valueentity::{ValueEntityStreamIn, ValueEntityStreamOut};
use cloudstate_protocol::names::model::VALUE_ENTITY_TCK_MODEL;
use prost::Message as _;

use super::support::{
    Expected, delete, expect_new_stream, process_in, process_ok, request, update,
};
use crate::case::{CaseFailure, Verdict};
use crate::proxy::{CallEvent, ProxyCx};
use crate::wire::{WireMessage, render_pretty};

/// What a command does to the stored value, as the model reports it.
#[derive(Debug, Clone, Copy)]
enum Change {
    None,
    Update(&'static str),
    Delete,
}

/// Case 167: eight `Process` calls (read, update one, update two, read, delete, read, update foo, delete)
/// give the client the state after each, and the interceptor sees one stream: the init of a new entity,
/// then commands 1 to 8 with the model's replies and their update or delete actions.
pub(super) async fn state_changes(cx: ProxyCx) -> Verdict {
    let id = cx.fresh_id("ve-state");
    let steps = [
        (None, "", Change::None),
        (Some(update("one")), "one", Change::Update("one")),
        (Some(update("two")), "two", Change::Update("two")),
        (None, "two", Change::None),
        (Some(delete()), "", Change::Delete),
        (None, "", Change::None),
        (Some(update("foo")), "foo", Change::Update("foo")),
        (Some(delete()), "", Change::Delete),
    ];
    let mut stream = None;
    for (command_id, (action, message, change)) in (1..).zip(steps) {
        let request = request(&id, action.into_iter().collect());
        process_ok(&cx, &request, message).await?;
        let probe = match stream.as_mut() {
            Some(probe) => probe,
            None => stream.insert(expect_new_stream(&cx, VALUE_ENTITY_TCK_MODEL, &id).await?),
        };
        let reply = Expected::reply(command_id, message);
        let reply = match change {
            Change::None => reply,
            Change::Update(value) => reply.update(value),
            Change::Delete => reply.delete(),
        };
        probe
            .expect_exchange(process_in(command_id, &request), reply.out())
            .await?;
    }
    Ok(())
}

/// How many clients call the entity at once.
const CONCURRENT_CALLS: i64 = 5;

/// New: several clients call one entity at the same time. Each gets the reply to its own call, and the
/// interceptor sees a single stream on which the proxy sends the queued commands one at a time: commands
/// 1, 2, 3… each carrying one of the clients' requests exactly once, each sent only after the model
/// answered the previous one. A last call then reads the value the last served command wrote.
pub(super) async fn concurrent_clients_are_served_one_at_a_time(cx: ProxyCx) -> Verdict {
    let id = cx.fresh_id("ve-concurrent");
    let values: Vec<String> = (1..=CONCURRENT_CALLS)
        .map(|n| format!("client-{n}"))
        .collect();
    let requests: Vec<_> = values
        .iter()
        .map(|value| request(&id, vec![update(value)]))
        .collect();
    let calls = requests
        .iter()
        .zip(&values)
        .map(|(request, value)| process_ok(&cx, request, value));
    let outcomes = futures::future::join_all(calls).await;
    // When no call got through, the clients' errors say the most; otherwise the traffic is checked
    // first, as a proxy that mixes up concurrent commands is best shown by its stream.
    if outcomes.iter().all(Result::is_err) {
        return outcomes.into_iter().collect();
    }

    let mut probe = expect_new_stream(&cx, VALUE_ENTITY_TCK_MODEL, &id).await?;
    let mut waiting: Vec<(&str, _)> = values.iter().map(String::as_str).zip(&requests).collect();
    let mut last = "";
    for command_id in 1..=CONCURRENT_CALLS {
        let sent = probe.recv_from_proxy::<ValueEntityStreamIn>().await?;
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
                    "command {command_id} on the entity's stream is not one of the clients' calls still waiting, \
                     numbered {command_id}"
                ),
                format!("one of:\n{}", expected.join("\n")),
                sent.pretty(),
            ));
        };
        let (value, _) = waiting.remove(position);
        last = value;
        let expected = Expected::reply(command_id, value).update(value).out();
        match probe.next_event().await? {
            CallEvent::FromUserFunction(bytes) => match ValueEntityStreamOut::decode(bytes.clone())
            {
                Ok(actual) if actual == expected => {}
                _ => {
                    return Err(CaseFailure::mismatch(
                        format!(
                            "the model's reply to command {command_id} differs from the one expected"
                        ),
                        expected.pretty(),
                        render_pretty(ValueEntityStreamOut::FULL_NAME, &bytes),
                    ));
                }
            },
            CallEvent::FromProxy(bytes) => {
                return Err(CaseFailure::mismatch(
                    format!(
                        "the proxy sent another message on the entity's stream before the user function answered \
                         command {command_id}: it must send one command at a time"
                    ),
                    format!("user function -> proxy {}", expected.pretty()),
                    format!(
                        "proxy -> user function {}",
                        render_pretty(ValueEntityStreamIn::FULL_NAME, &bytes)
                    ),
                ));
            }
            other => {
                return Err(CaseFailure::mismatch(
                    format!("expected the user function's reply to command {command_id}"),
                    expected.pretty(),
                    format!("{other:?}"),
                ));
            }
        }
    }

    outcomes.into_iter().collect::<Verdict>()?;
    let read = request(&id, Vec::new());
    process_ok(&cx, &read, last).await?;
    let next = CONCURRENT_CALLS + 1;
    probe
        .expect_exchange(process_in(next, &read), Expected::reply(next, last).out())
        .await
}
