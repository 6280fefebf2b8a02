//! Restarts of the proxy itself, with a value entity: the entity's state is acknowledged to the client,
//! the TCK kills the proxy with SIGKILL at once, as in a crash, and starts it again on the same durable
//! store. The entity's next activation must carry everything that was acknowledged.

use cloudstate_protocol::names::model::VALUE_ENTITY_TCK_MODEL;

use super::messages as ve;
use crate::case::Verdict;
use crate::proxy::ProxyCx;

/// The discovery method a restarted proxy calls first.
const DISCOVER: &str = "/cloudstate.EntityDiscovery/discover";

/// New: a value entity is updated to "X"; as soon as the client has the reply, the TCK kills the proxy
/// and starts it again. After the restarted proxy's discovery, a read opens a new stream whose init
/// carries the stored "X", and the client gets "X".
pub(super) async fn state_survives_a_proxy_restart(cx: ProxyCx) -> Verdict {
    let token = cx.durable_proxy()?.run_token().to_owned();
    let id = cx.fresh_id(&format!("ve-proxy-restart-{token}"));
    let write = ve::request(&id, vec![ve::update("X")]);
    ve::process_ok(&cx, &write, "X").await?;
    cx.restart_proxy().await?;

    let mut before = cx.expect_call(ve::HANDLE).await?;
    before
        .expect_from_proxy(ve::init(VALUE_ENTITY_TCK_MODEL, &id, None))
        .await?;
    before.expect_from_proxy(ve::process_in(1, &write)).await?;
    before
        .expect_from_user_function(ve::reply_out(1, "X", Some("X")))
        .await?;
    cx.expect_call(DISCOVER).await?;

    let read = ve::request(&id, Vec::new());
    ve::process_ok(&cx, &read, "X").await?;
    let mut after = cx.expect_call(ve::HANDLE).await?;
    after
        .expect_from_proxy(ve::init(VALUE_ENTITY_TCK_MODEL, &id, Some("X")))
        .await?;
    after.expect_from_proxy(ve::process_in(1, &read)).await?;
    after
        .expect_from_user_function(ve::reply_out(1, "X", None))
        .await
}
