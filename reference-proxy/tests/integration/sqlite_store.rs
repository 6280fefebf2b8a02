//! The SQLite store: journals with snapshots, value entities, durability across reopening, conflicting
//! appends, and concurrent appends committed together.

use std::sync::Arc;
use std::time::Duration;

use prost_types::Any;
use reference_proxy::store::sqlite::SqliteStore;
use reference_proxy::store::{Journal, Snapshot, Store as _};
use tokio::time::timeout;

const WAIT: Duration = Duration::from_secs(10);

fn event(text: &str) -> Any {
    Any {
        type_url: "type.googleapis.com/test.Event".to_owned(),
        value: text.as_bytes().to_vec(),
    }
}

fn snapshot(sequence: i64, text: &str) -> Snapshot {
    Snapshot {
        sequence,
        state: Any {
            type_url: "type.googleapis.com/test.State".to_owned(),
            value: text.into(),
        },
    }
}

#[tokio::test]
async fn a_journal_recovers_from_the_latest_snapshot_and_the_events_after_it() {
    let dir = tempfile::tempdir().expect("temp dir");
    let store = SqliteStore::open(&dir.path().join("j.db")).expect("open");
    assert_eq!(
        timeout(WAIT, store.load_journal("p", "e"))
            .await
            .expect("in time"),
        Ok(Journal::default())
    );

    let events = [event("a"), event("b"), event("c")];
    timeout(WAIT, store.append_events("p", "e", 1, &events))
        .await
        .expect("in time")
        .expect("append");
    timeout(WAIT, store.save_snapshot("p", "e", &snapshot(2, "ab")))
        .await
        .expect("in time")
        .expect("snapshot");
    timeout(WAIT, store.append_events("p", "e", 4, &[event("d")]))
        .await
        .expect("in time")
        .expect("append");

    let journal = timeout(WAIT, store.load_journal("p", "e"))
        .await
        .expect("in time")
        .expect("load");
    assert_eq!(journal.snapshot, Some(snapshot(2, "ab")));
    assert_eq!(journal.events, vec![(3, event("c")), (4, event("d"))]);

    // An older snapshot does not replace a newer one; a newer one does.
    timeout(WAIT, store.save_snapshot("p", "e", &snapshot(1, "a")))
        .await
        .expect("in time")
        .expect("snapshot");
    let journal = timeout(WAIT, store.load_journal("p", "e"))
        .await
        .expect("in time")
        .expect("load");
    assert_eq!(journal.snapshot, Some(snapshot(2, "ab")));
    timeout(WAIT, store.save_snapshot("p", "e", &snapshot(4, "abcd")))
        .await
        .expect("in time")
        .expect("snapshot");
    let journal = timeout(WAIT, store.load_journal("p", "e"))
        .await
        .expect("in time")
        .expect("load");
    assert_eq!(
        (journal.snapshot, journal.events),
        (Some(snapshot(4, "abcd")), vec![])
    );

    // Other entities and other persistence ids are separate.
    let other = timeout(WAIT, store.load_journal("p", "other"))
        .await
        .expect("in time")
        .expect("load");
    assert_eq!(other, Journal::default());
    let other = timeout(WAIT, store.load_journal("q", "e"))
        .await
        .expect("in time")
        .expect("load");
    assert_eq!(other, Journal::default());
}

#[tokio::test]
async fn a_conflicting_append_fails_and_writes_nothing() {
    let dir = tempfile::tempdir().expect("temp dir");
    let store = SqliteStore::open(&dir.path().join("c.db")).expect("open");
    timeout(
        WAIT,
        store.append_events("p", "e", 1, &[event("a"), event("b")]),
    )
    .await
    .expect("in time")
    .expect("append");

    // The same sequence again, a gap, and a start before the end all fail.
    for first in [2, 1, 4] {
        let events = [event("x"), event("y")];
        let result = timeout(WAIT, store.append_events("p", "e", first, &events))
            .await
            .expect("in time");
        assert!(result.is_err(), "append from {first} succeeded");
    }
    let journal = timeout(WAIT, store.load_journal("p", "e"))
        .await
        .expect("in time")
        .expect("load");
    assert_eq!(journal.events, vec![(1, event("a")), (2, event("b"))]);

    // Appending nothing is a no-op; the next sequence still works.
    timeout(WAIT, store.append_events("p", "e", 7, &[]))
        .await
        .expect("in time")
        .expect("empty append");
    timeout(WAIT, store.append_events("p", "e", 3, &[event("c")]))
        .await
        .expect("in time")
        .expect("append");
}

#[tokio::test]
async fn value_entities_are_put_replaced_and_deleted() {
    let dir = tempfile::tempdir().expect("temp dir");
    let store = SqliteStore::open(&dir.path().join("v.db")).expect("open");
    assert_eq!(
        timeout(WAIT, store.load_value("p", "v"))
            .await
            .expect("in time"),
        Ok(None)
    );
    timeout(WAIT, store.save_value("p", "v", Some(&event("one"))))
        .await
        .expect("in time")
        .expect("put");
    assert_eq!(
        timeout(WAIT, store.load_value("p", "v"))
            .await
            .expect("in time"),
        Ok(Some(event("one")))
    );
    timeout(WAIT, store.save_value("p", "v", Some(&event("two"))))
        .await
        .expect("in time")
        .expect("replace");
    assert_eq!(
        timeout(WAIT, store.load_value("p", "v"))
            .await
            .expect("in time"),
        Ok(Some(event("two")))
    );
    assert_eq!(
        timeout(WAIT, store.load_value("p", "w"))
            .await
            .expect("in time"),
        Ok(None)
    );
    timeout(WAIT, store.save_value("p", "v", None))
        .await
        .expect("in time")
        .expect("delete");
    assert_eq!(
        timeout(WAIT, store.load_value("p", "v"))
            .await
            .expect("in time"),
        Ok(None)
    );
    // Deleting what is not there is fine.
    timeout(WAIT, store.save_value("p", "v", None))
        .await
        .expect("in time")
        .expect("delete again");
}

