//! Streamed commands and write consistency (cases 152 to 157 of the original TCK).

use cloudstate_protocol::cloudstate::crdt::CrdtWriteConsistency;
use cloudstate_protocol::cloudstate::tck::model::crdt::{
    Effect, StreamedRequest, UpdateWriteConsistency,
};

use super::support::{MODEL, SILENCE, expect, process, process_streamed};
use crate::case::{Case, Verdict, sdk_case};
use crate::messages::crdt::{
    Expected, Streamed, cancelled, cancelled_response, change, gcounter, gcounter_delta, gset,
    gset_add, gset_delta, increment, init, pncounter, pncounter_delta, updates, with_consistency,
};
use crate::sdk::SdkCx;

/// The cases of this file, in run order.
pub(super) const CASES: &[Case] = &[
    sdk_case! {
        id: "crdt.sdk.streamed_responses",
        summary: "a streamed command is answered with streamed set, then with the state after each change, after the reply that made it",
        requirements: ["CRDT-024", "CRDT-025", "CRDT-026"],
        services: MODEL,
        run: streamed_responses,
    },
    sdk_case! {
        id: "crdt.sdk.streamed_responses_with_stream_ending_action",
        summary: "the streamed message that reaches the end state has end_stream set, and nothing more is streamed for that command",
        requirements: ["CRDT-025", "CRDT-027"],
        services: MODEL,
        run: streamed_responses_with_stream_ending_action,
    },
    sdk_case! {
        id: "crdt.sdk.streamed_responses_with_cancellation",
        summary: "a cancelled streamed command applies its cancel update, reports it in the cancellation response, and streams nothing more",
        requirements: ["CRDT-026", "CRDT-028"],
        services: MODEL,
        run: streamed_responses_with_cancellation,
    },
    sdk_case! {
        id: "crdt.sdk.empty_streamed_responses_with_cancellation",
        summary: "an empty streamed command gets streamed set and no client action, and its cancellation still applies the cancel update",
        requirements: ["CRDT-024", "CRDT-028"],
        services: MODEL,
        run: empty_streamed_responses_with_cancellation,
    },
    sdk_case! {
        id: "crdt.sdk.streamed_responses_with_side_effects",
        summary: "every streamed message carries the streamed command's side effects, with their synchronous flags",
        requirements: ["CRDT-025", "CRDT-032"],
        services: MODEL,
        run: streamed_responses_with_side_effects,
    },
    sdk_case! {
        id: "crdt.sdk.write_consistency_can_be_configured",
        summary: "the write consistency asked for with an update (local, majority, all) is that of the reply's state action",
        requirements: ["CRDT-030"],
        services: MODEL,
        run: write_consistency_can_be_configured,
    },
];

/// Case 152: a streamed command is answered with `streamed` set, then with the new state after each
/// later change, each following the reply of the command that made it.
pub(super) async fn streamed_responses(cx: SdkCx) -> Verdict {
    let id = cx.fresh_id("GCounter");
    let mut stream = cx.crdt();
    stream.send(init(&id, None));
    stream.send(process_streamed(&id, 1, StreamedRequest::default()));
    expect(
        &mut stream,
        Expected::reply(1, gcounter(0)).streamed().out(),
    )
    .await?;
    for (command_id, by, total) in [(2, 1, 1), (3, 2, 3), (4, 3, 6)] {
        stream.send(process(&id, command_id, updates([increment(by)])));
        let reply = Expected::reply(command_id, gcounter(total)).update(gcounter_delta(by));
        expect(&mut stream, reply.out()).await?;
        expect(&mut stream, Streamed::state(1, gcounter(total)).out()).await?;
    }
    stream.close().await
}

/// Case 153: the streamed message that reaches the end state ends the stream, and later changes stream
/// nothing.
pub(super) async fn streamed_responses_with_stream_ending_action(cx: SdkCx) -> Verdict {
    let id = cx.fresh_id("GCounter");
    let mut stream = cx.crdt();
    stream.send(init(&id, None));
    let request = StreamedRequest {
        end_state: Some(gcounter(3)),
        ..StreamedRequest::default()
    };
    stream.send(process_streamed(&id, 1, request));
    expect(
        &mut stream,
        Expected::reply(1, gcounter(0)).streamed().out(),
    )
    .await?;
    stream.send(process(&id, 2, updates([increment(1)])));
    let reply = Expected::reply(2, gcounter(1)).update(gcounter_delta(1));
    expect(&mut stream, reply.out()).await?;
    expect(&mut stream, Streamed::state(1, gcounter(1)).out()).await?;
    stream.send(process(&id, 3, updates([increment(2)])));
    let reply = Expected::reply(3, gcounter(3)).update(gcounter_delta(2));
    expect(&mut stream, reply.out()).await?;
    let last = Streamed::state(1, gcounter(3)).end_stream();
    expect(&mut stream, last.out()).await?;
    stream.send(process(&id, 4, updates([increment(3)])));
    let reply = Expected::reply(4, gcounter(6)).update(gcounter_delta(3));
    expect(&mut stream, reply.out()).await?;
    stream.expect_silence(SILENCE).await?;
    stream.close().await
}

