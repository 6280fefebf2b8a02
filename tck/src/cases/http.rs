//! Proxy-mode HTTP cases (spec chapter `frontend.md`): HTTP/JSON requests that the proxy must refuse
//! itself, with the status that says why: no route (404), another HTTP method than the route's (405), and
//! a body that is not the request message in JSON (400) (spec FRONT-010, FRONT-022, FRONT-023).

use cloudstate_protocol::cloudstate::valueentity::{
    ValueEntityStreamIn, ValueEntityStreamOut, value_entity_stream_in,
};
use cloudstate_protocol::names::model::{ACTION_TCK_MODEL, VALUE_ENTITY_TCK_MODEL};

use crate::case::{Case, CaseFailure, Verdict, proxy_case};
use crate::cases::protocol::proxy::frontend::support::{NO_CALL_WITHIN, VALUE_ENTITY_HANDLE};
use crate::proxy::ProxyCx;

/// The cases of this area, in run order.
pub(crate) static CASES: &[Case] = &[
    proxy_case! {
        id: "http.proxy.unknown_route_and_wrong_method",
        summary: "HTTP requests with no route get 404, a POST-only route requested with GET gets 405, and none reaches the user function",
        requirements: ["FRONT-022", "FRONT-023"],
        services: &[ACTION_TCK_MODEL, VALUE_ENTITY_TCK_MODEL],
        run: unknown_route_and_wrong_method,
    },
    proxy_case! {
        id: "http.proxy.malformed_json_is_a_bad_request",
        summary: "broken JSON, wrong JSON types, unknown fields and a non-object body each get 400 without calling the user function",
        requirements: ["FRONT-010"],
        services: &[VALUE_ENTITY_TCK_MODEL],
        run: malformed_json_is_a_bad_request,
    },
];

/// Sends `method path body` and expects `status`, saying `why` the proxy must answer so.
async fn expect_status(
    cx: &ProxyCx,
    (method, path, body): (&str, &str, Option<&str>),
    status: u16,
    why: &str,
) -> Verdict {
    let response = cx.http(method, path, body).await?;
    if response.status == status {
        return Ok(());
    }
    Err(CaseFailure::mismatch(
        format!(
            "{method} {path} {} was not answered with status {status}: {why}",
            body.unwrap_or("(no body)")
        ),
        format!("status {status}"),
        format!("status {}, body {}", response.status, response.body),
    ))
}

/// New: `POST` to a path that no route has, and to the default route of a method that the announced
/// `ActionTckModel` does not have, get 404; `GET` on the `google.api.http` route of
/// `ValueEntityTckModel.Process` and on the default route of `ActionTckModel.ProcessUnary`, both served
/// for `POST` only, get 405. None of them reaches the user function.
pub(super) async fn unknown_route_and_wrong_method(cx: ProxyCx) -> Verdict {
    let id = cx.fresh_id("http-routes");
    let no_route = "no route has this path";
    for path in [
        "/tck/model/nowhere".to_owned(),
        format!("/{ACTION_TCK_MODEL}/ProcessNothing"),
    ] {
        expect_status(&cx, ("POST", &path, Some("{}")), 404, no_route).await?;
    }
    let post_only = "the path is served for POST only";
    for path in [
        format!("/tck/model/entity/{id}"),
        format!("/{ACTION_TCK_MODEL}/ProcessUnary"),
    ] {
        expect_status(&cx, ("GET", &path, None), 405, post_only).await?;
    }
    cx.expect_no_call(NO_CALL_WITHIN).await
}

/// New: bodies for `POST /tck/model/entity/{id}` (`ValueEntityTckModel.Process`) that are not the
/// request message in JSON: broken JSON, a string where the repeated field `actions` is, a number where
/// the string `value` is, a field the message does not have, and an array instead of an object. Each
/// gets 400, and the user function is not called.
pub(super) async fn malformed_json_is_a_bad_request(cx: ProxyCx) -> Verdict {
    let id = cx.fresh_id("http-json");
    let path = format!("/tck/model/entity/{id}");
    let bodies = [
        (r#"{"actions": [{"update": "#, "it is not valid JSON"),
        (
            r#"{"actions": "update"}"#,
            "`actions` is a repeated field, not a string",
        ),
        (
            r#"{"actions": [{"update": {"value": 7}}]}"#,
            "`value` is a string field, not a number",
        ),
        (
            r#"{"actions": [], "colour": "red"}"#,
            "the request message has no field `colour`",
        ),
        (r#"[{"actions": []}]"#, "the body must be a JSON object"),
    ];
    for (body, why) in bodies {
        expect_status(&cx, ("POST", &path, Some(body)), 400, why).await?;
    }
    cx.expect_no_call(NO_CALL_WITHIN).await?;
    // The same route still serves a well-formed request, so the 400s were about the bodies.
    let response = cx.http("POST", &path, Some("{}")).await?;
    if response.status != 200 {
        return Err(CaseFailure::mismatch(
            format!("POST {path} {{}} (a well-formed empty request) was not answered"),
            "status 200".to_owned(),
            format!("status {}, body {}", response.status, response.body),
        ));
    }
    let mut entity = cx.expect_call(VALUE_ENTITY_HANDLE).await?;
    let init: ValueEntityStreamIn = entity.recv_from_proxy().await?;
    let command: ValueEntityStreamIn = entity.recv_from_proxy().await?;
    match (init.message, command.message) {
        (
            Some(value_entity_stream_in::Message::Init(_)),
            Some(value_entity_stream_in::Message::Command(command)),
        ) if command.entity_id == id => {
            let _: ValueEntityStreamOut = entity.recv_from_user_function().await?;
            Ok(())
        }
        (init, command) => Err(CaseFailure::mismatch(
            format!(
                "POST {path} {{}} did not open the entity's stream with an init and its command"
            ),
            format!("an init, then a command for entity {id}"),
            format!("{init:?}, then {command:?}"),
        )),
    }
}
