//! Where state lives: event journals, snapshots and value-entity state. In memory by default, or in an
//! embedded SQLite file where a write is durable before the proxy answers.

mod contract;
pub mod memory;
pub mod sqlite;

pub use contract::{Journal, Snapshot, Store, StoreError};
