//! Entity-key extraction from arbitrary request bytes: `MethodSpec::entity_id` on every method of the
//! TCK models. It may refuse the bytes, but must never panic, and an accepted key is never empty and
//! never longer than the limit.

#![no_main]

#[path = "support.rs"]
mod support;

use std::sync::{Arc, LazyLock};

use libfuzzer_sys::fuzz_target;
use reference_proxy::user_spec::{MAX_ENTITY_ID, MethodSpec};

static METHODS: LazyLock<Vec<Arc<MethodSpec>>> = LazyLock::new(support::methods);

fuzz_target!(|data: &[u8]| {
    for method in METHODS.iter() {
        if let Ok(id) = method.entity_id(data) {
            assert!(!id.is_empty() && id.len() <= MAX_ENTITY_ID, "{id:?}");
        }
    }
});
