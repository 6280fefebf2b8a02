//! The CRDT model over the proxy's HTTP/JSON frontend: the `google.api.http` rule of
//! `CrdtTckModel.Process` and the default `POST /package.Service/Method` route of `CrdtTwo.Call`.

use cloudstate_protocol::names::model::{CRDT_TCK_MODEL, CRDT_TWO};

use super::support::expect_new_stream;
use crate::case::Verdict;
use crate::cases::shared::checks::{http_fails, http_ok};
use crate::messages::crdt::{
    EXPECTED_FAILURE, Expected, call, change, delete, fail, pncounter, pncounter_delta, process,
    request, updates,
};
use crate::proxy::ProxyCx;

/// Case 181 (PNCounter): JSON calls to `POST /tck/model/crdt/{id}` (read, +42, a failure, -123, delete)
/// and to `POST /cloudstate.tck.model.crdt.CrdtTwo/Call` get exactly the JSON of the model's replies,
/// with the counter's int64 value as a string (`{"state":{"pncounter":{"value":"-81"}}}`) and `{}` for an
/// empty `Response`, or status 500 with the failure's description; the interceptor sees the same
/// commands a gRPC client would cause, and the proxy ends the entity's stream after the delete.
pub(super) async fn http_api(cx: ProxyCx) -> Verdict {
    let id = cx.fresh_id("PNCounter");
    let path = format!("/tck/model/crdt/{id}");

    http_ok(&cx, &path, "{}", r#"{"state":{"pncounter":{"value":"0"}}}"#).await?;
    let mut entity = expect_new_stream(&cx, CRDT_TCK_MODEL, &id).await?;
    let read = request(&id, Vec::new());
    entity
        .expect_exchange(process(1, &read), Expected::reply(1, pncounter(0)).out())
        .await?;

    let two_path = format!("/{CRDT_TWO}/Call");
    http_ok(&cx, &two_path, &format!(r#"{{"id": "{id}"}}"#), "{}").await?;
    let mut two = expect_new_stream(&cx, CRDT_TWO, &id).await?;
    two.expect_exchange(call(1, &read), Expected::empty_reply(1).out())
        .await?;

    http_ok(
        &cx,
        &path,
        r#"{"actions": [{"update": {"pncounter": {"change": 42}}}]}"#,
        r#"{"state":{"pncounter":{"value":"42"}}}"#,
    )
    .await?;
    let up = request(&id, updates([change(42)]));
    entity
        .expect_exchange(
            process(2, &up),
            Expected::reply(2, pncounter(42))
                .update(pncounter_delta(42))
                .out(),
        )
        .await?;

    let failing = format!(r#"{{"actions": [{{"fail": {{"message": "{EXPECTED_FAILURE}"}}}}]}}"#);
    http_fails(&cx, &path, &failing, EXPECTED_FAILURE).await?;
    let failing = request(&id, vec![fail(EXPECTED_FAILURE)]);
    entity
        .expect_exchange(
            process(3, &failing),
            Expected::failure(3, EXPECTED_FAILURE).out(),
        )
        .await?;

    http_ok(
        &cx,
        &path,
        r#"{"actions": [{"update": {"pncounter": {"change": -123}}}]}"#,
        r#"{"state":{"pncounter":{"value":"-81"}}}"#,
    )
    .await?;
    let down = request(&id, updates([change(-123)]));
    entity
        .expect_exchange(
            process(4, &down),
            Expected::reply(4, pncounter(-81))
                .update(pncounter_delta(-123))
                .out(),
        )
        .await?;

    http_ok(
        &cx,
        &path,
        r#"{"actions": [{"delete": {}}]}"#,
        r#"{"state":{"pncounter":{"value":"-81"}}}"#,
    )
    .await?;
    let deleting = request(&id, vec![delete()]);
    entity
        .expect_exchange(
            process(5, &deleting),
            Expected::reply(5, pncounter(-81)).delete().out(),
        )
        .await?;
    entity.expect_closed().await
}
