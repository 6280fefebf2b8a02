//! JSON transcoding of arbitrary bodies, as the HTTP frontend does it (parse, build the input message
//! with unknown fields denied, encode), then entity-key extraction from the encoded message: nothing
//! may panic, and a message built from JSON always decodes again.

#![no_main]

#[path = "support.rs"]
mod support;

use std::sync::{Arc, LazyLock};

use libfuzzer_sys::fuzz_target;
use prost::Message as _;
use prost_reflect::{DeserializeOptions, DynamicMessage};
use reference_proxy::user_spec::MethodSpec;

static METHODS: LazyLock<Vec<Arc<MethodSpec>>> = LazyLock::new(support::methods);

fuzz_target!(|data: &[u8]| {
    let Ok(json) = serde_json::from_slice::<serde_json::Value>(data) else {
        return;
    };
    let options = DeserializeOptions::new().deny_unknown_fields(true);
    for method in METHODS.iter() {
        let input = method.input();
        let Ok(message) =
            DynamicMessage::deserialize_with_options(input.clone(), json.clone(), &options)
        else {
            continue;
        };
        let bytes = message.encode_to_vec();
        assert!(DynamicMessage::decode(input, bytes.as_slice()).is_ok());
        let _ = method.entity_id(&bytes);
    }
});
