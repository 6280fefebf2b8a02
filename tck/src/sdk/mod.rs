//! SDK mode: the TCK plays the proxy and drives a user function through the protocol.

mod action;
mod channel;
mod crdt;
mod cx;
mod discovery;
mod event_sourced;
mod payload;
mod protocol;
mod stream;
mod value_entity;

pub use channel::{RecordingBody, TargetChannel};
pub(crate) use channel::{SentStatus, not_sent_by_target};
pub(crate) use crdt::normalise_crdt_out;
pub use cx::{ActionStream, CrdtStream, EventSourcedStream, SdkCx, ValueEntityStream};
pub(crate) use discovery::sorted_entities;
pub use discovery::{decode_descriptors, tck_proxy_info};
pub use payload::{command, failure, failure_message, forward, pack, reply, side_effect};
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
