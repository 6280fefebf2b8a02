//! A small, single-node reference proxy for Cloudstate protocol 0.2.
//!
//! The proxy discovers a user function ([`discovery`]), serves its services to clients over gRPC and
//! HTTP/JSON ([`frontend`]), and drives its entities over the Cloudstate protocol ([`entity`]) while it
//! owns their state ([`store`]). Every call, from a client, a forward, a side effect or an event
//! subscription, goes through one [`dispatch::Router`].
//!
//! Clients cannot make it hold more than its [`limits`] allow, and its readiness follows whether the
//! user function still answers ([`health`]).
//!
//! With the cargo feature `faults`, [`fault`] adds deliberate protocol deviations, so that the TCK can be
//! checked against a proxy that gets things wrong.

#![deny(unsafe_code)]

pub mod app;
pub mod config;
mod deviation;
pub mod discovery;
pub mod dispatch;
pub mod effects;
pub mod entity;
pub mod eventing;
pub mod fault;
pub mod frontend;
pub mod health;
pub mod limits;
mod memory;
pub mod store;
pub mod user_function;
pub mod user_spec;

#[cfg(any(test, feature = "test-util"))]
pub mod test_util;

pub use config::Config;
