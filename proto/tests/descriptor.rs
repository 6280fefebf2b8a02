//! The descriptor set holds every protocol and model service under its full name, and agrees with the
//! generated Rust types.

use cloudstate_protocol::names::{self, model};
use cloudstate_protocol::{FILE_DESCRIPTOR_SET, descriptor_pool};
use prost::Message as _;
use prost_types::FileDescriptorSet;

#[test]
fn the_set_decodes_and_holds_every_file_with_its_imports() {
    let set = FileDescriptorSet::decode(FILE_DESCRIPTOR_SET).expect("descriptor set decodes");
    let names: Vec<&str> = set.file.iter().map(|file| file.name()).collect();
    for expected in [
        "cloudstate/entity.proto",
        "cloudstate/event_sourced.proto",
        "cloudstate/value_entity.proto",
        "cloudstate/crdt.proto",
        "cloudstate/action.proto",
        "cloudstate/entity_key.proto",
        "cloudstate/legacy_entity_key.proto",
        "cloudstate/eventing.proto",
        "cloudstate/tck/model/action.proto",
        "cloudstate/tck/model/crdt.proto",
        "cloudstate/tck/model/eventlogeventing.proto",
        "cloudstate/tck/model/eventsourced.proto",
        "cloudstate/tck/model/metadata.proto",
        "cloudstate/tck/model/valueentity.proto",
        "google/api/annotations.proto",
        "google/api/http.proto",
        "google/api/httpbody.proto",
        "google/protobuf/any.proto",
        "google/protobuf/descriptor.proto",
        "google/protobuf/empty.proto",
    ] {
        assert!(
            names.contains(&expected),
            "{expected} is missing from {names:?}"
        );
    }
}

#[test]
fn protocol_and_model_services_are_present_under_their_full_names() {
    let pool = descriptor_pool();
    for service in names::PROTOCOL_SERVICES.iter().chain(model::ALL.iter()) {
        assert!(
            pool.get_service_by_name(service).is_some(),
            "service {service} is missing"
        );
    }
    assert_eq!(names::PROTOCOL_SERVICES.len(), 5);
    assert_eq!(model::ALL.len(), 16);
}

#[test]
fn protocol_rpcs_have_the_right_names_and_shapes() {
    let pool = descriptor_pool();
    let shape = |service: &str, method: &str| {
        let service = pool.get_service_by_name(service).expect("service");
        let method = service
            .methods()
            .find(|m| m.name() == method)
            .expect("method");
        (method.is_client_streaming(), method.is_server_streaming())
    };
    assert_eq!(shape(names::ENTITY_DISCOVERY, "discover"), (false, false));
    assert_eq!(
        shape(names::ENTITY_DISCOVERY, "reportError"),
        (false, false)
    );
    assert_eq!(shape(names::ACTION_PROTOCOL, "handleUnary"), (false, false));
    assert_eq!(
        shape(names::ACTION_PROTOCOL, "handleStreamedIn"),
        (true, false)
    );
    assert_eq!(
        shape(names::ACTION_PROTOCOL, "handleStreamedOut"),
        (false, true)
    );
    assert_eq!(
        shape(names::ACTION_PROTOCOL, "handleStreamed"),
        (true, true)
    );
    for service in [names::VALUE_ENTITY, names::EVENT_SOURCED, names::CRDT] {
        assert_eq!(shape(service, "handle"), (true, true), "{service}");
    }
}

#[test]
fn model_services_carry_their_http_and_entity_key_options() {
    let pool = descriptor_pool();
    let http = pool
        .get_extension_by_name("google.api.http")
        .expect("google.api.http");
    let process = pool
        .get_service_by_name(model::EVENT_SOURCED_TCK_MODEL)
        .and_then(|service| service.methods().find(|m| m.name() == "Process"))
        .expect("Process");
    let rule = process.options();
    let rule = rule.get_extension(&http);
    let rule = rule.as_message().expect("an HttpRule");
    assert_eq!(
        rule.get_field_by_name("post")
            .and_then(|v| v.as_str().map(str::to_owned))
            .as_deref(),
        Some("/tck/model/eventsourced/{id}")
    );

    let entity_key = pool
        .get_extension_by_name("cloudstate.entity_key")
        .expect("cloudstate.entity_key");
    assert_eq!(entity_key.number(), names::ENTITY_KEY_OPTION);
    let request = pool
        .get_message_by_name("cloudstate.tck.model.Request")
        .expect("Request");
    let id = request.get_field_by_name("id").expect("id field");
    assert_eq!(
        id.options().get_extension(&entity_key).as_bool(),
        Some(true)
    );

    let legacy = pool
        .get_extension_by_name("cloudstate.legacy_entity_key")
        .expect("legacy_entity_key");
    assert_eq!(legacy.number(), names::LEGACY_ENTITY_KEY_OPTION);
    let eventing = pool
        .get_extension_by_name("cloudstate.eventing")
        .expect("cloudstate.eventing");
    assert_eq!(eventing.number(), names::EVENTING_OPTION);
}
