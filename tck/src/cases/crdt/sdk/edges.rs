//! CRDT streams at the edges: the second and configured services, whose `Call` other cases only name as a
//! target; a half-close that arrives while a command is in flight; and several messages in flight at once
//! (commands, a delta, a cancellation), whose answers the TCK matches by id in every order the protocol
//! allows.

use cloudstate_protocol::cloudstate::crdt::CrdtStreamOut;
use cloudstate_protocol::cloudstate::tck::model::crdt::StreamedRequest;
use cloudstate_protocol::names::model::{CRDT_CONFIGURED, CRDT_TWO};

use super::support::{MODEL, expect, process, process_streamed};
use crate::case::{Case, CaseFailure, Verdict, sdk_case};
use crate::messages::crdt::{
    Expected, Streamed, call, cancelled, cancelled_response, change, delete, gcounter,
    gcounter_delta, increment, init, init_of, normalise_crdt_out, pncounter, pncounter_delta,
    replicated, request, updates,
};
use crate::sdk::{CrdtStream, SdkCx};
use crate::wire::WireMessage as _;

/// The cases of this file, in run order.
pub(super) const CASES: &[Case] = &[
    sdk_case! {
        id: "crdt.sdk.second_and_configured_services",
        summary: "Call of CrdtTwo and CrdtConfigured answers an empty Response, with a delete only when asked",
        requirements: ["CRDT-018", "CRDT-021", "CRDT-053"],
        services: &[CRDT_TWO, CRDT_CONFIGURED],
        run: second_and_configured_services,
    },
    sdk_case! {
        id: "crdt.sdk.half_close_with_command_in_flight",
        summary: "a stream half-closed right after a command answers that command before it ends",
        requirements: ["CRDT-018", "CRDT-035"],
        services: MODEL,
        run: half_close_with_command_in_flight,
    },
    sdk_case! {
        id: "crdt.sdk.pipelined_commands",
        summary: "three commands sent before any reply get one reply each, matched by id in any order",
        requirements: ["CRDT-007", "CRDT-018"],
        services: MODEL,
        run: pipelined_commands,
    },
    sdk_case! {
        id: "crdt.sdk.delta_between_command_and_reply",
        summary: "a delta sent after a command, before its reply, is applied whichever the SDK handles first",
        requirements: ["CRDT-005", "CRDT-006", "CRDT-018"],
        services: MODEL,
        run: delta_between_command_and_reply,
    },
    sdk_case! {
        id: "crdt.sdk.cancellation_between_command_and_reply",
        summary: "a cancellation sent right after a command is answered apart from it, in either legal order",
        requirements: ["CRDT-018", "CRDT-026", "CRDT-028"],
        services: MODEL,
        run: cancellation_between_command_and_reply,
    },
];

/// On each of the two services, `Call` answers an empty `Response`: with no state action for a request
/// that asks for an update, and with a delete for one that asks for a delete.
pub(super) async fn second_and_configured_services(cx: SdkCx) -> Verdict {
    for service in [CRDT_TWO, CRDT_CONFIGURED] {
        let id = cx.fresh_id("entity");
        let mut stream = cx.crdt();
        stream.send(init_of(service, &id, None));
        stream.send(call(1, &request(&id, updates([increment(1)]))));
        expect(&mut stream, Expected::empty_reply(1).out()).await?;
        stream.send(call(2, &request(&id, vec![delete()])));
        expect(&mut stream, Expected::empty_reply(2).delete().out()).await?;
        stream.close().await?;
    }
    Ok(())
}

/// The proxy half-closes at once after the init and a command: the reply still comes, then the end.
pub(super) async fn half_close_with_command_in_flight(cx: SdkCx) -> Verdict {
    let id = cx.fresh_id("GCounter");
    let mut stream = cx.crdt();
    stream.send(init(&id, None));
    stream.send(process(&id, 1, updates([increment(5)])));
    stream.half_close();
    let reply = Expected::reply(1, gcounter(5)).update(gcounter_delta(5));
    expect(&mut stream, reply.out()).await?;
    stream.expect_end().await
}

