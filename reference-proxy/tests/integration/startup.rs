//! Start-up checks: the proxy refuses a user function with another protocol version or a spec it cannot
//! serve, and tells the user function why with `reportError`.

use std::sync::Arc;
use std::time::Duration;

use cloudstate_protocol::cloudstate::{Entity, EntitySpec, ServiceInfo};
use cloudstate_protocol::{FILE_DESCRIPTOR_SET, names};
use reference_proxy::discovery::{StartupError, discover};
use reference_proxy::effects::Effects;
use reference_proxy::test_util::{FakeUserFunction, connect};
use reference_proxy::user_spec::UserSpec;

fn spec(major: i32, minor: i32, service: &str) -> EntitySpec {
    EntitySpec {
        proto: FILE_DESCRIPTOR_SET.to_vec(),
        entities: vec![Entity {
            entity_type: names::VALUE_ENTITY.to_owned(),
            service_name: service.to_owned(),
            persistence_id: "p".to_owned(),
            passivation_strategy: None,
        }],
        service_info: Some(ServiceInfo {
            protocol_major_version: major,
            protocol_minor_version: minor,
            ..Default::default()
        }),
    }
}

/// The fake user function, announcing `entity_spec`.
fn announcing(entity_spec: EntitySpec) -> FakeUserFunction {
    FakeUserFunction::new().0.announcing(entity_spec)
}

/// What the proxy reported to `fake`.
fn reported(fake: &FakeUserFunction) -> Vec<String> {
    fake.errors.borrow().clone()
}

async fn serve(fake: &FakeUserFunction) -> u16 {
    fake.serve().await.expect("serve the user function").port()
}

async fn start(fake: &FakeUserFunction, strict_minor: bool) -> Result<(), StartupError> {
    let port = serve(fake).await;
    let started = tokio::time::timeout(
        Duration::from_secs(20),
        discover("127.0.0.1", port, strict_minor, Duration::from_secs(10)),
    )
    .await
    .expect("discovery finishes");
    started.map(|_| ())
}

#[tokio::test]
async fn another_protocol_version_is_refused_and_reported_with_both_versions() {
    let fake = announcing(spec(0, 1, names::model::VALUE_ENTITY_TCK_MODEL));
    let error = start(&fake, true).await.expect_err("0.1 is refused");
    let message = error.to_string();
    assert!(
        message.contains("0.1") && message.contains("0.2"),
        "{message}"
    );
    let reported = reported(&fake);
    assert_eq!(reported.len(), 1, "{reported:?}");
    assert!(
        reported[0].contains("0.1") && reported[0].contains("0.2"),
        "{reported:?}"
    );
}

#[tokio::test]
async fn the_minor_version_check_can_be_turned_off() {
    for minor in [0, 1, 3] {
        let fake = announcing(spec(0, minor, names::model::VALUE_ENTITY_TCK_MODEL));
        start(&fake, false)
            .await
            .expect("another minor version is accepted without the check");
        assert!(reported(&fake).is_empty());
    }
}

#[tokio::test]
async fn another_major_version_is_refused_even_without_the_check() {
    let fake = announcing(spec(1, 0, names::model::VALUE_ENTITY_TCK_MODEL));
    let error = start(&fake, false).await.expect_err("1.0 is refused");
    assert!(error.to_string().contains("1.0"), "{error}");
    assert_eq!(reported(&fake).len(), 1);
}

#[tokio::test]
async fn a_service_missing_from_the_descriptors_is_refused_and_reported() {
    let fake = announcing(spec(0, 2, "no.such.Service"));
    let error = start(&fake, true).await.expect_err("refused");
    assert!(error.to_string().contains("no.such.Service"), "{error}");
    assert_eq!(reported(&fake).len(), 1);
}

#[tokio::test]
async fn a_stateful_method_without_an_entity_key_is_refused() {
    // The action model's requests carry no entity key, so it cannot be served as a value entity.
    let fake = announcing(spec(0, 2, names::model::ACTION_TCK_MODEL));
    let error = start(&fake, true).await.expect_err("refused");
    assert!(error.to_string().contains("no entity key"), "{error}");
}

#[tokio::test]
async fn a_user_function_that_never_comes_up_is_reported_after_the_timeout() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().expect("address").port();
    drop(listener);
    let error = discover("127.0.0.1", port, true, Duration::from_millis(500))
        .await
        .expect_err("nobody there");
    assert!(matches!(error, StartupError::Unreachable { .. }), "{error}");
}

#[tokio::test]
async fn a_forward_to_an_unknown_service_fails_the_call_and_is_reported() {
    let fake = announcing(spec(0, 2, names::model::VALUE_ENTITY_TCK_MODEL));
    let port = serve(&fake).await;
    let user_function = connect(([127, 0, 0, 1], port).into()).expect("an address");
    let entity_spec = fake.entity_spec.clone().expect("announced");
    let user_spec = UserSpec::new(entity_spec).expect("a valid spec");
    let effects = Effects::new(Arc::new(user_spec), user_function);
    let forward = cloudstate_protocol::cloudstate::Forward {
        service_name: "no.such.Service".to_owned(),
        command_name: "Call".to_owned(),
        payload: None,
        metadata: None,
    };
    let status = tokio::time::timeout(Duration::from_secs(10), effects.forward(forward))
        .await
        .expect("answers in time")
        .expect_err("an unknown target fails the call");
    assert!(status.message().contains("no.such.Service"), "{status:?}");
    let reported = reported(&fake);
    assert_eq!(reported.len(), 1, "{reported:?}");
    assert!(
        reported[0].contains("forward to no.such.Service/Call"),
        "{reported:?}"
    );
}

#[test]
fn a_configuration_that_cannot_be_read_exits_64_and_names_the_setting() {
    for args in [
        &["--http-port", "not-a-port"][..],
        &["--store", "postgres:somewhere"],
        &["--max-active-entities", "0"],
    ] {
        let output = std::process::Command::new(env!("CARGO_BIN_EXE_reference-proxy"))
            .args(args)
            .output()
            .expect("the proxy runs");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(64), "{args:?}: {stderr}");
        assert!(stderr.contains(args[0]), "{args:?}: {stderr}");
    }
    let help = std::process::Command::new(env!("CARGO_BIN_EXE_reference-proxy"))
        .arg("--help")
        .output()
        .expect("the proxy runs");
    assert_eq!(help.status.code(), Some(0));
}
