//! HTTP rules beyond the TCK's `POST ... body: "*"`: GET with path variables and query parameters,
//! a body field, a multi-segment variable with `response_body`, custom verbs, and a rule the proxy
//! cannot serve. The user service echoes its input, so each reply shows how the request was built.

use crate::frontend_support;

use std::sync::Arc;

use cloudstate_protocol::cloudstate::{Entity, EntitySpec};
use cloudstate_protocol::names::ACTION_PROTOCOL;
use frontend_support::Proxy;
use reference_proxy::dispatch::{Call, Dispatch, MessageStream};
use reference_proxy::user_spec::UserSpec;
use tonic::Status;

const PROTO: &str = r#"
syntax = "proto3";
package frontend.test;
import "google/api/annotations.proto";

service Things {
  rpc Get(Thing) returns (Thing) {
    option (google.api.http) = {
      get: "/v1/shelves/{shelf}/things/{name}"
      additional_bindings { post: "/v1/things/{name}:rename" body: "detail" }
      additional_bindings { put: "/v1/things/{name=archive/**}" body: "*" response_body: "detail" }
    };
  }
  rpc Broken(Thing) returns (Thing) {
    option (google.api.http) = { get: "/v1/broken/{missing}" };
  }
}

enum Color { COLOR_UNSET = 0; RED = 1; }
message Detail { string note = 1; int64 count = 2; }
message Thing {
  string shelf = 1;
  string name = 2;
  int64 size = 3;
  bool flag = 4;
  Color color = 5;
  repeated string tags = 6;
  Detail detail = 7;
  string display_name = 8;
}
"#;

/// Replies with the request.
struct Echo;

#[tonic::async_trait]
impl Dispatch for Echo {
    async fn dispatch(&self, call: Call) -> Result<MessageStream, Status> {
        Ok(call.requests)
    }
}

async fn start() -> Proxy {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(dir.path().join("things.proto"), PROTO).expect("write the proto");
    let protocol_protos = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../proto/proto");
    let mut compiler =
        protox::Compiler::new([dir.path(), protocol_protos.as_path()]).expect("includes");
    compiler.include_imports(true);
    compiler
        .open_file("things.proto")
        .expect("the proto compiles");
    let entity = Entity {
        entity_type: ACTION_PROTOCOL.to_owned(),
        service_name: "frontend.test.Things".to_owned(),
        persistence_id: String::new(),
        passivation_strategy: None,
    };
    let entity_spec = EntitySpec {
        proto: compiler.encode_file_descriptor_set(),
        entities: vec![entity],
        service_info: None,
    };
    Proxy::start(
        UserSpec::new(entity_spec).expect("a valid spec"),
        Arc::new(Echo),
    )
    .await
}

const EMPTY_DETAIL: &str = r#"{"note":"","count":"0"}"#;

#[tokio::test]
async fn get_fills_fields_from_the_path_and_the_query() {
    let proxy = start().await;
    let query = "size=42&flag=true&color=RED&tags=a&tags=b+c&detail.note=hi&displayName=x";
    let (status, _, body) = proxy
        .http(
            "GET",
            &format!("/v1/shelves/s1/things/n%201?{query}"),
            None,
            "",
        )
        .await;
    let expected = r#"{"shelf":"s1","name":"n 1","size":"42","flag":true,"color":"RED","tags":["a","b c"],"detail":{"note":"hi","count":"0"},"displayName":"x"}"#;
    assert_eq!((status, body.as_str()), (200, expected));

    let (status, _, body) = proxy
        .http(
            "GET",
            "/v1/shelves/s1/things/n?color=1&display_name=y",
            None,
            "",
        )
        .await;
    assert_eq!(status, 200, "{body}");
    assert!(
        body.contains(r#""color":"RED""#) && body.contains(r#""displayName":"y""#),
        "{body}"
    );

    for (query, complaint) in [
        ("nope=1", "nope"),
        ("size=1&size=2", "more than once"),
        ("size=big", "Thing"),
        ("flag=yes", "Thing"),
    ] {
        let (status, _, body) = proxy
            .http("GET", &format!("/v1/shelves/s/things/n?{query}"), None, "")
            .await;
        assert_eq!(status, 400, "{query}: {body}");
        assert!(body.contains(complaint), "{query}: {body}");
    }
    proxy.stop().await;
}

#[tokio::test]
async fn a_body_field_takes_the_body_and_the_query_fills_the_rest() {
    let proxy = start().await;
    let (status, _, body) = proxy
        .post("/v1/things/n1:rename?size=3", r#"{"note":"renamed"}"#)
        .await;
    let expected = r#"{"shelf":"","name":"n1","size":"3","flag":false,"color":"COLOR_UNSET","tags":[],"detail":{"note":"renamed","count":"0"},"displayName":""}"#;
    assert_eq!((status, body.as_str()), (200, expected));

    let (status, _, _) = proxy.post("/v1/things/n1:other", "{}").await;
    assert_eq!(status, 404, "another verb is another route");
    proxy.stop().await;
}

#[tokio::test]
async fn multi_segment_variables_and_response_body() {
    let proxy = start().await;
    let (status, _, body) = proxy
        .http(
            "PUT",
            "/v1/things/archive/2020/x",
            Some("application/json"),
            "{}",
        )
        .await;
    assert_eq!((status, body.as_str()), (200, EMPTY_DETAIL));
    let thing = r#"{"name":"ignored: the path wins","detail":{"note":"kept","count":7}}"#;
    let (status, _, body) = proxy
        .http(
            "PUT",
            "/v1/things/archive/a%2Fb",
            Some("application/json; charset=utf-8"),
            thing,
        )
        .await;
    assert_eq!(
        (status, body.as_str()),
        (200, r#"{"note":"kept","count":"7"}"#)
    );

    let (status, _, _) = proxy
        .http("PUT", "/v1/things/other/x", Some("application/json"), "{}")
        .await;
    assert_eq!(status, 404, "the variable's pattern starts with `archive`");
    proxy.stop().await;
}

#[tokio::test]
async fn an_unservable_rule_leaves_the_default_route() {
    let proxy = start().await;
    let (status, _, _) = proxy.http("GET", "/v1/broken/x", None, "").await;
    assert_eq!(status, 404);
    let (status, _, body) = proxy
        .post("/frontend.test.Things/Broken", r#"{"name":"b"}"#)
        .await;
    assert_eq!(status, 200);
    assert!(body.contains(r#""name":"b""#), "{body}");
    proxy.stop().await;
}
