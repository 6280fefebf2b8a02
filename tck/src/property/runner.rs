//! Running a property: N scenarios from proptest's `TestRunner`, seeded from the run's seed, and shrinking
//! the first failing one to a minimal scenario that still fails.
//!
//! The run's seed and the number of scenarios per property are process-wide settings: the CLI records them
//! with [`configure`] when it prepares a run (`--seed`, `--scenarios`), and every property reads them. A
//! process that never calls it runs [`DEFAULT_SCENARIOS`] scenarios with seed 0. Scenarios share the case
//! deadline (`--timeout-ms`): raise it with `--scenarios`.

use std::fmt::Display;
use std::future::Future;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use proptest::strategy::Strategy;
#[cfg(test)]
use proptest::strategy::ValueTree;
use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};
use tokio::time::Instant;

use super::rerun::rerun_command;
use super::source::ScenarioSource;
use crate::case::{CaseFailure, Verdict};
use crate::wire::{Direction, Trace};

/// Scenarios per property unless `--scenarios` says otherwise: small enough that the whole property set
/// runs in a few seconds against a local SDK.
pub const DEFAULT_SCENARIOS: u64 = 100;

/// The most shrinking steps tried after a failure.
const MAX_SHRINK_STEPS: u32 = 512;

/// New scenarios start only within this share of the time to the case deadline (in percent); the rest is
/// kept for the last scenario and for shrinking, so that a slow machine runs fewer scenarios instead of
/// failing at the deadline.
const SCENARIO_BUDGET_PERCENT: u32 = 60;

/// A scenario may take this share of the time to the case deadline (in percent) before it counts as
/// failed: an answer that never comes then fails one scenario, not the whole case, and leaves time to
/// shrink it.
const SCENARIO_LIMIT_PERCENT: u32 = 20;

/// Shrinking stops when the case deadline is this close.
const SHRINK_MARGIN: Duration = Duration::from_millis(300);

/// While shrinking, a candidate counts as passing only when it passes this many times in a row: a
/// scenario with concurrent calls may hide a fault in one interleaving and show it in the next, and one
/// lucky pass would end the shrinking with a long scenario.
const PASSES_TO_ACCEPT: u32 = 5;

static SEED: AtomicU64 = AtomicU64::new(0);
static SCENARIOS: AtomicU64 = AtomicU64::new(DEFAULT_SCENARIOS);

/// Records the run's seed and the number of scenarios per property, for every later property case.
pub fn configure(seed: u64, scenarios: u64) {
    SEED.store(seed, Ordering::Relaxed);
    SCENARIOS.store(scenarios.max(1), Ordering::Relaxed);
}

/// The run's seed, as recorded by [`configure`].
pub fn run_seed() -> u64 {
    SEED.load(Ordering::Relaxed)
}

/// The number of scenarios each property runs, as recorded by [`configure`].
pub fn scenarios() -> u64 {
    SCENARIOS.load(Ordering::Relaxed)
}

/// The proptest runner of one property: its RNG comes from the run's seed and the case ID only, so the
/// same seed gives the same scenarios.
pub(crate) fn test_runner(seed: u64, case_id: &str) -> TestRunner {
    // FNV-1a over the case ID, so that properties of one run get different scenarios.
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in case_id.bytes() {
        hash = (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3);
    }
    let mut bytes = [0u8; 32];
    bytes[..8].copy_from_slice(&seed.to_le_bytes());
    bytes[8..16].copy_from_slice(&hash.to_le_bytes());
    bytes[16..24].copy_from_slice(&seed.rotate_left(29).to_le_bytes());
    bytes[24..].copy_from_slice(&hash.rotate_left(17).to_le_bytes());
    let config = Config {
        failure_persistence: None,
        ..Config::default()
    };
    TestRunner::new_with_rng(config, TestRng::from_seed(RngAlgorithm::ChaCha, &bytes))
}

/// The first `count` scenarios a property with this seed and case ID runs.
#[cfg(test)]
pub(crate) fn generate<S: Strategy>(
    strategy: &S,
    seed: u64,
    case_id: &str,
    count: u64,
) -> Vec<S::Value> {
    let mut runner = test_runner(seed, case_id);
    (0..count)
        .filter_map(|_| strategy.new_tree(&mut runner).ok())
        .map(|tree| tree.current())
        .collect()
}

