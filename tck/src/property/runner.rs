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

use proptest::strategy::{Strategy, ValueTree};
use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};
use tokio::time::Instant;

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

/// Shrinking stops when the case deadline is this close.
const SHRINK_MARGIN: Duration = Duration::from_millis(300);

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

/// Runs `check` on the property's scenarios; on the first failure, shrinks it and fails the case with the
/// shrunk scenario and a command that reruns it. When the time budget runs out first, the case passes with
/// the scenarios it ran, and says so in `trace`.
pub(crate) async fn check_property<S, F, Fut>(
    case_id: &str,
    strategy: S,
    trace: &Trace,
    deadline: Instant,
    mut check: F,
) -> Verdict
where
    S: Strategy<Tree: Send>,
    S::Value: Display + Clone + Send,
    F: FnMut(S::Value) -> Fut + Send,
    Fut: Future<Output = Verdict> + Send,
{
    let seed = run_seed();
    let count = scenarios();
    let mut runner = test_runner(seed, case_id);
    let budget_end = Instant::now()
        + deadline.saturating_duration_since(Instant::now()) * SCENARIO_BUDGET_PERCENT / 100;
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
        let mut tree = strategy.new_tree(&mut runner).map_err(|reason| {
            CaseFailure::error(format!("could not generate a scenario: {reason}"))
        })?;
        let Err(failure) = check(tree.current()).await else {
            continue;
        };
        let (scenario, failure, steps) = shrink(&mut tree, failure, deadline, &mut check).await;
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

/// Proptest's shrinking loop: simplify while the scenario still fails, complicate back when it passes.
async fn shrink<T, F, Fut>(
    tree: &mut T,
    failure: CaseFailure,
    deadline: Instant,
    check: &mut F,
) -> (T::Value, CaseFailure, u32)
where
    T: ValueTree + Send,
    T::Value: Clone + Send,
    F: FnMut(T::Value) -> Fut + Send,
    Fut: Future<Output = Verdict> + Send,
{
    let mut best = (tree.current(), failure);
    let mut steps = 0;
    if !tree.simplify() {
        return (best.0, best.1, steps);
    }
    while steps < MAX_SHRINK_STEPS && Instant::now() + SHRINK_MARGIN < deadline {
        steps += 1;
        let candidate = tree.current();
        match check(candidate.clone()).await {
            Err(failure) => {
                best = (candidate, failure);
                if !tree.simplify() {
                    break;
                }
            }
            Ok(()) => {
                if !tree.complicate() {
                    break;
                }
            }
        }
    }
    (best.0, best.1, steps)
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
    let mode = case_id.split('.').nth(1).unwrap_or("sdk");
    let message = format!(
        "property failed on scenario {} of {count} (seed {seed}); shrunk in {steps} step(s) to:\n\
         {scenario}failure: {}\nrerun: cloudstate-tck {mode} --target <TARGET> --select {case_id} \
         --seed {seed} --scenarios {count}",
        index + 1,
        failure.message
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

    #[tokio::test]
    async fn a_failing_property_shrinks_and_says_how_to_rerun() {
        let deadline = Instant::now() + Duration::from_secs(10);
        let verdict = check_property(
            "event_sourced.sdk.property_test",
            strategy::event_sourced(false),
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
