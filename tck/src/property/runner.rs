//! Running a property: N scenarios from proptest's `TestRunner`, seeded from the run's seed, and shrinking
//! the first failing scenario of each kind of failure (up to three) to a minimal one that still fails
//! that way.
//!
//! The run's seed and the number of scenarios per property (`--seed`, `--scenarios`) come with each case's
//! context as its [`CaseSettings`]. Scenarios share the case deadline (`--timeout-ms`): raise it with
//! `--scenarios`.

use std::fmt::Display;
use std::future::Future;
use std::time::Duration;

use proptest::strategy::Strategy;
#[cfg(test)]
use proptest::strategy::ValueTree;
use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};
use tokio::time::Instant;

use super::counterexample::{self, Counterexample, MAX_COUNTEREXAMPLES, kind_of};
use super::source::ScenarioSource;
use crate::case::CaseSettings;
use crate::case::{CaseFailure, FailureKind, Verdict};
use crate::wire::{Direction, Trace};

/// A property case whose time budget ran out before this many scenarios ran (or all of them, when fewer
/// were asked for) ends as an error instead of a pass.
pub(crate) const MIN_SCENARIOS: u64 = 10;

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

/// A scenario that runs out of its share of the time runs once more with this many times that share
/// before it counts as failed: on a loaded machine a scenario that waits for passivations and reopened
/// streams may be slow without anything being wrong, while an answer that never comes stays missing.
const SLOW_SCENARIO_PATIENCE: u32 = 2;

/// Shrinking stops when the case deadline is this close.
const SHRINK_MARGIN: Duration = Duration::from_millis(300);

/// While shrinking, a candidate counts as passing only when it passes this many times in a row: a
/// scenario with concurrent calls may hide a fault in one interleaving and show it in the next, and one
/// lucky pass would end the shrinking with a long scenario.
const PASSES_TO_ACCEPT: u32 = 5;

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

/// Runs `check` on the property's scenarios (`strategy` builds their strategy). Failures do not end the
/// run: it goes on looking for failures of other kinds (see [`kind_of`]) until it has
/// [`MAX_COUNTEREXAMPLES`], has run every scenario or runs out of its time budget; then each first
/// failing scenario of a kind is shrunk, in the time left to the deadline shared among them, and the case
/// fails with every shrunk scenario and a command that reruns it.
///
/// When the time budget runs out before any failure, the case passes if it ran at least
/// [`MIN_SCENARIOS`] scenarios (or all, when fewer were asked for), and says in `trace` how many; with
/// fewer it is an error, since a property that barely ran proves nothing.
pub(crate) async fn check_property<S, M, F, Fut>(
    case_id: &str,
    settings: CaseSettings,
    strategy: M,
    trace: &Trace,
    deadline: Instant,
    check: F,
) -> Verdict
where
    M: FnOnce() -> S + Send + 'static,
    S: Strategy,
    S::Value: Display + Clone + Send + 'static,
    F: FnMut(S::Value) -> Fut + Send,
    Fut: Future<Output = Verdict> + Send,
{
    let run = Run {
        seed: settings.seed,
        count: settings.scenarios.max(1),
    };
    check_scenarios(case_id, strategy, trace, deadline, run, check).await
}

/// What a property runs: the seed and the number of scenarios.
#[derive(Debug, Clone, Copy)]
struct Run {
    seed: u64,
    count: u64,
}

/// [`check_property`] with the seed and number of scenarios of `run`.
async fn check_scenarios<S, M, F, Fut>(
    case_id: &str,
    strategy: M,
    trace: &Trace,
    deadline: Instant,
    Run { seed, count }: Run,
    mut check: F,
) -> Verdict
where
    M: FnOnce() -> S + Send + 'static,
    S: Strategy,
    S::Value: Display + Clone + Send + 'static,
    F: FnMut(S::Value) -> Fut + Send,
    Fut: Future<Output = Verdict> + Send,
{
    let source = ScenarioSource::start(strategy, seed, case_id).map_err(CaseFailure::error)?;
    let total = deadline.saturating_duration_since(Instant::now());
    let budget_end = Instant::now() + total * SCENARIO_BUDGET_PERCENT / 100;
    let limit = total * SCENARIO_LIMIT_PERCENT / 100;
    let mut check = |scenario, limit| within(limit, deadline, check(scenario));
    let mut failing: Vec<Failing<S::Value>> = Vec::new();
    let mut ran = 0;
    while ran < count && failing.len() < MAX_COUNTEREXAMPLES {
        if ran > 0 && Instant::now() >= budget_end {
            break;
        }
        let scenario = source.next().await.map_err(|reason| {
            CaseFailure::error(format!("could not generate a scenario: {reason}"))
        })?;
        ran += 1;
        let verdict = match check(scenario.clone(), limit).await {
            Some(verdict) => verdict,
            None => rerun_slow(&mut check, scenario.clone(), limit, trace).await,
        };
        let Err(mut failure) = verdict else {
            continue;
        };
        // The TCK could not talk to the target (the connection dropped): no scenario is at fault, and
        // shrinking would present the accident as a minimal counterexample that does not reproduce.
        if failure.kind == FailureKind::Error {
            failure.message = format!(
                "{}\n(scenario {} of {count}, seed {seed}; not shrunk: the TCK could not complete it)",
                failure.message, ran
            );
            return Err(failure);
        }
        let kind = kind_of(&failure);
        if failing.iter().any(|seen| seen.kind == kind) {
            continue;
        }
        let Some(handle) = source.keep().await else {
            return Err(CaseFailure::error("the scenario thread stopped"));
        };
        failing.push(Failing {
            index: ran - 1,
            scenario,
            failure,
            kind,
            handle,
        });
    }
    if failing.is_empty() {
        return passed(trace, seed, ran, count);
    }
    let mut found = Vec::with_capacity(failing.len());
    let kinds = failing.len();
    for (shrunk, first) in failing.into_iter().enumerate() {
        // The time left is shared among the counterexamples still to shrink.
        let left = deadline.saturating_duration_since(Instant::now());
        let share = left / u32::try_from(kinds - shrunk).unwrap_or(1);
        let until = (Instant::now() + share).min(deadline);
        let (scenario, failure, steps) = if source.resume(first.handle).await {
            let shrinking = Shrinking {
                source: &source,
                kind: &first.kind,
                deadline: until,
            };
            let mut bounded = |scenario| {
                let ran = check(scenario, limit);
                async move { ran.await.unwrap_or_else(|| too_slow(limit, None)) }
            };
            shrinking
                .shrink(first.scenario, first.failure, &mut bounded)
                .await
        } else {
            (first.scenario, first.failure, 0)
        };
        found.push(Counterexample {
            index: first.index,
            scenario,
            failure,
            steps,
        });
    }
    Err(counterexample::report(case_id, seed, ran, count, found))
}

