//! Case 166 of the original TCK, extended: `ActionTckModel.ProcessUnary` over HTTP/JSON at its annotated
//! route, `ActionTwo.Call` at the default route, a failure, and bodies that are not a valid request.

use serde_json::Value;

use super::probe::ActionCall;
use crate::case::{CaseFailure, Verdict};
use crate::messages::action::{fail, failed, process_unary, replied, reply, single, two_call};
use crate::proxy::ProxyCx;
use crate::session::HttpResponse;

/// The `google.api.http` route of `ProcessUnary` (`post`, body `*`).
const UNARY_ROUTE: &str = "/tck/model/action/unary";
/// The default route of `ActionTwo.Call`.
const TWO_ROUTE: &str = "/cloudstate.tck.model.action.ActionTwo/Call";

/// 200 with `{"message":"foo"}` for a reply, 500 with "boom" for a failure, `{"message":""}` (default
/// values printed) from the default route, and 400 without any call to the user function for a body that
/// is not JSON or does not fit the request message. The executor checks after the case that the last two
/// requests made no call.
pub(super) async fn unary_http_api(cx: ProxyCx) -> Verdict {
    let body = r#"{"groups": [{"steps": [{"reply": {"message": "foo"}}]}]}"#;
    let answer = cx.http("POST", UNARY_ROUTE, Some(body)).await?;
    expect_json(&answer, UNARY_ROUTE, r#"{"message":"foo"}"#)?;
    let mut call = ActionCall::expect(&cx, "handleUnary").await?;
    call.expect_command(process_unary(&single([reply("foo")])))
        .await?;
    call.expect_half_close().await?;
    call.expect_response(replied("foo", vec![])).await?;
    call.expect_end().await?;

    let body = r#"{"groups": [{"steps": [{"fail": {"message": "boom"}}]}]}"#;
    let answer = cx.http("POST", UNARY_ROUTE, Some(body)).await?;
    if (answer.status, answer.body.as_str()) != (500, "boom") {
        return Err(CaseFailure::mismatch(
            format!(
                "POST {UNARY_ROUTE} with a fail step: a failure must give status 500 and its description as the body"
            ),
            "500 boom".to_owned(),
            format!("{} {}", answer.status, answer.body),
        ));
    }
    let mut call = ActionCall::expect(&cx, "handleUnary").await?;
    call.expect_command(process_unary(&single([fail("boom")])))
        .await?;
    call.expect_half_close().await?;
    call.expect_response(failed("boom", vec![])).await?;
    call.expect_end().await?;

    let answer = cx.http("POST", TWO_ROUTE, Some(r#"{"id": "x"}"#)).await?;
    expect_json(&answer, TWO_ROUTE, r#"{"message":""}"#)?;
    let mut call = ActionCall::expect(&cx, "handleUnary").await?;
    call.expect_command(two_call("x")).await?;
    call.expect_half_close().await?;
    call.expect_response(replied("", vec![])).await?;
    call.expect_end().await?;

    for (body, what) in [
        (r#"{"groups": ["#, "a body that is not JSON"),
        (r#"{"groups": "x"}"#, "JSON that is no Request"),
    ] {
        let answer = cx.http("POST", UNARY_ROUTE, Some(body)).await?;
        if answer.status != 400 {
            return Err(CaseFailure::mismatch(
                format!("POST {UNARY_ROUTE} with {what}: the proxy must answer 400"),
                "400".to_owned(),
                format!("{} {}", answer.status, answer.body),
            ));
        }
    }
    Ok(())
}

/// Expects 200, `application/json`, and a body equal, as JSON, to `expected`.
fn expect_json(answer: &HttpResponse, path: &str, expected: &str) -> Verdict {
    let json_type = answer.content_type.as_deref().is_some_and(|value| {
        value
            .split(';')
            .next()
            .is_some_and(|media| media.trim().eq_ignore_ascii_case("application/json"))
    });
    let body: Option<Value> = serde_json::from_str(&answer.body).ok();
    let wanted: Option<Value> = serde_json::from_str(expected).ok();
    if answer.status == 200 && json_type && body.is_some() && body == wanted {
        return Ok(());
    }
    Err(CaseFailure::mismatch(
        format!(
            "POST {path}: the proxy must answer 200, application/json, with the response message as JSON"
        ),
        format!("200 application/json {expected}"),
        format!(
            "{} {} {}",
            answer.status,
            answer
                .content_type
                .as_deref()
                .unwrap_or("(no content type)"),
            answer.body
        ),
    ))
}
