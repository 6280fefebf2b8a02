//! A durable store in one embedded SQLite file, with group commit.
//!
//! Three tables: `journal` (every event, keyed by persistence id, entity id and sequence), `snapshots`
//! (the latest per entity) and `value_entities` (the state of each value entity). The file is in WAL mode
//! with `synchronous = FULL`, so a write is on disk when the call that made it returns.
//!
//! Writes go to a single writer thread that owns the write connection. It takes every write waiting at
//! that moment (up to `MAX_BATCH`), applies each in a savepoint of its own (a failed write, such as a
//! conflicting append, leaves no trace and does not fail the others), commits them in one transaction (one
//! `fsync` for the whole batch), and only then acknowledges each. Writes are applied in the order they
//! were made. Reads use a second connection from blocking threads, one call at a time; WAL mode lets them
//! run beside the writer, and since a write is acknowledged only after its commit, a read that starts
//! after a write returned sees it.

use std::path::{Path, PathBuf};
use std::sync::mpsc::{Receiver, Sender};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use prost_types::Any;
use rusqlite::{Connection, OptionalExtension as _, TransactionBehavior, params};
use tokio::sync::oneshot;

use super::{Journal, Snapshot, Store, StoreError};

/// The most writes committed in one transaction.
const MAX_BATCH: usize = 1024;

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

/// One write, as the writer thread applies it.
enum Write {
    /// Events numbered from `first_sequence`, appended if the journal ends just before it.
    Append {
        first_sequence: i64,
        events: Vec<Any>,
    },
    /// A snapshot, replacing older ones.
    Snapshot(Snapshot),
    /// A value entity's new state (`None` deletes it).
    Value(Option<Any>),
}

/// A write to one entity waiting for the writer, and where its result goes once it is durable (or
/// failed).
struct Job {
    persistence_id: String,
    entity_id: String,
    write: Write,
    done: oneshot::Sender<Result<(), StoreError>>,
}

/// State kept in an SQLite file.
pub struct SqliteStore {
    path: PathBuf,
    reader: Arc<Mutex<Connection>>,
    writer: Sender<Job>,
}

impl std::fmt::Debug for SqliteStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SqliteStore")
            .field("path", &self.path)
            .finish()
    }
}

impl SqliteStore {
    /// Opens (or creates) the store file at `path` and its tables, and starts its writer thread, which
    /// stops when the store is dropped.
    pub fn open(path: &Path) -> Result<SqliteStore, StoreError> {
        let what =
            |error: rusqlite::Error| StoreError(format!("cannot open {}: {error}", path.display()));
        let writer = Connection::open(path).map_err(what)?;
        writer.busy_timeout(Duration::from_secs(5)).map_err(what)?;
        let mode: String = writer
            .pragma_update_and_check(None, "journal_mode", "WAL", |row| row.get(0))
            .map_err(what)?;
        if !mode.eq_ignore_ascii_case("wal") {
            return Err(StoreError(format!(
                "cannot open {}: the file refuses WAL mode ({mode})",
                path.display()
            )));
        }
        writer
            .pragma_update(None, "synchronous", "FULL")
            .map_err(what)?;
        writer.execute_batch(SCHEMA).map_err(what)?;
        let reader = Connection::open(path).map_err(what)?;
        reader.busy_timeout(Duration::from_secs(5)).map_err(what)?;
        let (sender, jobs) = std::sync::mpsc::channel();
        std::thread::Builder::new()
            .name("sqlite-writer".to_owned())
            .spawn(move || write_loop(writer, &jobs))
            .map_err(|error| {
                StoreError(format!(
                    "cannot start the writer of {}: {error}",
                    path.display()
                ))
            })?;
        Ok(SqliteStore {
            path: path.to_owned(),
            reader: Arc::new(Mutex::new(reader)),
            writer: sender,
        })
    }