/// The first failing scenario of one kind, put aside to shrink once the run ends.
struct Failing<V> {
    index: u64,
    scenario: V,
    failure: CaseFailure,
    kind: String,
    handle: usize,
}

/// The verdict of a run without a failure: a pass when enough scenarios ran.
fn passed(trace: &Trace, seed: u64, ran: u64, count: u64) -> Verdict {
    if ran == count {
        trace.record(
            "property",
            Direction::Event,
            format!("all {count} scenarios passed (seed {seed})"),
        );
        return Ok(());
    }
    let minimum = MIN_SCENARIOS.min(count);
    let budget = format!(
        "ran {ran} of {count} scenarios before the time budget ({SCENARIO_BUDGET_PERCENT}% of the case \
         deadline) ran out"
    );
    if ran < minimum {
        return Err(CaseFailure::out_of_time(format!(
            "{budget}, fewer than the {minimum} a property must run to pass; the target answers too \
             slowly for this deadline: raise --timeout-ms"
        )));
    }
    trace.record(
        "property",
        Direction::Event,
        format!("{budget}; all passed (seed {seed}); raise --timeout-ms to run them all"),
    );
    Ok(())
}

/// Runs one scenario's check for at most `limit` (and not past the deadline): `None` when it took longer.
async fn within(
    limit: Duration,
    deadline: Instant,
    check: impl Future<Output = Verdict>,
) -> Option<Verdict> {
    let until = (Instant::now() + limit).min(deadline);
    tokio::time::timeout_at(until, check).await.ok()
}

/// Runs a scenario that took longer than `limit` once more, with [`SLOW_SCENARIO_PATIENCE`] times the
/// time: its verdict then (with a note in the trace that it was slow), or a failure when it is still
/// not done.
async fn rerun_slow<V, F, Fut>(
    check: &mut F,
    scenario: V,
    limit: Duration,
    trace: &Trace,
) -> Verdict
where
    F: FnMut(V, Duration) -> Fut,
    Fut: Future<Output = Option<Verdict>>,
{
    let patient = limit * SLOW_SCENARIO_PATIENCE;
    let verdict = check(scenario, patient)
        .await
        .unwrap_or_else(|| too_slow(limit, Some(patient)));
    if verdict.is_ok() {
        trace.record(
            "property",
            Direction::Event,
            format!(
                "a scenario did not finish within {} ms; run again with {} ms, it passed",
                limit.as_millis(),
                patient.as_millis()
            ),
        );
    }
    verdict
}

/// The failure of a scenario that did not finish within `limit` (nor within `patient` when it ran
/// again).
fn too_slow(limit: Duration, patient: Option<Duration>) -> Verdict {
    // The first line is the same either way: counterexamples are told apart by it.
    let again = patient.map_or(String::new(), |patient| {
        format!(
            "\n(it ran once more with {} ms and did not finish then either)",
            patient.as_millis()
        )
    });
    Err(CaseFailure::fail(format!(
        "the scenario did not finish within {} ms ({SCENARIO_LIMIT_PERCENT}% of the case deadline): \
         an answer it waited for never came{again}",
        limit.as_millis()
    )))
}

/// Shrinking one counterexample: its scenario source, the kind of failure it keeps to, and when it must
/// stop.
struct Shrinking<'a, V> {
    source: &'a ScenarioSource<V>,
    kind: &'a str,
    deadline: Instant,
}

impl<V: Clone + Send + 'static> Shrinking<'_, V> {
    /// Proptest's shrinking loop: simplify while the scenario still fails with a failure of the same
    /// kind, complicate back when it passes (or fails in another way, which is another counterexample's
    /// business).
    async fn shrink<F, Fut>(
        &self,
        scenario: V,
        failure: CaseFailure,
        check: &mut F,
    ) -> (V, CaseFailure, u32)
    where
        F: FnMut(V) -> Fut + Send,
        Fut: Future<Output = Verdict> + Send,
    {
        let mut best = (scenario, failure);
        let mut steps = 0;
        let Some(mut candidate) = self.source.simplify().await else {
            return (best.0, best.1, steps);
        };
        while steps < MAX_SHRINK_STEPS && Instant::now() + SHRINK_MARGIN < self.deadline {
            steps += 1;
            let next = match check_repeatedly(check, &candidate, self.deadline).await {
                Err(failure) if kind_of(&failure) == self.kind => {
                    best = (candidate, failure);
                    self.source.simplify().await
                }
                _ => self.source.complicate().await,
            };
            let Some(next) = next else {
                break;
            };
            candidate = next;
        }
        (best.0, best.1, steps)
    }
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

#[cfg(test)]
#[path = "runner_tests.rs"]
mod tests;
