//! What a value entity's next activation carries after a passivation: the value stored for it. The main
//! model entity, which stores values, is given a short passivation timeout for the case
//! (`shared::short_passivation`).

use cloudstate_protocol::cloudstate::valueentity::ValueEntityStreamOut;
use cloudstate_protocol::names::model::VALUE_ENTITY_TCK_MODEL;
use tokio::time::Instant;

use super::messages as ve;
use crate::case::Verdict;
use crate::cases::shared::short_passivation::{expect_short_passivation, with_short_passivation};
use crate::proxy::ProxyCx;

/// New (PASS-003, VE-029): `Process [update X]` stores `Persisted{X}`; the idle entity is passivated after
/// the short timeout; the next `Process []` opens a new stream whose init carries `Persisted{X}` and whose
/// command is command 1.
pub(super) async fn passivation_keeps_stored_state(cx: ProxyCx) -> Verdict {
    with_short_passivation(&cx, VALUE_ENTITY_TCK_MODEL, stores_and_reactivates(&cx)).await
}

async fn stores_and_reactivates(cx: &ProxyCx) -> Verdict {
    let token = cx.durable_proxy()?.run_token().to_owned();
    let id = cx.fresh_id(&format!("ve-passivated-state-{token}"));
    let write = ve::request(&id, vec![ve::update("X")]);
    let sent = Instant::now();
    ve::process_ok(cx, &write, "X").await?;
    let answered = Instant::now();
    let mut first = cx.expect_call(ve::HANDLE).await?;
    first
        .expect_from_proxy(ve::init(VALUE_ENTITY_TCK_MODEL, &id, None))
        .await?;
    first.expect_from_proxy(ve::process_in(1, &write)).await?;
    first
        .recv_from_user_function::<ValueEntityStreamOut>()
        .await?;
    expect_short_passivation(&mut first, sent, answered).await?;

    let read = ve::request(&id, Vec::new());
    ve::process_ok(cx, &read, "X").await?;
    let mut second = cx.expect_call(ve::HANDLE).await?;
    second
        .expect_from_proxy(ve::init(VALUE_ENTITY_TCK_MODEL, &id, Some("X")))
        .await?;
    second.expect_from_proxy(ve::process_in(1, &read)).await?;
    second
        .expect_from_user_function(ve::reply_out(1, "X", None))
        .await
}
