//! A durable store in one embedded SQLite file.
//!
//! Three tables: `journal` (every event, keyed by persistence id, entity id and sequence), `snapshots`
//! (the latest per entity) and `value_entities` (the state of each value entity). The file is in WAL mode
//! with `synchronous = FULL`, so a write is on disk when the call that made it returns. The connection is
//! used from blocking threads (`spawn_blocking`), one call at a time.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use prost_types::Any;
use rusqlite::{Connection, OptionalExtension as _, TransactionBehavior, params};

use super::{Journal, Snapshot, Store, StoreError};

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS journal (
    persistence_id TEXT NOT NULL,
    entity_id TEXT NOT NULL,
    sequence INTEGER NOT NULL,
    type_url TEXT NOT NULL,
    bytes BLOB NOT NULL,
    PRIMARY KEY (persistence_id, entity_id, sequence)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS snapshots (
    persistence_id TEXT NOT NULL,
    entity_id TEXT NOT NULL,
    sequence INTEGER NOT NULL,
    type_url TEXT NOT NULL,
    bytes BLOB NOT NULL,
    PRIMARY KEY (persistence_id, entity_id)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS value_entities (
    persistence_id TEXT NOT NULL,
    entity_id TEXT NOT NULL,
    type_url TEXT NOT NULL,
    bytes BLOB NOT NULL,
    PRIMARY KEY (persistence_id, entity_id)
) WITHOUT ROWID;
";

/// State kept in an SQLite file.
pub struct SqliteStore {
    path: PathBuf,
    connection: Arc<Mutex<Connection>>,
}

impl std::fmt::Debug for SqliteStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SqliteStore")
            .field("path", &self.path)
            .finish()
    }
}

impl SqliteStore {
    /// Opens (or creates) the store file at `path` and its tables.
    pub fn open(path: &Path) -> Result<SqliteStore, StoreError> {
        let what =
            |error: rusqlite::Error| StoreError(format!("cannot open {}: {error}", path.display()));
        let connection = Connection::open(path).map_err(what)?;
        connection
            .busy_timeout(Duration::from_secs(5))
            .map_err(what)?;
        let mode: String = connection
            .pragma_update_and_check(None, "journal_mode", "WAL", |row| row.get(0))
            .map_err(what)?;
        if !mode.eq_ignore_ascii_case("wal") {
            return Err(StoreError(format!(
                "cannot open {}: the file refuses WAL mode ({mode})",
                path.display()
            )));
        }
        connection
            .pragma_update(None, "synchronous", "FULL")
            .map_err(what)?;
        connection.execute_batch(SCHEMA).map_err(what)?;
        Ok(SqliteStore {
            path: path.to_owned(),
            connection: Arc::new(Mutex::new(connection)),
        })
    }

    /// The file this store lives in.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Runs `work` on the connection in a blocking thread.
    async fn run<T, F>(&self, work: F) -> Result<T, StoreError>
    where
        T: Send + 'static,
        F: FnOnce(&mut Connection) -> Result<T, StoreError> + Send + 'static,
    {
        let connection = self.connection.clone();
        let task = tokio::task::spawn_blocking(move || {
            let mut connection = connection.lock().map_err(|_| {
                StoreError("the SQLite connection is unusable after a panic".to_owned())
            })?;
            work(&mut connection)
        });
        task.await
            .map_err(|error| StoreError(format!("an SQLite task failed: {error}")))?
    }
}

fn failed(error: rusqlite::Error) -> StoreError {
    StoreError(format!("sqlite: {error}"))
}

#[tonic::async_trait]
impl Store for SqliteStore {
    async fn load_journal(
        &self,
        persistence_id: &str,
        entity_id: &str,
    ) -> Result<Journal, StoreError> {
        let (persistence_id, entity_id) = (persistence_id.to_owned(), entity_id.to_owned());
        self.run(move |connection| {
            let read = connection.transaction().map_err(failed)?;
            let snapshot = read
                .query_row(
                    "SELECT sequence, type_url, bytes FROM snapshots WHERE persistence_id = ?1 AND entity_id = ?2",
                    params![persistence_id, entity_id],
                    |row| Ok(Snapshot { sequence: row.get(0)?, state: Any { type_url: row.get(1)?, value: row.get(2)? } }),
                )
                .optional()
                .map_err(failed)?;
            let after = snapshot.as_ref().map_or(0, |snapshot| snapshot.sequence);
            let events = {
                let mut select = read
                    .prepare(
                        "SELECT sequence, type_url, bytes FROM journal \
                         WHERE persistence_id = ?1 AND entity_id = ?2 AND sequence > ?3 ORDER BY sequence",
                    )
                    .map_err(failed)?;
                let rows = select
                    .query_map(params![persistence_id, entity_id, after], |row| {
                        Ok((row.get(0)?, Any { type_url: row.get(1)?, value: row.get(2)? }))
                    })
                    .map_err(failed)?;
                rows.collect::<Result<Vec<(i64, Any)>, _>>().map_err(failed)?
            };
            read.commit().map_err(failed)?;
            Ok(Journal { snapshot, events })
        })
        .await
    }

