//! Command failures through the proxy: the client gets an error with the description; the entity goes
//! on on the same stream, or, when the user function asks for a restart, on a new stream that replays the
//! stored events.

use cloudstate_protocol::names::model::EVENT_SOURCED_TCK_MODEL;

use super::support::{
    FailureReply, expect_failure_reply, expect_new_stream, process_fails, process_ok,
};
use crate::case::Verdict;
use crate::messages::event_sourced::{
    EXPECTED_FAILURE, Expected, emit, emits, event_in, fail, process_in, request,
};
use crate::proxy::ProxyCx;

/// Case 174: events 1, 2, 3 give "123"; a failing command gives the client gRPC status UNKNOWN with the
/// description and leaves the state "123" (command 3 reads it); [emit 4, fail, emit 5] fails too. If the
/// user function's failure asks for a restart, the proxy must close the stream and at once open a new
/// one with the init (no snapshot) and the events 1 to 3, on which emitting 4 and 5 is command 1;
/// otherwise that is command 5 on the same stream. Either way the client gets "12345", with a snapshot.
pub(super) async fn failures(cx: ProxyCx) -> Verdict {
    let id = cx.fresh_id("es-failures");
    let first = request(&id, emits(&["1", "2", "3"]));
    process_ok(&cx, &first, "123").await?;
    let mut entity = expect_new_stream(&cx, EVENT_SOURCED_TCK_MODEL, &id).await?;
    let reply = Expected::reply(1, "123").events(&["1", "2", "3"]).out();
    entity.expect_exchange(process_in(1, &first), reply).await?;

    let failing = request(&id, vec![fail(EXPECTED_FAILURE)]);
    process_fails(&cx, &failing, EXPECTED_FAILURE).await?;
    entity
        .expect_exchange(
            process_in(2, &failing),
            Expected::failure(2, EXPECTED_FAILURE, false).out(),
        )
        .await?;

    let read = request(&id, Vec::new());
    process_ok(&cx, &read, "123").await?;
    entity
        .expect_exchange(process_in(3, &read), Expected::reply(3, "123").out())
        .await?;

    let emit_and_fail = request(&id, vec![emit("4"), fail("another failure"), emit("5")]);
    process_fails(&cx, &emit_and_fail, "another failure").await?;
    entity
        .expect_from_proxy(process_in(4, &emit_and_fail))
        .await?;
    let restart = expect_failure_reply(&mut entity, 4, "another failure").await?;

    let (mut stream, command_id) = match restart {
        FailureReply::KeepStream => (entity, 5),
        FailureReply::Restart => {
            entity.expect_closed().await?;
            let mut restarted = expect_new_stream(&cx, EVENT_SOURCED_TCK_MODEL, &id).await?;
            for (sequence, value) in [(1, "1"), (2, "2"), (3, "3")] {
                restarted
                    .expect_from_proxy(event_in(sequence, value))
                    .await?;
            }
            (restarted, 1)
        }
    };
    let last = request(&id, emits(&["4", "5"]));
    process_ok(&cx, &last, "12345").await?;
    let reply = Expected::reply(command_id, "12345")
        .events(&["4", "5"])
        .snapshot("12345")
        .out();
    stream
        .expect_exchange(process_in(command_id, &last), reply)
        .await
}
