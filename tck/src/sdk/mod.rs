//! SDK mode: the TCK plays the proxy and drives a user function through the protocol.

mod action;
mod announced;
mod crdt;
mod cx;
mod discovery;
mod event_sourced;
mod protocol;
mod stream;
mod value_entity;

pub use cx::{ActionStream, CrdtStream, EventSourcedStream, SdkCx, ValueEntityStream};
pub use stream::{CloseWait, DEFAULT_CLOSE_WAIT, Next, ProtocolStream};

use crate::case::Case;

/// The SDK-mode cases, one group per area, in run order.
pub static CASE_GROUPS: &[&[Case]] = &[
    discovery::CASES,
    action::CASES,
    value_entity::CASES,
    event_sourced::CASES,
    crdt::CASES,
    protocol::CASES,
    crate::property::EVENT_SOURCED_CASES,
    crate::property::VALUE_ENTITY_CASES,
    crate::property::CRDT_CASES,
    crate::property::ACTION_CASES,
];
