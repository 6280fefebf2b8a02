//! Restarts of the proxy itself: an entity's state is acknowledged to the client, the TCK kills the proxy
//! with SIGKILL at once, as in a crash, and starts it again on the same durable store. The entity's next
//! activation must carry everything that was acknowledged.

use cloudstate_protocol::names::model::EVENT_SOURCED_TCK_MODEL;

use super::messages as es;
use crate::case::Verdict;
use crate::cases::shared::checks::expect_response;
use crate::proxy::ProxyCx;

/// The discovery method a restarted proxy calls first.
const DISCOVER: &str = "/cloudstate.EntityDiscovery/discover";

/// New: an event-sourced entity emits "A" and "B"; as soon as the client has the reply "AB", the TCK
/// kills the proxy and starts it again. The restarted proxy discovers the user function again; a read of
/// the entity then opens a new stream whose init is followed by the replay of "A" and "B" (sequence 1 and
/// 2), and the client gets "AB".
pub(super) async fn events_survive_a_proxy_restart(cx: ProxyCx) -> Verdict {
    let token = cx.durable_proxy()?.run_token().to_owned();
    let id = cx.fresh_id(&format!("es-proxy-restart-{token}"));
    let write = es::request(&id, vec![es::emit("A"), es::emit("B")]);
    es::process_ok(&cx, &write, "AB").await?;
    cx.restart_proxy().await?;

    let mut before = cx.expect_call(es::HANDLE).await?;
    before
        .expect_from_proxy(es::init(EVENT_SOURCED_TCK_MODEL, &id))
        .await?;
    before.expect_from_proxy(es::process_in(1, &write)).await?;
    before
        .expect_from_user_function(es::reply_out(1, "AB", &["A", "B"]))
        .await?;
    cx.expect_call(DISCOVER).await?;

    let read = es::request(&id, Vec::new());
    let outcome = es::process(&cx, &read).await?;
    let mut after = cx.expect_call(es::HANDLE).await?;
    after
        .expect_from_proxy(es::init(EVENT_SOURCED_TCK_MODEL, &id))
        .await?;
    after.expect_from_proxy(es::event_in(1, "A")).await?;
    after.expect_from_proxy(es::event_in(2, "B")).await?;
    after.expect_from_proxy(es::process_in(1, &read)).await?;
    after
        .expect_from_user_function(es::reply_out(1, "AB", &[]))
        .await?;
    let what = es::describe("EventSourcedTckModel.Process (after the restart)", &read);
    expect_response(&what, outcome, &es::response("AB"))
}