    async fn append_events(
        &self,
        persistence_id: &str,
        entity_id: &str,
        first_sequence: i64,
        events: &[Any],
    ) -> Result<(), StoreError> {
        if events.is_empty() {
            return Ok(());
        }
        let (persistence_id, entity_id, events) = (
            persistence_id.to_owned(),
            entity_id.to_owned(),
            events.to_vec(),
        );
        self.run(move |connection| {
            let write = connection.transaction_with_behavior(TransactionBehavior::Immediate).map_err(failed)?;
            let last: i64 = write
                .query_row(
                    "SELECT COALESCE(MAX(sequence), 0) FROM journal WHERE persistence_id = ?1 AND entity_id = ?2",
                    params![persistence_id, entity_id],
                    |row| row.get(0),
                )
                .map_err(failed)?;
            if first_sequence != last + 1 {
                return Err(StoreError(format!(
                    "sequence conflict for {persistence_id}/{entity_id}: the journal ends at {last}, the append starts at \
                     {first_sequence}"
                )));
            }
            {
                let mut insert = write
                    .prepare(
                        "INSERT INTO journal (persistence_id, entity_id, sequence, type_url, bytes) \
                         VALUES (?1, ?2, ?3, ?4, ?5)",
                    )
                    .map_err(failed)?;
                for (sequence, event) in (first_sequence..).zip(&events) {
                    insert
                        .execute(params![persistence_id, entity_id, sequence, event.type_url, event.value])
                        .map_err(failed)?;
                }
            }
            write.commit().map_err(failed)
        })
        .await
    }

    async fn save_snapshot(
        &self,
        persistence_id: &str,
        entity_id: &str,
        snapshot: &Snapshot,
    ) -> Result<(), StoreError> {
        let (persistence_id, entity_id, snapshot) = (
            persistence_id.to_owned(),
            entity_id.to_owned(),
            snapshot.clone(),
        );
        self.run(move |connection| {
            // An older snapshot never replaces a newer one.
            connection
                .execute(
                    "INSERT INTO snapshots (persistence_id, entity_id, sequence, type_url, bytes) VALUES (?1, ?2, ?3, ?4, ?5) \
                     ON CONFLICT (persistence_id, entity_id) DO UPDATE SET \
                     sequence = excluded.sequence, type_url = excluded.type_url, bytes = excluded.bytes \
                     WHERE excluded.sequence >= snapshots.sequence",
                    params![persistence_id, entity_id, snapshot.sequence, snapshot.state.type_url, snapshot.state.value],
                )
                .map(drop)
                .map_err(failed)
        })
        .await
    }

    async fn load_value(
        &self,
        persistence_id: &str,
        entity_id: &str,
    ) -> Result<Option<Any>, StoreError> {
        let (persistence_id, entity_id) = (persistence_id.to_owned(), entity_id.to_owned());
        self.run(move |connection| {
            connection
                .query_row(
                    "SELECT type_url, bytes FROM value_entities WHERE persistence_id = ?1 AND entity_id = ?2",
                    params![persistence_id, entity_id],
                    |row| Ok(Any { type_url: row.get(0)?, value: row.get(1)? }),
                )
                .optional()
                .map_err(failed)
        })
        .await
    }

    async fn save_value(
        &self,
        persistence_id: &str,
        entity_id: &str,
        value: Option<&Any>,
    ) -> Result<(), StoreError> {
        let (persistence_id, entity_id, value) = (
            persistence_id.to_owned(),
            entity_id.to_owned(),
            value.cloned(),
        );
        self.run(move |connection| {
            let changed = match value {
                Some(value) => connection.execute(
                    "INSERT INTO value_entities (persistence_id, entity_id, type_url, bytes) VALUES (?1, ?2, ?3, ?4) \
                     ON CONFLICT (persistence_id, entity_id) DO UPDATE SET type_url = excluded.type_url, bytes = excluded.bytes",
                    params![persistence_id, entity_id, value.type_url, value.value],
                ),
                None => connection.execute(
                    "DELETE FROM value_entities WHERE persistence_id = ?1 AND entity_id = ?2",
                    params![persistence_id, entity_id],
                ),
            };
            changed.map(drop).map_err(failed)
        })
        .await
    }
}