    /// The file this store lives in.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Runs `read` on the read connection in a blocking thread.
    async fn read<T, F>(&self, read: F) -> Result<T, StoreError>
    where
        T: Send + 'static,
        F: FnOnce(&mut Connection) -> Result<T, StoreError> + Send + 'static,
    {
        let connection = self.reader.clone();
        let task = tokio::task::spawn_blocking(move || {
            let mut connection = connection.lock().map_err(|_| {
                StoreError("the SQLite connection is unusable after a panic".to_owned())
            })?;
            read(&mut connection)
        });
        task.await
            .map_err(|error| StoreError(format!("an SQLite task failed: {error}")))?
    }

    /// Hands `write` to the writer and waits until it is durable.
    async fn write(
        &self,
        persistence_id: &str,
        entity_id: &str,
        write: Write,
    ) -> Result<(), StoreError> {
        let (done, result) = oneshot::channel();
        let job = Job {
            persistence_id: persistence_id.to_owned(),
            entity_id: entity_id.to_owned(),
            write,
            done,
        };
        self.writer
            .send(job)
            .map_err(|_| StoreError("the SQLite writer has stopped".to_owned()))?;
        result.await.map_err(|_| {
            StoreError("the SQLite writer stopped before it committed a write".to_owned())
        })?
    }
}

fn failed(error: rusqlite::Error) -> StoreError {
    StoreError(format!("sqlite: {error}"))
}

/// The writer thread: one transaction per batch of waiting writes, until every sender is gone.
fn write_loop(mut connection: Connection, jobs: &Receiver<Job>) {
    while let Ok(first) = jobs.recv() {
        let mut batch = vec![first];
        while batch.len() < MAX_BATCH {
            match jobs.try_recv() {
                Ok(job) => batch.push(job),
                Err(_) => break,
            }
        }
        let results = commit_batch(&mut connection, &batch);
        for (job, result) in batch.into_iter().zip(results) {
            // The caller may have gone away; the write stays committed either way.
            let _ = job.done.send(result);
        }
    }
}

/// Applies a batch in one transaction, each write in a savepoint, and commits it: one result per write.
fn commit_batch(connection: &mut Connection, batch: &[Job]) -> Vec<Result<(), StoreError>> {
    let mut transaction = match connection.transaction_with_behavior(TransactionBehavior::Immediate)
    {
        Ok(transaction) => transaction,
        Err(error) => {
            let error = failed(error);
            return batch.iter().map(|_| Err(error.clone())).collect();
        }
    };
    let mut results = Vec::with_capacity(batch.len());
    for job in batch {
        let result = transaction
            .savepoint()
            .map_err(failed)
            .and_then(|savepoint| {
                apply(&savepoint, job)?;
                savepoint.commit().map_err(failed)
            });
        results.push(result);
    }
    match transaction.commit() {
        Ok(()) => results,
        Err(error) => {
            let error = failed(error);
            results.iter().map(|_| Err(error.clone())).collect()
        }
    }
}