/// Case 154: cancelling a streamed command applies its cancel update, reported in the cancellation
/// response, and nothing more is streamed for it.
pub(super) async fn streamed_responses_with_cancellation(cx: SdkCx) -> Verdict {
    let id = cx.fresh_id("PNCounter");
    let mut stream = cx.crdt();
    stream.send(init(&id, None));
    let request = StreamedRequest {
        cancel_update: Some(change(-42)),
        ..StreamedRequest::default()
    };
    stream.send(process_streamed(&id, 1, request));
    expect(
        &mut stream,
        Expected::reply(1, pncounter(0)).streamed().out(),
    )
    .await?;
    for (command_id, by, total) in [(2, 10, 10), (3, 20, 30)] {
        stream.send(process(&id, command_id, updates([change(by)])));
        let reply = Expected::reply(command_id, pncounter(total)).update(pncounter_delta(by));
        expect(&mut stream, reply.out()).await?;
        expect(&mut stream, Streamed::state(1, pncounter(total)).out()).await?;
    }
    stream.send(cancelled(&id, 1));
    expect(
        &mut stream,
        cancelled_response(1, Some(pncounter_delta(-42))),
    )
    .await?;
    stream.expect_silence(SILENCE).await?;
    stream.send(process(&id, 4, vec![]));
    expect(&mut stream, Expected::reply(4, pncounter(-12)).out()).await?;
    stream.send(process(&id, 5, updates([change(30)])));
    let reply = Expected::reply(5, pncounter(18)).update(pncounter_delta(30));
    expect(&mut stream, reply.out()).await?;
    stream.expect_silence(SILENCE).await?;
    stream.close().await
}

/// Case 155: an empty streamed command is answered with `streamed` set and no client action, and its
/// cancellation still applies the cancel update.
pub(super) async fn empty_streamed_responses_with_cancellation(cx: SdkCx) -> Verdict {
    let id = cx.fresh_id("PNCounter");
    let mut stream = cx.crdt();
    stream.send(init(&id, None));
    stream.send(process(&id, 1, updates([change(10)])));
    let reply = Expected::reply(1, pncounter(10)).update(pncounter_delta(10));
    expect(&mut stream, reply.out()).await?;
    let request = StreamedRequest {
        cancel_update: Some(change(-42)),
        empty: true,
        ..StreamedRequest::default()
    };
    stream.send(process_streamed(&id, 2, request));
    expect(&mut stream, Expected::no_action(2).streamed().out()).await?;
    stream.send(cancelled(&id, 2));
    expect(
        &mut stream,
        cancelled_response(2, Some(pncounter_delta(-42))),
    )
    .await?;
    stream.expect_silence(SILENCE).await?;
    stream.send(process(&id, 3, vec![]));
    expect(&mut stream, Expected::reply(3, pncounter(-32)).out()).await?;
    stream.close().await
}

/// Case 156: every streamed message carries the streamed command's side effects.
pub(super) async fn streamed_responses_with_side_effects(cx: SdkCx) -> Verdict {
    let id = cx.fresh_id("GSet");
    let mut stream = cx.crdt();
    stream.send(init(&id, None));
    let effects = vec![
        Effect {
            id: "one".to_owned(),
            synchronous: false,
        },
        Effect {
            id: "two".to_owned(),
            synchronous: true,
        },
    ];
    let request = StreamedRequest {
        effects,
        ..StreamedRequest::default()
    };
    stream.send(process_streamed(&id, 1, request));
    expect(&mut stream, Expected::reply(1, gset(&[])).streamed().out()).await?;
    let steps: [(i64, &str, &[&str]); 2] = [(2, "a", &["a"]), (3, "b", &["a", "b"])];
    for (command_id, element, elements) in steps {
        stream.send(process(&id, command_id, updates([gset_add(element)])));
        let reply = Expected::reply(command_id, gset(elements)).update(gset_delta(&[element]));
        expect(&mut stream, reply.out()).await?;
        let message = Streamed::state(1, gset(elements))
            .side_effect("one", false)
            .side_effect("two", true);
        expect(&mut stream, message.out()).await?;
    }
    stream.close().await
}

/// Case 157: the write consistency asked for with an update is the one of the reply's state action.
pub(super) async fn write_consistency_can_be_configured(cx: SdkCx) -> Verdict {
    let id = cx.fresh_id("GCounter");
    let mut stream = cx.crdt();
    stream.send(init(&id, None));
    use CrdtWriteConsistency as Reported;
    use UpdateWriteConsistency as Asked;
    let steps = [
        (1, 1, Asked::Local, Reported::Local, 1),
        (2, 2, Asked::Majority, Reported::Majority, 3),
        (3, 3, Asked::All, Reported::All, 6),
    ];
    for (command_id, by, asked, reported, total) in steps {
        let update = with_consistency(increment(by), asked);
        stream.send(process(&id, command_id, updates([update])));
        let reply =
            Expected::reply(command_id, gcounter(total)).update_with(gcounter_delta(by), reported);
        expect(&mut stream, reply.out()).await?;
    }
    stream.close().await
}
