//! Cloudstate protocol 0.2 for Rust.
//!
//! This crate holds the `.proto` files of the Cloudstate protocol (the gRPC contract between a proxy and a
//! user function), the TCK model services that an SDK implements to be certified, and the `google.api`
//! options they use. It exposes:
//!
//! - the generated message types and gRPC clients and servers, under their protobuf package paths
//!   ([`cloudstate`], [`google`]);
//! - the encoded `FileDescriptorSet` of every file, with imports, and a ready [`prost_reflect::DescriptorPool`]
//!   built from it, for dynamic messages, server reflection and JSON transcoding;
//! - the well-known names and version numbers of the protocol ([`names`]);
//! - [`RawCodec`], a gRPC codec whose messages are their encoded bytes, for relaying calls undecoded.
//!
//! The generated code under `src/generated/` is checked in; `tests/codegen.rs` regenerates it with protox
//! (no `protoc` needed) and fails when it drifts.

#![forbid(unsafe_code)]

mod descriptor;
mod generated;
pub mod names;
mod raw_codec;

pub use descriptor::{FILE_DESCRIPTOR_SET, decode_descriptor_set, descriptor_pool};
pub use generated::{cloudstate, google};
pub use raw_codec::RawCodec;
