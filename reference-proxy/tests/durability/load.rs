//! A bounded load test on loopback: 200 concurrent clients, each cycling through its own entities for
//! `LOAD_SECONDS` (10 by default), half of them on event-sourced entities and half on value entities.
//! No call may fail, and at the end every entity holds exactly the writes acknowledged.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use super::proxy::{Proxy, store};
use super::start_user_function;
use super::{Kind, expected, read, start_proxy, write};

/// Concurrent clients.
const CLIENTS: usize = 200;
/// Entities of each client.
const ENTITIES: usize = 5;

/// How long to send writes for: `LOAD_SECONDS`, or 10 s.
fn duration() -> Duration {
    let seconds = std::env::var("LOAD_SECONDS")
        .ok()
        .and_then(|seconds| seconds.parse().ok())
        .unwrap_or(10);
    Duration::from_secs(seconds)
}

/// One client, on its own connection: writes to its entities in turn until `until`; returns each entity's acknowledged
/// writes, the failures, and the latency of every call.
async fn client(
    proxy: &Proxy,
    number: usize,
    until: Instant,
) -> (Vec<(Kind, String, u64)>, Vec<String>, Vec<Duration>) {
    let kind = if number.is_multiple_of(2) {
        Kind::EventSourced
    } else {
        Kind::Value
    };
    let mut entities: Vec<(Kind, String, u64)> = (0..ENTITIES)
        .map(|e| (kind, format!("load-{number}-{e}"), 0))
        .collect();
    let (mut failures, mut latencies) = (Vec::new(), Vec::new());
    let channel = proxy.channel();
    let mut turn = 0;
    while Instant::now() < until {
        let (kind, id, written) = &mut entities[turn % ENTITIES];
        turn += 1;
        let sent = Instant::now();
        match write(channel.clone(), *kind, id, *written).await {
            Ok(state) if state == expected(*kind, *written + 1) => *written += 1,
            Ok(state) => {
                failures.push(format!("{id} #{written}: unexpected state {state:?}"));
                break;
            }
            Err(status) => {
                failures.push(format!("{id} #{written}: {status:?}"));
                break;
            }
        }
        latencies.push(sent.elapsed());
    }
    (entities, failures, latencies)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_hundred_clients_without_errors_and_consistent_state() {
    let user_function = start_user_function(SocketAddr::from(([127, 0, 0, 1], 0)));
    let (_dir, path) = store();
    let proxy = Arc::new(start_proxy(user_function.address, &path).await);
    let duration = duration();
    let started = Instant::now();
    let until = started + duration;
    let tasks: Vec<_> = (0..CLIENTS)
        .map(|number| {
            let proxy = proxy.clone();
            tokio::spawn(async move { client(&proxy, number, until).await })
        })
        .collect();
    let (mut entities, mut failures, mut latencies) = (Vec::new(), Vec::new(), Vec::new());
    for task in tasks {
        let (written, failed, timed) =
            tokio::time::timeout(duration + Duration::from_secs(30), task)
                .await
                .expect("the client finishes")
                .expect("the client did not panic");
        entities.extend(written);
        failures.extend(failed);
        latencies.extend(timed);
    }
    let elapsed = started.elapsed();
    assert!(
        failures.is_empty(),
        "{} failures: {failures:?}",
        failures.len()
    );

    // Every entity holds exactly what was acknowledged.
    let channel = proxy.channel();
    for (kind, id, written) in &entities {
        let state = read(channel.clone(), *kind, id)
            .await
            .map_err(|status| status.code());
        assert_eq!(state, Ok(expected(*kind, *written)), "{id}");
    }
    let writes: u64 = entities.iter().map(|entity| entity.2).sum();
    latencies.sort();
    let percentile = |p: usize| latencies[(latencies.len() * p / 100).min(latencies.len() - 1)];
    println!(
        "load: {CLIENTS} clients, {} entities, {elapsed:.1?}: {writes} writes ({:.0}/s), 0 errors, p50 {:?}, p99 {:?}, max {:?}; state consistent",
        entities.len(),
        writes as f64 / elapsed.as_secs_f64(),
        percentile(50),
        percentile(99),
        latencies.last().copied().unwrap_or_default(),
    );
    if let Ok(proxy) = Arc::try_unwrap(proxy) {
        proxy.kill();
    }
    user_function.crash();
}