/// The commands of [`pipelined_commands`]: id and increment, the increments powers of two, so that every
/// order of handling gives other values.
const PIPELINED: [(i64, u64); 3] = [(1, 1), (2, 2), (3, 4)];

/// Every order in which the three pipelined commands may be handled, as indexes into [`PIPELINED`].
const ORDERS: [[usize; 3]; 6] = [
    [0, 1, 2],
    [0, 2, 1],
    [1, 0, 2],
    [1, 2, 0],
    [2, 0, 1],
    [2, 1, 0],
];

/// The replies to the pipelined commands handled in `order`, normalised, in command order.
fn replies_in_order(order: &[usize; 3]) -> Vec<CrdtStreamOut> {
    let mut total = 0;
    let mut replies = vec![CrdtStreamOut::default(); PIPELINED.len()];
    for &index in order {
        let (command_id, by) = PIPELINED[index];
        total += by;
        let reply = Expected::reply(command_id, gcounter(total)).update(gcounter_delta(by));
        replies[index] = normalise_crdt_out(reply.out());
    }
    replies
}

/// Whether `received` holds exactly the messages of `expected`, each once, in any order.
fn same_messages(received: &[CrdtStreamOut], expected: &[CrdtStreamOut]) -> bool {
    received.len() == expected.len()
        && expected
            .iter()
            .all(|message| received.iter().filter(|r| *r == message).count() == 1)
}

/// Receives `count` messages, normalised.
async fn receive(stream: &mut CrdtStream, count: usize) -> Result<Vec<CrdtStreamOut>, CaseFailure> {
    let mut received = Vec::with_capacity(count);
    for _ in 0..count {
        received.push(normalise_crdt_out(stream.recv().await?));
    }
    Ok(received)
}

fn listed(messages: &[CrdtStreamOut]) -> String {
    let lines: Vec<String> = messages.iter().map(|message| message.compact()).collect();
    lines.join("\n")
}

/// Three commands go out before any reply is read: each gets one reply carrying its id, in any order, and
/// the values they report follow one order of handling the three; the next command reads their sum.
pub(super) async fn pipelined_commands(cx: SdkCx) -> Verdict {
    let id = cx.fresh_id("GCounter");
    let mut stream = cx.crdt();
    stream.send(init(&id, None));
    for (command_id, by) in PIPELINED {
        stream.send(process(&id, command_id, updates([increment(by)])));
    }
    let received = receive(&mut stream, PIPELINED.len()).await?;
    let legal = ORDERS
        .iter()
        .any(|order| same_messages(&received, &replies_in_order(order)));
    if !legal {
        return Err(CaseFailure::mismatch(
            format!(
                "{}: sent commands 1, 2 and 3 (increments 1, 2 and 4) before reading any reply; the \
                 replies must carry the commands' ids, one each, in any order, and report values of \
                 one order of handling them (CRDT-018); shown expected: handled in the order sent",
                stream.label()
            ),
            listed(&replies_in_order(&ORDERS[0])),
            listed(&received),
        ));
    }
    stream.send(process(&id, 4, vec![]));
    expect(&mut stream, Expected::reply(4, gcounter(7)).out()).await?;
    stream.close().await
}

