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

/// The files of an encoded `FileDescriptorSet`, each kept as its exact bytes (custom options included).
#[derive(Clone, PartialEq, prost::Message)]
struct RawFileSet {
    #[prost(bytes = "vec", repeated, tag = "1")]
    file: Vec<Vec<u8>>,
}

/// Just the name of a `FileDescriptorProto`; every other field is skipped.
#[derive(Clone, PartialEq, prost::Message)]
struct FileName {
    #[prost(string, tag = "1")]
    name: String,
}

/// Decodes a `FileDescriptorSet` into a pool, accepting a file that is repeated with identical bytes (as
/// some SDKs send one copy per entity). Files may come in any order; a name repeated with different
/// contents is an error.
pub fn decode_descriptor_set(bytes: &[u8]) -> Result<DescriptorPool, String> {
    use prost::Message as _;
    let set =
        RawFileSet::decode(bytes).map_err(|error| format!("not a FileDescriptorSet: {error}"))?;
    let mut kept: Vec<(String, Vec<u8>)> = Vec::with_capacity(set.file.len());
    for file in set.file {
        let name = FileName::decode(file.as_slice())
            .map_err(|error| format!("a file of the set does not decode: {error}"))?
            .name;
        match kept.iter().find(|(seen, _)| *seen == name) {
            Some((_, earlier)) if *earlier == file => {}
            Some(_) => return Err(format!("the set holds two different files named `{name}`")),
            None => kept.push((name, file)),
        }
    }
    let deduplicated = RawFileSet {
        file: kept.into_iter().map(|(_, file)| file).collect(),
    }
    .encode_to_vec();
    DescriptorPool::decode(deduplicated.as_slice()).map_err(|error| error.to_string())
}

#[cfg(test)]
mod tests {
    use prost::Message as _;

    use super::*;

    #[test]
    fn identical_repeats_are_accepted_and_conflicts_rejected() {
        let set = RawFileSet::decode(FILE_DESCRIPTOR_SET).expect("set");
        let mut repeated = set.clone();
        repeated.file.extend(set.file.iter().rev().cloned());
        let pool =
            decode_descriptor_set(&repeated.encode_to_vec()).expect("identical repeats are fine");
        assert!(
            pool.get_service_by_name("cloudstate.tck.model.EventSourcedTckModel")
                .is_some()
        );

        let mut conflicting = set.clone();
        let mut other = FileName {
            name: FileName::decode(set.file[0].as_slice()).expect("name").name,
        }
        .encode_to_vec();
        other.extend_from_slice(&[0x12, 0x01, b'x']);
        conflicting.file.push(other);
        let error = decode_descriptor_set(&conflicting.encode_to_vec()).expect_err("conflict");
        assert!(error.contains("two different files"), "{error}");
    }
}