#[tokio::test]
async fn everything_survives_reopening_the_file() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("durable.db");
    {
        let store = SqliteStore::open(&path).expect("open");
        timeout(
            WAIT,
            store.append_events("p", "e", 1, &[event("a"), event("b")]),
        )
        .await
        .expect("in time")
        .expect("append");
        timeout(WAIT, store.save_snapshot("p", "e", &snapshot(1, "a")))
            .await
            .expect("in time")
            .expect("snapshot");
        timeout(WAIT, store.save_value("p", "v", Some(&event("kept"))))
            .await
            .expect("in time")
            .expect("put");
    }
    let store = SqliteStore::open(&path).expect("reopen");
    let journal = timeout(WAIT, store.load_journal("p", "e"))
        .await
        .expect("in time")
        .expect("load");
    assert_eq!(
        journal,
        Journal {
            snapshot: Some(snapshot(1, "a")),
            events: vec![(2, event("b"))]
        }
    );
    assert_eq!(
        timeout(WAIT, store.load_value("p", "v"))
            .await
            .expect("in time"),
        Ok(Some(event("kept")))
    );
    // The journal goes on where it stopped.
    assert!(
        timeout(WAIT, store.append_events("p", "e", 2, &[event("x")]))
            .await
            .expect("in time")
            .is_err()
    );
    timeout(WAIT, store.append_events("p", "e", 3, &[event("c")]))
        .await
        .expect("in time")
        .expect("append");

    let connection = rusqlite::Connection::open(&path).expect("open directly");
    let mode: String = connection
        .query_row("PRAGMA journal_mode", [], |row| row.get(0))
        .expect("journal mode");
    assert_eq!(mode, "wal");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_appends_are_durable_and_in_order() {
    const WRITERS: i64 = 64;
    const APPENDS: i64 = 20;
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("concurrent.db");
    {
        let store = Arc::new(SqliteStore::open(&path).expect("open"));
        // Each writer appends to its own entity, and every writer also appends to one shared entity,
        // retrying on a sequence conflict, as racing proxies would.
        let mut tasks = Vec::new();
        for writer in 0..WRITERS {
            let store = store.clone();
            tasks.push(tokio::spawn(async move {
                let entity = format!("e{writer}");
                for sequence in 1..=APPENDS {
                    let value = event(&format!("{writer}:{sequence}"));
                    store
                        .append_events("p", &entity, sequence, &[value])
                        .await
                        .expect("append");
                    if sequence % 5 == 0 {
                        store
                            .save_snapshot("p", &entity, &snapshot(sequence, "s"))
                            .await
                            .expect("snapshot");
                    }
                }
                loop {
                    let next = store.load_journal("p", "shared").await.expect("load");
                    let first = i64::try_from(next.events.len()).expect("length") + 1;
                    let value = event(&format!("shared by {writer}"));
                    if store
                        .append_events("p", "shared", first, &[value])
                        .await
                        .is_ok()
                    {
                        break;
                    }
                }
            }));
        }
        for task in tasks {
            timeout(WAIT, task).await.expect("in time").expect("writer");
        }
    }
    let store = SqliteStore::open(&path).expect("reopen");
    for writer in 0..WRITERS {
        let journal = timeout(WAIT, store.load_journal("p", &format!("e{writer}")))
            .await
            .expect("in time")
            .expect("load");
        assert_eq!(journal.snapshot, Some(snapshot(APPENDS, "s")));
        assert!(journal.events.is_empty(), "events after the last snapshot");
    }
    let connection = rusqlite::Connection::open(&path).expect("open directly");
    let mut select = connection
        .prepare("SELECT entity_id, sequence, bytes FROM journal ORDER BY entity_id, sequence")
        .expect("select");
    let rows: Vec<(String, i64, Vec<u8>)> = select
        .query_map([], |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)))
        .expect("query")
        .collect::<Result<_, _>>()
        .expect("rows");
    let count = |entity: &str| rows.iter().filter(|row| row.0 == entity).count();
    assert_eq!(count("shared"), 64);
    for writer in 0..WRITERS {
        let entity = format!("e{writer}");
        let journal: Vec<(i64, Vec<u8>)> = rows
            .iter()
            .filter(|row| row.0 == entity)
            .map(|row| (row.1, row.2.clone()))
            .collect();
        let expected: Vec<(i64, Vec<u8>)> = (1..=APPENDS)
            .map(|sequence| (sequence, format!("{writer}:{sequence}").into_bytes()))
            .collect();
        assert_eq!(journal, expected, "the journal of {entity}");
    }
    let mut shared: Vec<i64> = rows
        .iter()
        .filter(|row| row.0 == "shared")
        .map(|row| row.1)
        .collect();
    shared.dedup();
    assert_eq!(shared, (1..=WRITERS).collect::<Vec<i64>>());
}

#[test]
fn a_file_that_cannot_be_opened_is_an_error() {
    let dir = tempfile::tempdir().expect("temp dir");
    assert!(SqliteStore::open(&dir.path().join("missing").join("x.db")).is_err());
}
