//! The in-memory store: journals, snapshots and value-entity state in maps, lost when the proxy stops.
//! What dev mode and the TCK use.

use std::collections::HashMap;
use std::sync::{Mutex, MutexGuard, PoisonError};

use prost_types::Any;

use crate::store::{Journal, Snapshot, Store, StoreError};

/// An entity's name in the store: persistence ID and entity ID.
type Key = (String, String);

/// One event-sourced entity's journal.
#[derive(Debug, Default)]
struct Entry {
    /// Every event, with its sequence number, in order.
    events: Vec<(i64, Any)>,
    /// The latest snapshot.
    snapshot: Option<Snapshot>,
}

#[derive(Debug, Default)]
struct Maps {
    journals: HashMap<Key, Entry>,
    values: HashMap<Key, Any>,
}

/// Keeps everything in memory. Writes are atomic and visible as soon as they return.
#[derive(Debug, Default)]
pub struct MemoryStore {
    maps: Mutex<Maps>,
}

impl MemoryStore {
    fn maps(&self) -> MutexGuard<'_, Maps> {
        // Every update below is complete before it can panic, so a poisoned map is still consistent.
        self.maps.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

fn key(persistence_id: &str, entity_id: &str) -> Key {
    (persistence_id.to_owned(), entity_id.to_owned())
}

#[tonic::async_trait]
impl Store for MemoryStore {
    async fn load_journal(
        &self,
        persistence_id: &str,
        entity_id: &str,
    ) -> Result<Journal, StoreError> {
        let maps = self.maps();
        let Some(entry) = maps.journals.get(&key(persistence_id, entity_id)) else {
            return Ok(Journal::default());
        };
        let after = entry
            .snapshot
            .as_ref()
            .map_or(0, |snapshot| snapshot.sequence);
        let events = entry
            .events
            .iter()
            .filter(|(sequence, _)| *sequence > after)
            .cloned()
            .collect();
        Ok(Journal {
            snapshot: entry.snapshot.clone(),
            events,
        })
    }

    async fn append_events(
        &self,
        persistence_id: &str,
        entity_id: &str,
        first_sequence: i64,
        events: &[Any],
    ) -> Result<(), StoreError> {
        let mut maps = self.maps();
        let entry = maps
            .journals
            .entry(key(persistence_id, entity_id))
            .or_default();
        let last = entry.events.last().map_or(0, |(sequence, _)| *sequence);
        let last = last.max(
            entry
                .snapshot
                .as_ref()
                .map_or(0, |snapshot| snapshot.sequence),
        );
        if first_sequence != last + 1 {
            return Err(StoreError(format!(
                "journal of {persistence_id}|{entity_id} ends at event {last}; cannot append from {first_sequence}"
            )));
        }
        entry
            .events
            .extend((first_sequence..).zip(events.iter().cloned()));
        Ok(())
    }

    async fn save_snapshot(
        &self,
        persistence_id: &str,
        entity_id: &str,
        snapshot: &Snapshot,
    ) -> Result<(), StoreError> {
        let mut maps = self.maps();
        let entry = maps
            .journals
            .entry(key(persistence_id, entity_id))
            .or_default();
        let newer = entry
            .snapshot
            .as_ref()
            .is_some_and(|old| old.sequence > snapshot.sequence);
        if !newer {
            entry.snapshot = Some(snapshot.clone());
        }
        Ok(())
    }

    async fn load_value(
        &self,
        persistence_id: &str,
        entity_id: &str,
    ) -> Result<Option<Any>, StoreError> {
        Ok(self
            .maps()
            .values
            .get(&key(persistence_id, entity_id))
            .cloned())
    }

    async fn save_value(
        &self,
        persistence_id: &str,
        entity_id: &str,
        value: Option<&Any>,
    ) -> Result<(), StoreError> {
        let mut maps = self.maps();
        match value {
            Some(value) => maps
                .values
                .insert(key(persistence_id, entity_id), value.clone()),
            None => maps.values.remove(&key(persistence_id, entity_id)),
        };
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn any(text: &str) -> Any {
        Any {
            type_url: "type.googleapis.com/t.T".to_owned(),
            value: text.as_bytes().to_vec(),
        }
    }

    #[tokio::test]
    async fn journal_replays_after_the_latest_snapshot() {
        let store = MemoryStore::default();
        assert_eq!(
            store.load_journal("p", "e").await.unwrap(),
            Journal::default()
        );
        store
            .append_events("p", "e", 1, &[any("a"), any("b")])
            .await
            .unwrap();
        store
            .save_snapshot(
                "p",
                "e",
                &Snapshot {
                    sequence: 2,
                    state: any("ab"),
                },
            )
            .await
            .unwrap();
        store.append_events("p", "e", 3, &[any("c")]).await.unwrap();
        let journal = store.load_journal("p", "e").await.unwrap();
        assert_eq!(
            journal.snapshot,
            Some(Snapshot {
                sequence: 2,
                state: any("ab")
            })
        );
        assert_eq!(journal.events, vec![(3, any("c"))]);
        // Another entity and another persistence ID are separate.
        assert_eq!(
            store.load_journal("p", "f").await.unwrap(),
            Journal::default()
        );
        assert_eq!(
            store.load_journal("q", "e").await.unwrap(),
            Journal::default()
        );
    }

    #[tokio::test]
    async fn appends_must_continue_the_journal() {
        let store = MemoryStore::default();
        assert!(store.append_events("p", "e", 2, &[any("a")]).await.is_err());
        store.append_events("p", "e", 1, &[any("a")]).await.unwrap();
        assert!(store.append_events("p", "e", 1, &[any("b")]).await.is_err());
        assert_eq!(
            store.load_journal("p", "e").await.unwrap().events,
            vec![(1, any("a"))]
        );
    }

    #[tokio::test]
    async fn values_are_saved_and_deleted() {
        let store = MemoryStore::default();
        assert_eq!(store.load_value("p", "e").await.unwrap(), None);
        store.save_value("p", "e", Some(&any("one"))).await.unwrap();
        assert_eq!(store.load_value("p", "e").await.unwrap(), Some(any("one")));
        store.save_value("p", "e", None).await.unwrap();
        assert_eq!(store.load_value("p", "e").await.unwrap(), None);
    }
}