/// Applies one write inside the batch's transaction.
fn apply(connection: &Connection, job: &Job) -> Result<(), StoreError> {
    let (persistence_id, entity_id) = (&job.persistence_id, &job.entity_id);
    let changed = match &job.write {
        Write::Append {
            first_sequence,
            events,
        } => {
            let last: i64 = connection
                .prepare_cached(
                    "SELECT COALESCE(MAX(sequence), 0) FROM journal WHERE persistence_id = ?1 AND entity_id = ?2",
                )
                .and_then(|mut select| select.query_row(params![persistence_id, entity_id], |row| row.get(0)))
                .map_err(failed)?;
            if *first_sequence != last + 1 {
                return Err(StoreError(format!(
                    "sequence conflict for {persistence_id}/{entity_id}: the journal ends at {last}, the append starts at \
                     {first_sequence}"
                )));
            }
            let mut insert = connection
                .prepare_cached(
                    "INSERT INTO journal (persistence_id, entity_id, sequence, type_url, bytes) \
                     VALUES (?1, ?2, ?3, ?4, ?5)",
                )
                .map_err(failed)?;
            for (sequence, event) in (*first_sequence..).zip(events) {
                insert
                    .execute(params![persistence_id, entity_id, sequence, event.type_url, event.value])
                    .map_err(failed)?;
            }
            return Ok(());
        }
        // An older snapshot never replaces a newer one.
        Write::Snapshot(snapshot) => connection
            .prepare_cached(
                "INSERT INTO snapshots (persistence_id, entity_id, sequence, type_url, bytes) VALUES (?1, ?2, ?3, ?4, ?5) \
                 ON CONFLICT (persistence_id, entity_id) DO UPDATE SET \
                 sequence = excluded.sequence, type_url = excluded.type_url, bytes = excluded.bytes \
                 WHERE excluded.sequence >= snapshots.sequence",
            )
            .and_then(|mut upsert| {
                let state = &snapshot.state;
                upsert.execute(params![persistence_id, entity_id, snapshot.sequence, state.type_url, state.value])
            }),
        Write::Value(Some(value)) => connection
            .prepare_cached(
                "INSERT INTO value_entities (persistence_id, entity_id, type_url, bytes) VALUES (?1, ?2, ?3, ?4) \
                 ON CONFLICT (persistence_id, entity_id) DO UPDATE SET type_url = excluded.type_url, bytes = excluded.bytes",
            )
            .and_then(|mut upsert| upsert.execute(params![persistence_id, entity_id, value.type_url, value.value])),
        Write::Value(None) => connection
            .prepare_cached("DELETE FROM value_entities WHERE persistence_id = ?1 AND entity_id = ?2")
            .and_then(|mut delete| delete.execute(params![persistence_id, entity_id])),
    };
    changed.map(drop).map_err(failed)
}

#[tonic::async_trait]
impl Store for SqliteStore {
    async fn load_journal(
        &self,
        persistence_id: &str,
        entity_id: &str,
    ) -> Result<Journal, StoreError> {
        let (persistence_id, entity_id) = (persistence_id.to_owned(), entity_id.to_owned());
        self.read(move |connection| {
            let read = connection.transaction().map_err(failed)?;
            let snapshot = read
                .prepare_cached(
                    "SELECT sequence, type_url, bytes FROM snapshots WHERE persistence_id = ?1 AND entity_id = ?2",
                )
                .and_then(|mut select| {
                    select
                        .query_row(params![persistence_id, entity_id], |row| {
                            Ok(Snapshot { sequence: row.get(0)?, state: Any { type_url: row.get(1)?, value: row.get(2)? } })
                        })
                        .optional()
                })
                .map_err(failed)?;
            let after = snapshot.as_ref().map_or(0, |snapshot| snapshot.sequence);
            let events = {
                let mut select = read
                    .prepare_cached(
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
        let events = events.to_vec();
        let write = Write::Append {
            first_sequence,
            events,
        };
        self.write(persistence_id, entity_id, write).await
    }

    async fn save_snapshot(
        &self,
        persistence_id: &str,
        entity_id: &str,
        snapshot: &Snapshot,
    ) -> Result<(), StoreError> {
        let write = Write::Snapshot(snapshot.clone());
        self.write(persistence_id, entity_id, write).await
    }

    async fn load_value(
        &self,
        persistence_id: &str,
        entity_id: &str,
    ) -> Result<Option<Any>, StoreError> {
        let (persistence_id, entity_id) = (persistence_id.to_owned(), entity_id.to_owned());
        self.read(move |connection| {
            connection
                .prepare_cached(
                    "SELECT type_url, bytes FROM value_entities WHERE persistence_id = ?1 AND entity_id = ?2",
                )
                .and_then(|mut select| {
                    select
                        .query_row(params![persistence_id, entity_id], |row| {
                            Ok(Any { type_url: row.get(0)?, value: row.get(1)? })
                        })
                        .optional()
                })
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
        let write = Write::Value(value.cloned());
        self.write(persistence_id, entity_id, write).await
    }
}