/// A delta goes out right after a command, before its reply is read: the reply reports only the
/// command's own increment and a value with or without the delta (either may be handled first), and the
/// next command reads both.
pub(super) async fn delta_between_command_and_reply(cx: SdkCx) -> Verdict {
    let id = cx.fresh_id("GCounter");
    let mut stream = cx.crdt();
    stream.send(init(&id, None));
    stream.send(process(&id, 1, updates([increment(1)])));
    stream.send(replicated(gcounter_delta(10)));
    let received = receive(&mut stream, 1).await?;
    let choices: Vec<CrdtStreamOut> = [1, 11]
        .map(|value| {
            let reply = Expected::reply(1, gcounter(value)).update(gcounter_delta(1));
            normalise_crdt_out(reply.out())
        })
        .into();
    if !choices
        .iter()
        .any(|choice| received[..] == [choice.clone()])
    {
        return Err(CaseFailure::mismatch(
            format!(
                "{}: sent command 1 (increment 1) and right after it a delta of 10, before reading \
                 the reply; the reply must carry only the command's increment and the value 1 or 11 \
                 (CRDT-006, CRDT-018); shown expected: the delta handled after the command",
                stream.label()
            ),
            listed(&choices[..1]),
            listed(&received),
        ));
    }
    stream.send(process(&id, 2, vec![]));
    expect(&mut stream, Expected::reply(2, gcounter(11)).out())
        .await
        .map_err(|mut failure| {
            failure.message = format!(
                "{} (the delta of 10 sent between command 1 and its reply must be applied, CRDT-005)",
                failure.message
            );
            failure
        })?;
    stream.close().await
}

/// A streamed command is open; a command and the streamed command's cancellation go out together. Either
/// the command is handled first (its reply, the streamed message of its change, then the cancellation's
/// response) or the cancellation is (its response, then the reply, with no streamed message).
pub(super) async fn cancellation_between_command_and_reply(cx: SdkCx) -> Verdict {
    let id = cx.fresh_id("PNCounter");
    let mut stream = cx.crdt();
    stream.send(init(&id, None));
    let streamed = StreamedRequest {
        cancel_update: Some(change(-42)),
        ..StreamedRequest::default()
    };
    stream.send(process_streamed(&id, 1, streamed));
    expect(
        &mut stream,
        Expected::reply(1, pncounter(0)).streamed().out(),
    )
    .await?;
    stream.send(process(&id, 2, updates([change(10)])));
    stream.send(cancelled(&id, 1));
    let command_first: Vec<CrdtStreamOut> = vec![
        Expected::reply(2, pncounter(10))
            .update(pncounter_delta(10))
            .out(),
        Streamed::state(1, pncounter(10)).out(),
        cancelled_response(1, Some(pncounter_delta(-42))),
    ];
    let cancellation_first: Vec<CrdtStreamOut> = vec![
        cancelled_response(1, Some(pncounter_delta(-42))),
        Expected::reply(2, pncounter(-32))
            .update(pncounter_delta(10))
            .out(),
    ];
    let first = normalise_crdt_out(stream.recv().await?);
    let expected = if first == normalise_crdt_out(cancellation_first[0].clone()) {
        cancellation_first
    } else {
        command_first
    };
    let mut received = vec![first];
    received.extend(receive(&mut stream, expected.len() - 1).await?);
    let expected: Vec<CrdtStreamOut> = expected.into_iter().map(normalise_crdt_out).collect();
    if received != expected {
        return Err(CaseFailure::mismatch(
            format!(
                "{}: with streamed command 1 open, sent command 2 (change 10) and the cancellation of \
                 command 1 together; expected either the reply to 2, the streamed message of its \
                 change and the cancellation's response, or the cancellation's response and then the \
                 reply (CRDT-018, CRDT-026, CRDT-028); shown expected: the order the first message \
                 received began",
                stream.label()
            ),
            listed(&expected),
            listed(&received),
        ));
    }
    stream.send(process(&id, 3, vec![]));
    expect(&mut stream, Expected::reply(3, pncounter(-32)).out()).await?;
    stream.close().await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_order_gives_other_replies() {
        let all: Vec<Vec<CrdtStreamOut>> = ORDERS.iter().map(replies_in_order).collect();
        for (i, a) in all.iter().enumerate() {
            for b in &all[i + 1..] {
                assert!(!same_messages(a, b));
            }
        }
    }
}