/// Runs `check` on the property's scenarios (`strategy` builds their strategy); on the first failure,
/// shrinks it and fails the case with the shrunk scenario and a command that reruns it. When the time
/// budget runs out first, the case passes with the scenarios it ran, and says so in `trace`.
pub(crate) async fn check_property<S, M, F, Fut>(
    case_id: &str,
    strategy: M,
    trace: &Trace,
    deadline: Instant,
    mut check: F,
) -> Verdict
where
    M: FnOnce() -> S + Send + 'static,
    S: Strategy,
    S::Value: Display + Clone + Send + 'static,
    F: FnMut(S::Value) -> Fut + Send,
    Fut: Future<Output = Verdict> + Send,
{
    let seed = run_seed();
    let count = scenarios();
    let source = ScenarioSource::start(strategy, seed, case_id).map_err(CaseFailure::error)?;
    let total = deadline.saturating_duration_since(Instant::now());
    let budget_end = Instant::now() + total * SCENARIO_BUDGET_PERCENT / 100;
    let limit = total * SCENARIO_LIMIT_PERCENT / 100;
    let mut check = |scenario| within(limit, deadline, check(scenario));
    for index in 0..count {
        if index > 0 && Instant::now() >= budget_end {
            trace.record(
                "property",
                Direction::Event,
                format!(
                    "ran {index} of {count} scenarios before the time budget ({SCENARIO_BUDGET_PERCENT}% \
                     of the case deadline) ran out; raise --timeout-ms to run them all"
                ),
            );
            return Ok(());
        }
        let scenario = source.next().await.map_err(|reason| {
            CaseFailure::error(format!("could not generate a scenario: {reason}"))
        })?;
        let Err(failure) = check(scenario.clone()).await else {
            continue;
        };
        let (scenario, failure, steps) =
            shrink(&source, scenario, failure, deadline, &mut check).await;
        return Err(report(
            case_id, seed, count, index, &scenario, failure, steps,
        ));
    }
    trace.record(
        "property",
        Direction::Event,
        format!("all {count} scenarios passed (seed {seed})"),
    );
    Ok(())
}

/// Runs one scenario's check, failing it when it takes longer than `limit` (or reaches the deadline).
async fn within(
    limit: Duration,
    deadline: Instant,
    check: impl Future<Output = Verdict>,
) -> Verdict {
    let until = (Instant::now() + limit).min(deadline);
    match tokio::time::timeout_at(until, check).await {
        Ok(verdict) => verdict,
        Err(_) => Err(CaseFailure::fail(format!(
            "the scenario did not finish within {} ms ({SCENARIO_LIMIT_PERCENT}% of the case deadline): \
             an answer it waited for never came",
            limit.as_millis()
        ))),
    }
}

/// Proptest's shrinking loop: simplify while the scenario still fails, complicate back when it passes.
async fn shrink<V, F, Fut>(
    source: &ScenarioSource<V>,
    scenario: V,
    failure: CaseFailure,
    deadline: Instant,
    check: &mut F,
) -> (V, CaseFailure, u32)
where
    V: Clone + Send + 'static,
    F: FnMut(V) -> Fut + Send,
    Fut: Future<Output = Verdict> + Send,
{
    let mut best = (scenario, failure);
    let mut steps = 0;
    let Some(mut candidate) = source.simplify().await else {
        return (best.0, best.1, steps);
    };
    while steps < MAX_SHRINK_STEPS && Instant::now() + SHRINK_MARGIN < deadline {
        steps += 1;
        let next = match check_repeatedly(check, &candidate, deadline).await {
            Err(failure) => {
                best = (candidate, failure);
                source.simplify().await
            }
            Ok(()) => source.complicate().await,
        };
        let Some(next) = next else {
            break;
        };
        candidate = next;
    }
    (best.0, best.1, steps)
}

