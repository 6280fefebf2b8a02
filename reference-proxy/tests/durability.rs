//! Durability and load of the reference-proxy binary on its SQLite store, in front of a fake user
//! function on loopback:
//!
//! - concurrent writes to event-sourced and value entities, the proxy killed with SIGKILL at a seeded
//!   random point and restarted on the same file, round after round: every acknowledged write is there,
//!   and no write shows up twice;
//! - the user function crashing and coming back on the same port: the proxy serves again by itself;
//! - 200 concurrent clients for `LOAD_SECONDS` (10 by default): no errors, and every entity's state
//!   matches the writes acknowledged.

#[path = "durability/load.rs"]
mod load;
#[path = "durability/proxy.rs"]
mod proxy;

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use cloudstate_protocol::cloudstate::{Entity, EntitySpec, ServiceInfo};
use cloudstate_protocol::names;
use proxy::{Proxy, Rng, emit, store, update};
use reference_proxy::test_util::{FakeUserFunction, OnItsOwnRuntime};
use tonic::transport::Channel;

/// Serves the fake user function on `address` (port 0 for any free port), on a runtime of its own so
/// that it can crash: it announces the event-sourced model (every `emit` one event, a snapshot every
/// fourth) and the value-entity model (an `update` replaces the state).
fn start_user_function(address: SocketAddr) -> OnItsOwnRuntime {
    let entity = |entity_type: &str, service_name: &str| Entity {
        entity_type: entity_type.to_owned(),
        service_name: service_name.to_owned(),
        persistence_id: service_name.to_owned(),
        passivation_strategy: None,
    };
    let entity_spec = EntitySpec {
        proto: cloudstate_protocol::FILE_DESCRIPTOR_SET.to_vec(),
        entities: vec![
            entity(names::EVENT_SOURCED, names::model::EVENT_SOURCED_TCK_MODEL),
            entity(names::VALUE_ENTITY, names::model::VALUE_ENTITY_TCK_MODEL),
        ],
        service_info: Some(ServiceInfo {
            protocol_major_version: names::PROTOCOL_MAJOR_VERSION,
            protocol_minor_version: names::PROTOCOL_MINOR_VERSION,
            ..Default::default()
        }),
    };
    let (mut fake, _) = FakeUserFunction::new();
    fake.snapshot_every = 4;
    fake.announcing(entity_spec)
        .serve_on_its_own_runtime(address)
        .expect("serve the user function")
}

/// Rounds of write, kill and restart.
const ROUNDS: usize = 8;
/// Writers of each entity type in a round, each on its own entity.
const WRITERS: usize = 16;

/// The two kinds of entity written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// Event sourced: write `n` appends `n;`.
    EventSourced,
    /// Value entity: write `n` sets the value to `n`.
    Value,
}

/// The state of an entity after its first `writes` writes.
fn expected(kind: Kind, writes: u64) -> String {
    match kind {
        Kind::EventSourced => (0..writes).map(|n| format!("{n};")).collect(),
        Kind::Value if writes == 0 => String::new(),
        Kind::Value => (writes - 1).to_string(),
    }
}

/// Sends write `n` to an entity; returns the state the proxy answered with.
async fn write(channel: Channel, kind: Kind, id: &str, n: u64) -> Result<String, tonic::Status> {
    match kind {
        Kind::EventSourced => emit(channel, id, &format!("{n};")).await,
        Kind::Value => update(channel, id, &n.to_string()).await,
    }
}

/// Reads an entity's state without changing it.
async fn read(channel: Channel, kind: Kind, id: &str) -> Result<String, tonic::Status> {
    match kind {
        Kind::EventSourced => emit(channel, id, "").await,
        Kind::Value => update(channel, id, "").await,
    }
}

/// What is known of one entity written in some round.
#[derive(Debug)]
struct Entry {
    kind: Kind,
    id: String,
    /// Writes answered with success.
    acknowledged: u64,
    /// Writes sent (at most one more than acknowledged: the one in flight at the kill).
    sent: u64,
    /// How many writes the state held when first read after a restart; fixed from then on.
    found: Option<u64>,
}

/// Writes to one entity, one write at a time, until a call fails; returns (acknowledged, sent).
async fn writer(channel: Channel, kind: Kind, id: String, killed: Arc<AtomicBool>) -> (u64, u64) {
    let mut n = 0;
    loop {
        match write(channel.clone(), kind, &id, n).await {
            Ok(state) => assert_eq!(state, expected(kind, n + 1), "the reply to {id} #{n}"),
            Err(status) => {
                assert!(
                    killed.load(Ordering::SeqCst),
                    "{id} #{n} failed before the kill: {status:?}"
                );
                return (n, n + 1);
            }
        }
        n += 1;
    }
}

