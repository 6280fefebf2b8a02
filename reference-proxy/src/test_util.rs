//! Test support, compiled only for tests and with the cargo feature `test-util`: one fake user function
//! ([`FakeUserFunction`]) that the unit tests and the integration tests configure for what they check.
//!
//! It serves every protocol a user function serves: discovery (announcing a configured `EntitySpec`
//! and recording `reportError`), value and event-sourced entities by the TCK models' rules, recording
//! every message ([`entity_models`]), CRDT streams that the test drives message by message
//! ([`crdt_streams`]), and actions by the TCK action model's rules ([`action_model`]).

pub mod action_model;
pub mod crdt_streams;
pub mod entity_models;
mod user_function;

pub use user_function::{FakeUserFunction, Observed, OnItsOwnRuntime, any, connect};