/// Checks a shrinking candidate up to [`PASSES_TO_ACCEPT`] times, until it fails or the deadline nears.
async fn check_repeatedly<V, F, Fut>(check: &mut F, candidate: &V, deadline: Instant) -> Verdict
where
    V: Clone,
    F: FnMut(V) -> Fut,
    Fut: Future<Output = Verdict>,
{
    for _ in 0..PASSES_TO_ACCEPT {
        check(candidate.clone()).await?;
        if Instant::now() + SHRINK_MARGIN >= deadline {
            break;
        }
    }
    Ok(())
}

/// The case failure: the shrunk scenario, its own failure, and how to rerun it.
fn report(
    case_id: &str,
    seed: u64,
    count: u64,
    index: u64,
    scenario: &impl Display,
    failure: CaseFailure,
    steps: u32,
) -> CaseFailure {
    let message = format!(
        "property failed on scenario {} of {count} (seed {seed}); shrunk in {steps} step(s) to:\n\
         {scenario}failure: {}\nrerun: {}",
        index + 1,
        failure.message,
        rerun_command(case_id, seed, count)
    );
    CaseFailure { message, ..failure }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::property::strategy;

    #[test]
    fn the_same_seed_gives_the_same_scenarios() {
        let id = "event_sourced.sdk.property_replies";
        let first = generate(&strategy::event_sourced(true), 7, id, 50);
        let second = generate(&strategy::event_sourced(true), 7, id, 50);
        assert_eq!(first.len(), 50);
        assert_eq!(first, second);
        let other = generate(&strategy::event_sourced(true), 8, id, 50);
        assert_ne!(first, other);
        let values = generate(&strategy::value_entity(), 7, id, 20);
        assert_eq!(values, generate(&strategy::value_entity(), 7, id, 20));
    }

    /// Generates twice with one seed and once with another: equal, then different.
    fn reproducible<S: Strategy>(make: impl Fn() -> S, id: &str)
    where
        S::Value: PartialEq + std::fmt::Debug,
    {
        let first = generate(&make(), 11, id, 30);
        assert_eq!(first.len(), 30, "{id}");
        assert_eq!(first, generate(&make(), 11, id, 30), "{id}");
        assert_ne!(first, generate(&make(), 12, id, 30), "{id}");
    }

    #[test]
    fn every_property_gets_the_same_scenarios_from_the_same_seed() {
        use crate::property::crdt::strategy::{Variant, scenario};
        use crate::property::{action, proxy};
        reproducible(|| scenario(Variant::Local), "crdt.sdk.property_replies");
        reproducible(
            || scenario(Variant::Replicated),
            "crdt.sdk.property_replicated",
        );
        reproducible(|| scenario(Variant::Proxy), "crdt.proxy.property_commands");
        reproducible(action::scenario::scenario, "action.sdk.property_calls");
        reproducible(
            proxy::scenario::value_entity,
            "value_entity.proxy.property_commands",
        );
        reproducible(
            proxy::scenario::event_sourced,
            "event_sourced.proxy.property_commands",
        );
    }

    #[test]
    fn properties_of_one_run_get_different_scenarios() {
        use crate::property::crdt::strategy::{Variant, scenario};
        let make = || scenario(Variant::Replicated);
        assert_ne!(
            generate(&make(), 3, "crdt.sdk.property_replies", 10),
            generate(&make(), 3, "crdt.sdk.property_replicated", 10)
        );
    }

    #[tokio::test]
    async fn a_failing_property_shrinks_and_says_how_to_rerun() {
        let deadline = Instant::now() + Duration::from_secs(10);
        let verdict = check_property(
            "event_sourced.sdk.property_test",
            || strategy::event_sourced(false),
            &Trace::new(),
            deadline,
            |scenario| async move {
                if scenario.0.len() >= 3 {
                    Err(CaseFailure::fail("too long"))
                } else {
                    Ok(())
                }
            },
        )
        .await;
        let failure = verdict.expect_err("fails");
        assert!(failure.message.contains("  3. "), "{}", failure.message);
        assert!(!failure.message.contains("  4. "), "{}", failure.message);
        assert!(
            failure
                .message
                .contains("--select event_sourced.sdk.property_test --seed 0")
        );
    }
}