/// Reads every entry through a freshly started proxy; returns how many acknowledged writes it checked.
async fn check(proxy: &Proxy, ledger: &mut [Entry]) -> u64 {
    let mut checked = 0;
    for entry in ledger {
        let state = read(proxy.channel(), entry.kind, &entry.id)
            .await
            .unwrap_or_else(|status| panic!("reading {} failed: {status:?}", entry.id));
        let found = (entry.acknowledged..=entry.sent)
            .find(|&writes| expected(entry.kind, writes) == state)
            .unwrap_or_else(|| {
                panic!(
                    "{} holds {state:?}: not {}..={} writes (lost or duplicated)",
                    entry.id, entry.acknowledged, entry.sent
                )
            });
        assert_eq!(
            *entry.found.get_or_insert(found),
            found,
            "{} changed",
            entry.id
        );
        checked += entry.acknowledged;
    }
    checked
}

async fn start_proxy(user_function: SocketAddr, path: &std::path::Path) -> Proxy {
    let path = path.to_owned();
    tokio::task::spawn_blocking(move || Proxy::start(user_function, &path))
        .await
        .expect("the proxy started")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn acknowledged_writes_survive_sigkill_at_random_points() {
    let started = Instant::now();
    let user_function = start_user_function(SocketAddr::from(([127, 0, 0, 1], 0)));
    let (_dir, path) = store();
    let mut rng = Rng::seeded();
    let mut ledger = Vec::new();
    let (mut acknowledged, mut checked) = (0, 0);
    for round in 0..ROUNDS {
        let proxy = start_proxy(user_function.address, &path).await;
        checked += check(&proxy, &mut ledger).await;
        let killed = Arc::new(AtomicBool::new(false));
        let mut writers = Vec::new();
        for (kind, w) in [Kind::EventSourced, Kind::Value]
            .into_iter()
            .flat_map(|kind| (0..WRITERS).map(move |w| (kind, w)))
        {
            let id = format!("{kind:?}-{round}-{w}");
            let task = writer(proxy.channel(), kind, id.clone(), killed.clone());
            writers.push((kind, id, tokio::spawn(task)));
        }
        let kill_after = Duration::from_millis(rng.between(200, 1500));
        tokio::time::sleep(kill_after).await;
        killed.store(true, Ordering::SeqCst);
        proxy.kill();
        let mut round_acknowledged = 0;
        for (kind, id, task) in writers {
            let (done, sent) = tokio::time::timeout(Duration::from_secs(15), task)
                .await
                .expect("the writer stops after the kill")
                .expect("the writer saw consistent replies");
            round_acknowledged += done;
            ledger.push(Entry {
                kind,
                id,
                acknowledged: done,
                sent,
                found: None,
            });
        }
        println!(
            "durability: round {round}: killed after {kill_after:?}, {round_acknowledged} writes acknowledged"
        );
        acknowledged += round_acknowledged;
    }
    let proxy = start_proxy(user_function.address, &path).await;
    checked += check(&proxy, &mut ledger).await;
    let last = ledger.iter().map(|entry| entry.acknowledged).sum::<u64>();
    proxy.kill();
    user_function.crash();
    assert_eq!(last, acknowledged);
    assert!(acknowledged > 0, "nothing was written");
    println!(
        "durability: {ROUNDS} rounds, {} entities, {acknowledged} writes acknowledged, {checked} writes checked, lost = 0, duplicated = 0, in {:?}",
        ledger.len(),
        started.elapsed()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_proxy_serves_again_after_the_user_function_crashes() {
    let user_function = start_user_function(SocketAddr::from(([127, 0, 0, 1], 0)));
    let address = user_function.address;
    let (_dir, path) = store();
    let proxy = start_proxy(address, &path).await;
    let channel = proxy.channel();
    assert_eq!(
        emit(channel.clone(), "crash-e", "a;")
            .await
            .map_err(|status| status.code()),
        Ok("a;".to_owned())
    );
    assert_eq!(
        update(channel.clone(), "crash-v", "1")
            .await
            .map_err(|status| status.code()),
        Ok("1".to_owned())
    );

    user_function.crash();
    // While it is down, calls fail rather than hang.
    assert!(
        emit(channel.clone(), "crash-e", "x;")
            .await
            .map_err(|status| status.code())
            .is_err()
    );

    let user_function = start_user_function(address);
    for round in 0..3 {
        let value = format!("b{round};");
        let state = emit(channel.clone(), "crash-e", &value)
            .await
            .map_err(|status| status.code());
        let want = format!(
            "a;{}",
            (0..=round).map(|r| format!("b{r};")).collect::<String>()
        );
        assert_eq!(
            state,
            Ok(want),
            "event sourced, call {round} after the restart"
        );
        let state = update(channel.clone(), "crash-v", &round.to_string())
            .await
            .map_err(|status| status.code());
        assert_eq!(state, Ok(round.to_string()), "value entity, call {round}");
    }
    assert_eq!(
        emit(channel, "crash-new", "n;")
            .await
            .map_err(|status| status.code()),
        Ok("n;".to_owned())
    );
    proxy.kill();
    user_function.crash();
}
