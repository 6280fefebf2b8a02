//! Names and numbers that the protocol fixes: versions, entity types, services and type URLs.

/// The protocol major version this crate speaks.
pub const PROTOCOL_MAJOR_VERSION: i32 = 0;
/// The protocol minor version this crate speaks.
pub const PROTOCOL_MINOR_VERSION: i32 = 2;

/// Full name of the discovery service every user function serves.
pub const ENTITY_DISCOVERY: &str = "cloudstate.EntityDiscovery";

/// Entity type (and protocol service) of stateless actions.
pub const ACTION_PROTOCOL: &str = "cloudstate.action.ActionProtocol";
/// Entity type (and protocol service) of value entities.
pub const VALUE_ENTITY: &str = "cloudstate.valueentity.ValueEntity";
/// Entity type (and protocol service) of event-sourced entities.
pub const EVENT_SOURCED: &str = "cloudstate.eventsourced.EventSourced";
/// Entity type (and protocol service) of CRDT entities.
pub const CRDT: &str = "cloudstate.crdt.Crdt";

/// The four entity types, in the order a proxy announces them.
pub const ENTITY_TYPES: [&str; 4] = [ACTION_PROTOCOL, VALUE_ENTITY, EVENT_SOURCED, CRDT];

/// The protocol services a user function serves: discovery and the four entity protocols.
pub const PROTOCOL_SERVICES: [&str; 5] = [
    ENTITY_DISCOVERY,
    ACTION_PROTOCOL,
    VALUE_ENTITY,
    EVENT_SOURCED,
    CRDT,
];

/// Field option number of `cloudstate.entity_key`.
pub const ENTITY_KEY_OPTION: u32 = 1080;
/// Field option number of the legacy entity key option.
pub const LEGACY_ENTITY_KEY_OPTION: u32 = 50002;
/// Method option number of `cloudstate.eventing`.
pub const EVENTING_OPTION: u32 = 1081;

/// Prefix of the type URL of protobuf messages packed in an `Any`.
pub const PROTOBUF_TYPE_URL_PREFIX: &str = "type.googleapis.com/";
/// Prefix of the type URL of Cloudstate primitive values (field 1 of a one-field message).
pub const PRIMITIVE_TYPE_URL_PREFIX: &str = "p.cloudstate.io/";
/// Prefix of the type URL of JSON values (UTF-8 JSON in bytes field 1).
pub const JSON_TYPE_URL_PREFIX: &str = "json.cloudstate.io/";

/// The TCK model services, by full name.
pub mod model {
    /// Action model: the main service.
    pub const ACTION_TCK_MODEL: &str = "cloudstate.tck.model.action.ActionTckModel";
    /// Action model: the target of forwards and side effects.
    pub const ACTION_TWO: &str = "cloudstate.tck.model.action.ActionTwo";
    /// Value entity model: the main service.
    pub const VALUE_ENTITY_TCK_MODEL: &str = "cloudstate.tck.model.valueentity.ValueEntityTckModel";
    /// Value entity model: the target of forwards and side effects.
    pub const VALUE_ENTITY_TWO: &str = "cloudstate.tck.model.valueentity.ValueEntityTwo";
    /// Value entity model: the entity with a configured passivation timeout.
    pub const VALUE_ENTITY_CONFIGURED: &str =
        "cloudstate.tck.model.valueentity.ValueEntityConfigured";
    /// Event-sourced model: the main service.
    pub const EVENT_SOURCED_TCK_MODEL: &str = "cloudstate.tck.model.EventSourcedTckModel";
    /// Event-sourced model: the target of forwards and side effects.
    pub const EVENT_SOURCED_TWO: &str = "cloudstate.tck.model.EventSourcedTwo";
    /// Event-sourced model: the entity with a configured passivation timeout.
    pub const EVENT_SOURCED_CONFIGURED: &str = "cloudstate.tck.model.EventSourcedConfigured";
    /// CRDT model: the main service.
    pub const CRDT_TCK_MODEL: &str = "cloudstate.tck.model.crdt.CrdtTckModel";
    /// CRDT model: the target of forwards and side effects.
    pub const CRDT_TWO: &str = "cloudstate.tck.model.crdt.CrdtTwo";
    /// CRDT model: the entity with a configured passivation timeout.
    pub const CRDT_CONFIGURED: &str = "cloudstate.tck.model.crdt.CrdtConfigured";
    /// Metadata model: the action.
    pub const METADATA_TCK_MODEL_ACTION: &str =
        "cloudstate.tck.model.metadata.MetadataTckModelAction";
    /// Metadata model: the value entity.
    pub const METADATA_TCK_MODEL_ENTITY: &str =
        "cloudstate.tck.model.metadata.MetadataTckModelEntity";
    /// Event-log eventing model: the subscribing action.
    pub const EVENT_LOG_SUBSCRIBER_MODEL: &str =
        "cloudstate.tck.model.eventlogeventing.EventLogSubscriberModel";
    /// Event-log eventing model: the entity that emits protobuf events.
    pub const EVENT_SOURCED_ENTITY_ONE: &str =
        "cloudstate.tck.model.eventlogeventing.EventSourcedEntityOne";
    /// Event-log eventing model: the entity that emits JSON events.
    pub const EVENT_SOURCED_ENTITY_TWO: &str =
        "cloudstate.tck.model.eventlogeventing.EventSourcedEntityTwo";

    /// All fourteen model services.
    pub const ALL: [&str; 16] = [
        ACTION_TCK_MODEL,
        ACTION_TWO,
        VALUE_ENTITY_TCK_MODEL,
        VALUE_ENTITY_TWO,
        VALUE_ENTITY_CONFIGURED,
        EVENT_SOURCED_TCK_MODEL,
        EVENT_SOURCED_TWO,
        EVENT_SOURCED_CONFIGURED,
        CRDT_TCK_MODEL,
        CRDT_TWO,
        CRDT_CONFIGURED,
        EVENT_LOG_SUBSCRIBER_MODEL,
        EVENT_SOURCED_ENTITY_ONE,
        EVENT_SOURCED_ENTITY_TWO,
        METADATA_TCK_MODEL_ACTION,
        METADATA_TCK_MODEL_ENTITY,
    ];
}
