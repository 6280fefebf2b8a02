//! Protocol messages that the TCK sends and receives, with their full protobuf names.

use cloudstate_protocol::cloudstate::action::{ActionCommand, ActionResponse};
use cloudstate_protocol::cloudstate::crdt::{CrdtStreamIn, CrdtStreamOut};
use cloudstate_protocol::cloudstate::eventsourced::{EventSourcedStreamIn, EventSourcedStreamOut};
use cloudstate_protocol::cloudstate::valueentity::{ValueEntityStreamIn, ValueEntityStreamOut};
use cloudstate_protocol::cloudstate::{EntitySpec, Metadata, ProxyInfo, UserFunctionError};

use super::render::{render_compact, render_pretty};

/// A protobuf message that the TCK knows by name, so it can render it for people.
pub(crate) trait WireMessage:
    prost::Message + Default + Clone + PartialEq + Send + Sync + 'static
{
    /// The full protobuf name, e.g. `cloudstate.eventsourced.EventSourcedStreamIn`.
    const FULL_NAME: &'static str;

    /// Pretty JSON, `Any` payloads expanded.
    fn pretty(&self) -> String {
        render_pretty(Self::FULL_NAME, &self.encode_to_vec())
    }

    /// One line of JSON, `Any` payloads expanded.
    fn compact(&self) -> String {
        render_compact(Self::FULL_NAME, &self.encode_to_vec())
    }
}

macro_rules! wire_messages {
    ($($ty:ty => $name:literal),* $(,)?) => {
        $(impl WireMessage for $ty {
            const FULL_NAME: &'static str = $name;
        })*
    };
}

wire_messages! {
    ActionCommand => "cloudstate.action.ActionCommand",
    ActionResponse => "cloudstate.action.ActionResponse",
    ValueEntityStreamIn => "cloudstate.valueentity.ValueEntityStreamIn",
    ValueEntityStreamOut => "cloudstate.valueentity.ValueEntityStreamOut",
    EventSourcedStreamIn => "cloudstate.eventsourced.EventSourcedStreamIn",
    EventSourcedStreamOut => "cloudstate.eventsourced.EventSourcedStreamOut",
    CrdtStreamIn => "cloudstate.crdt.CrdtStreamIn",
    CrdtStreamOut => "cloudstate.crdt.CrdtStreamOut",
    ProxyInfo => "cloudstate.ProxyInfo",
    EntitySpec => "cloudstate.EntitySpec",
    UserFunctionError => "cloudstate.UserFunctionError",
    Metadata => "cloudstate.Metadata",
}
