//! What every entity handler shares ([`EntityContext`]), and who hears of persisted events
//! ([`EventSink`]).

use std::sync::Arc;
use std::time::Duration;

use prost_types::Any;

use crate::effects::Effects;
use crate::health::Health;
use crate::limits::EntityLimits;
use crate::store::Store;
use crate::user_function::UserFunction;
use crate::user_spec::UserSpec;

/// The relay timeout when none is configured: the Akka proxy's `relay-timeout` (see
/// [`Config::relay_timeout_ms`](crate::Config::relay_timeout_ms)).
pub const DEFAULT_RELAY_TIMEOUT: Duration = Duration::from_secs(60);

/// Told about every event an event-sourced entity persisted, in order (eventing subscribes to this).
pub trait EventSink: Send + Sync + std::fmt::Debug + 'static {
    /// `events` were persisted for the entity, numbered from `first_sequence`.
    fn persisted(&self, persistence_id: &str, entity_id: &str, first_sequence: i64, events: &[Any]);
}

/// An event sink that drops everything.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoEvents;

impl EventSink for NoEvents {
    fn persisted(&self, _: &str, _: &str, _: i64, _: &[Any]) {}
}

/// What every entity handler shares.
#[derive(Debug, Clone)]
pub struct EntityContext {
    /// The user function.
    pub user_function: UserFunction,
    /// What it announced.
    pub spec: Arc<UserSpec>,
    /// Where state lives.
    pub store: Arc<dyn Store>,
    /// Forwards and side effects.
    pub effects: Arc<Effects>,
    /// Subscribers to persisted events.
    pub events: Arc<dyn EventSink>,
    /// How long a command may wait for the user function's answer.
    pub relay_timeout: Duration,
    /// How many entities may be active, and how many commands may wait for one.
    pub limits: EntityLimits,
    /// Which commands sent to the user function still wait for its answer, for readiness.
    pub health: Health,
}
