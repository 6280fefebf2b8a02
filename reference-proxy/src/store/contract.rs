//! What every store offers: loading and appending an event-sourced entity's journal, saving its
//! snapshots, and loading and saving a value entity's value.

use prost_types::Any;

/// A stored snapshot: the state after event `sequence`.
#[derive(Debug, Clone, PartialEq)]
pub struct Snapshot {
    /// The sequence number of the last event it includes.
    pub sequence: i64,
    /// The snapshot itself.
    pub state: Any,
}

/// What an event-sourced entity recovers from: the latest snapshot and the events after it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Journal {
    /// The latest snapshot, if any.
    pub snapshot: Option<Snapshot>,
    /// The events after the snapshot, with their sequence numbers, in order.
    pub events: Vec<(i64, Any)>,
}

/// A storage failure.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("store: {0}")]
pub struct StoreError(pub String);

/// Storage of every entity's state. Entities are named by persistence ID and entity ID.
#[tonic::async_trait]
pub trait Store: Send + Sync + std::fmt::Debug + 'static {
    /// The latest snapshot and the events after it.
    async fn load_journal(
        &self,
        persistence_id: &str,
        entity_id: &str,
    ) -> Result<Journal, StoreError>;
    /// Appends events numbered from `first_sequence`, atomically; durable when it returns.
    async fn append_events(
        &self,
        persistence_id: &str,
        entity_id: &str,
        first_sequence: i64,
        events: &[Any],
    ) -> Result<(), StoreError>;
    /// Saves a snapshot, replacing older ones.
    async fn save_snapshot(
        &self,
        persistence_id: &str,
        entity_id: &str,
        snapshot: &Snapshot,
    ) -> Result<(), StoreError>;
    /// The stored value of a value entity.
    async fn load_value(
        &self,
        persistence_id: &str,
        entity_id: &str,
    ) -> Result<Option<Any>, StoreError>;
    /// Stores (`Some`) or deletes (`None`) the value of a value entity; durable when it returns.
    async fn save_value(
        &self,
        persistence_id: &str,
        entity_id: &str,
        value: Option<&Any>,
    ) -> Result<(), StoreError>;
}
