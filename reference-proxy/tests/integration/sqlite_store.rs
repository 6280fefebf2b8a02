//! The SQLite store: journals with snapshots, value entities, durability across reopening, and
//! conflicting appends.

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

#[test]
fn a_file_that_cannot_be_opened_is_an_error() {
    let dir = tempfile::tempdir().expect("temp dir");
    assert!(SqliteStore::open(&dir.path().join("missing").join("x.db")).is_err());
}
