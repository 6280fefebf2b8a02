//! Events and snapshots through the proxy: one stream per entity, commands numbered from 1, and the
//! replies' events, snapshots and payloads passed on.

use cloudstate_protocol::names::model::EVENT_SOURCED_TCK_MODEL;

use super::support::{expect_new_stream, process_ok};
use crate::case::Verdict;
use crate::messages::event_sourced::{Expected, emits, process_in, request};
use crate::proxy::ProxyCx;

/// Case 172: a read and then commands emitting A, BCD, E, FGHI and JK give the client the state after
/// each; the interceptor sees one stream: the init of a new entity (no snapshot), then commands 1 to 6
/// with the model's replies, the 5th event bringing the snapshot "ABCDE" and the reply that passes the
/// 10th event (J, K) the snapshot "ABCDEFGHIJK".
pub(super) async fn state_changes(cx: ProxyCx) -> Verdict {
    let id = cx.fresh_id("es-state");
    let steps: [(&[&str], &str, Option<&str>); 6] = [
        (&[], "", None),
        (&["A"], "A", None),
        (&["B", "C", "D"], "ABCD", None),
        (&["E"], "ABCDE", Some("ABCDE")),
        (&["F", "G", "H", "I"], "ABCDEFGHI", None),
        (&["J", "K"], "ABCDEFGHIJK", Some("ABCDEFGHIJK")),
    ];
    let mut stream = None;
    for (command_id, (events, state, snapshot)) in (1..).zip(steps) {
        let request = request(&id, emits(events));
        process_ok(&cx, &request, state).await?;
        let probe = match stream.as_mut() {
            Some(probe) => probe,
            None => stream.insert(expect_new_stream(&cx, EVENT_SOURCED_TCK_MODEL, &id).await?),
        };
        let reply = Expected::reply(command_id, state).events(events);
        let reply = match snapshot {
            Some(snapshot) => reply.snapshot(snapshot),
            None => reply,
        };
        probe
            .expect_exchange(process_in(command_id, &request), reply.out())
            .await?;
    }
    Ok(())
}
