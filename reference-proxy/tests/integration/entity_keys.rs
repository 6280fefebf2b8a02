//! The entity-key option is found by its field number (1080, or 50002 of the protocols before 0.2), not
//! by its name: SDKs that bundle older protos send descriptor sets in which `cloudstate.entity_key` is
//! declared with another number than the one the model's options were written with.

use cloudstate_protocol::cloudstate::{Entity, EntitySpec};
use cloudstate_protocol::names::EVENT_SOURCED;
use prost::Message as _;
use reference_proxy::user_spec::UserSpec;

/// A model whose `Request.id` carries `[(cloudstate.entity_key) = true]` as `entity_key_proto` declares
/// it.
const MODEL: &str = r#"
syntax = "proto3";
package keys.test;
import "cloudstate/entity_key.proto";
service Counter {
  rpc Add(Request) returns (Request);
}
message Request {
  string id = 1 [(cloudstate.entity_key) = true];
  int64 amount = 2;
}
"#;

/// `cloudstate/entity_key.proto` as protocols before 0.2 declared it.
const OLD_ENTITY_KEY: &str = r#"
syntax = "proto3";
package cloudstate;
import "google/protobuf/descriptor.proto";
extend google.protobuf.FieldOptions {
  bool entity_key = 50002;
}
"#;

/// The encoded files of a descriptor set, for swapping one file for another.
#[derive(Clone, PartialEq, prost::Message)]
struct RawSet {
    #[prost(bytes = "vec", repeated, tag = "1")]
    file: Vec<Vec<u8>>,
}

/// The name of an encoded `FileDescriptorProto`.
#[derive(Clone, PartialEq, prost::Message)]
struct FileName {
    #[prost(string, tag = "1")]
    name: String,
}

/// Compiles `model.proto` against the folder holding `entity_key`, with its imports.
fn compile(entity_key: &str) -> Vec<u8> {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::create_dir_all(dir.path().join("cloudstate")).expect("folder");
    std::fs::write(dir.path().join("cloudstate/entity_key.proto"), entity_key).expect("write");
    std::fs::write(dir.path().join("model.proto"), MODEL).expect("write");
    let mut compiler = protox::Compiler::new([dir.path()]).expect("includes");
    compiler.include_imports(true);
    compiler
        .open_file("model.proto")
        .expect("the model compiles");
    compiler.encode_file_descriptor_set()
}

fn spec(proto: Vec<u8>) -> EntitySpec {
    EntitySpec {
        proto,
        entities: vec![Entity {
            entity_type: EVENT_SOURCED.to_owned(),
            service_name: "keys.test.Counter".to_owned(),
            persistence_id: "counter".to_owned(),
            passivation_strategy: None,
        }],
        service_info: None,
    }
}

fn key_field_names(spec: &UserSpec) -> Vec<String> {
    let service = &spec.services["keys.test.Counter"];
    service.methods["Add"]
        .key_fields
        .iter()
        .map(|field| field.name().to_owned())
        .collect()
}

#[test]
fn the_key_of_protocol_0_2_is_found() {
    let protocol = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../proto/proto/cloudstate/entity_key.proto");
    let current = std::fs::read_to_string(protocol).expect("the protocol's entity_key.proto");
    let served = UserSpec::new(spec(compile(&current))).expect("a valid spec");
    assert_eq!(key_field_names(&served), ["id"]);
}

#[test]
fn the_key_of_older_protocols_is_found() {
    let served = UserSpec::new(spec(compile(OLD_ENTITY_KEY))).expect("a valid spec");
    assert_eq!(key_field_names(&served), ["id"]);
}

#[test]
fn a_key_written_with_1080_is_found_when_the_set_declares_50002() {
    // What a library that bundles the old entity_key.proto sends for a model compiled against the
    // protocol's: the options say 1080, the set's entity_key.proto declares 50002.
    let protocol = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../proto/proto/cloudstate/entity_key.proto");
    let current = std::fs::read_to_string(protocol).expect("the protocol's entity_key.proto");
    let model_files = RawSet::decode(compile(&current).as_slice()).expect("a set");
    let old_files = RawSet::decode(compile(OLD_ENTITY_KEY).as_slice()).expect("a set");
    let name = |file: &Vec<u8>| FileName::decode(file.as_slice()).expect("a file").name;
    let old_key = old_files
        .file
        .iter()
        .find(|file| name(file) == "cloudstate/entity_key.proto")
        .expect("the old entity_key.proto")
        .clone();
    let mixed = RawSet {
        file: model_files
            .file
            .into_iter()
            .map(|file| {
                if name(&file) == "cloudstate/entity_key.proto" {
                    old_key.clone()
                } else {
                    file
                }
            })
            .collect(),
    };
    let served = UserSpec::new(spec(mixed.encode_to_vec())).expect("a valid spec");
    assert_eq!(key_field_names(&served), ["id"]);
}

#[test]
fn a_field_without_the_key_is_not_a_key() {
    let unmarked = OLD_ENTITY_KEY.replace("50002", "50003");
    let refused = UserSpec::new(spec(compile(&unmarked)));
    assert!(
        refused.is_err(),
        "a method without an entity key is refused"
    );
}
