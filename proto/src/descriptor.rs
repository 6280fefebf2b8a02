//! The encoded descriptor set of every `.proto` file in this crate.

use std::sync::OnceLock;

use prost_reflect::DescriptorPool;

/// The serialized `google.protobuf.FileDescriptorSet` of the protocol, the TCK model and everything they
/// import (the `google/protobuf` well-known types included), without source info.
pub const FILE_DESCRIPTOR_SET: &[u8] = include_bytes!("generated/descriptor_set.bin");

/// A descriptor pool decoded from [`FILE_DESCRIPTOR_SET`], built once and shared.
///
/// The set is produced by our own code generation and checked by the crate's tests, so decoding it cannot
/// fail at run time unless the checked-in file was corrupted by hand.
pub fn descriptor_pool() -> &'static DescriptorPool {
    static POOL: OnceLock<DescriptorPool> = OnceLock::new();
    POOL.get_or_init(|| match DescriptorPool::decode(FILE_DESCRIPTOR_SET) {
        Ok(pool) => pool,
        Err(error) => panic!("the checked-in descriptor set does not decode: {error}"),
    })
}
