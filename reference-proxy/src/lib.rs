//! A small, single-node reference proxy for Cloudstate protocol 0.2.
//!
//! The proxy discovers a user function, serves its services to clients over gRPC and HTTP/JSON, and
//! drives its entities over the Cloudstate protocol while it owns their state. This crate is built up
//! area by area; see the repository README for what it serves today.

#![forbid(unsafe_code)]

pub mod config;

pub use config::Config;
