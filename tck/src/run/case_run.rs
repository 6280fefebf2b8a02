//! Running one case on a lane: waiting for its turn (a case that needs the whole target runs alone), its
//! body under the deadline, and its verdict seen against the target's health. When the target died while
//! several cases ran, the first case to end gets the death, with the names of the cases beside it, and
//! every other case that failed while the target restarted runs again alone, as does a case that ran out
//! of time beside others.

use std::collections::BTreeSet;
use std::sync::atomic::AtomicBool;
use std::sync::{Mutex as SyncMutex, PoisonError};
use std::time::Duration;

use chrono::{DateTime, FixedOffset, Local};
use tokio::sync::{Mutex, RwLock, RwLockReadGuard, RwLockWriteGuard, Semaphore};
use tokio::time::Instant;

use super::RunOptions;
use super::executor::CaseExecutor;
use super::monitor::{TargetMonitor, died_during, lost_connection};
use super::version::VersionNote;
use crate::case::{Area, Case, CaseFailure, CaseSettings, FailureKind, Mode, Outcome, Verdict};
use crate::wire::{Direction, Trace};

/// How long a failure that looks like a lost connection waits for a spawned target's exit to show.
const EXIT_GRACE: Duration = Duration::from_millis(200);

/// A target monitor shared by the lanes it watches, and how many times it restarted its target.
pub(super) struct Watched<'a> {
    pub(super) monitor: &'a mut dyn TargetMonitor,
    pub(super) restarts: u64,
}

/// What the cases of a run share while they run side by side.
pub(super) struct Shared<'a> {
    pub(super) options: &'a RunOptions,
    pub(super) version: Option<&'a VersionNote>,
    /// Whether cases run side by side (more than one lane).
    pub(super) concurrent: bool,
    /// Ordinary cases hold it shared; a case that runs alone holds it exclusively.
    pub(super) gate: RwLock<()>,
    /// Held by a CPU-bound case ([`cpu_bound`]): `RunOptions::cpu_jobs` permits.
    pub(super) cpu: Semaphore,
    /// Once a target the TCK cannot restart has died: why. The cases after it do not run.
    pub(super) dead: SyncMutex<Option<String>>,
    /// The cases running now.
    pub(super) running: SyncMutex<BTreeSet<&'static str>>,
    /// Set when the run must stop taking cases (a report could not be written).
    pub(super) stop: AtomicBool,
}

impl Shared<'_> {
    pub(super) fn dead(&self) -> Option<String> {
        self.dead
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    fn set_dead(&self, why: String) {
        self.dead
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .get_or_insert(why);
    }

    fn running(&self, id: &'static str, running: bool) {
        let mut set = self.running.lock().unwrap_or_else(PoisonError::into_inner);
        if running {
            set.insert(id);
        } else {
            set.remove(id);
        }
    }

    /// The other cases running now, beside `id`.
    fn beside(&self, id: &str) -> Vec<&'static str> {
        let set = self.running.lock().unwrap_or_else(PoisonError::into_inner);
        set.iter().copied().filter(|other| *other != id).collect()
    }
}

/// Whether a case needs the whole target: SDK-mode discovery cases compare the answers of successive
/// `discover` calls, which a target may count, so no other case calls it in between.
pub(super) fn runs_alone(case: &Case) -> bool {
    case.info.area() == Area::Discovery && case.info.mode() == Mode::Sdk
}

/// Whether a case is CPU-bound: SDK-mode property cases run as many scenarios as their deadline allows,
/// all of it CPU time, and are an error below a minimum, so no more of them run at once than
/// `RunOptions::cpu_jobs` says, beside the other cases (proxy-mode ones spend their time waiting on the
/// proxy).
pub(super) fn cpu_bound(case: &Case) -> bool {
    case.info.mode() == Mode::Sdk && case.info.id.contains(".property_")
}

/// One case as it ran.
pub(super) struct Ran {
    pub(super) outcome: Outcome,
    pub(super) trace: Trace,
    pub(super) duration: Duration,
    pub(super) started_at: DateTime<FixedOffset>,
}

/// Runs `case` on a lane with `executor`, watched by `watched`.
pub(super) async fn run_case(
    case: &'static Case,
    executor: &mut dyn CaseExecutor,
    watched: &Mutex<Watched<'_>>,
    shared: &Shared<'_>,
    settings: CaseSettings,
) -> Ran {
    let _cpu = if cpu_bound(case) {
        shared.cpu.acquire().await.ok()
    } else {
        None
    };
    // A turn on the target: shared with the other ordinary cases, or alone.
    let turn: (
        Option<RwLockReadGuard<'_, ()>>,
        Option<RwLockWriteGuard<'_, ()>>,
    ) = if runs_alone(case) {
        (None, Some(shared.gate.write().await))
    } else {
        (Some(shared.gate.read().await), None)
    };
    if let Some(death) = shared.dead() {
        return not_run(format!("not run: {death}"));
    }
    let beside_others = shared.concurrent && turn.0.is_some();
    let attempted = attempt(
        case,
        executor,
        watched,
        shared,
        settings,
        beside_others,
        None,
    );
    let again = match attempted.await {
        Attempt::Done(ran) => return ran,
        Attempt::Again(again) => again,
    };
    // Wait until every other case has ended, and run this one again alone.
    drop(turn);
    let _alone = shared.gate.write().await;
    match attempt(
        case,
        executor,
        watched,
        shared,
        settings,
        false,
        Some(again),
    )
    .await
    {
        Attempt::Done(ran) => ran,
        Attempt::Again(why) => not_run(why),
    }
}

/// How an attempt at a case ended.
enum Attempt {
    /// With a verdict.
    Done(Ran),
    /// The target died while the case ran beside others: it runs again alone (the text says why).
    Again(String),
}

/// Runs the body of `case` once, and sees its verdict against the target's health.
async fn attempt(
    case: &'static Case,
    executor: &mut dyn CaseExecutor,
    watched: &Mutex<Watched<'_>>,
    shared: &Shared<'_>,
    settings: CaseSettings,
    beside_others: bool,
    note: Option<String>,
) -> Attempt {
    let restarts_before = watched.lock().await.restarts;
    let started = Instant::now();
    let started_at = Local::now().fixed_offset();
    let trace = Trace::new();
    if let Some(note) = note {
        trace.record("tck", Direction::Event, note);
    }
    let timeout = shared.options.case_timeout;
    let body = executor.start(case, trace.clone(), Instant::now() + timeout, settings);
    shared.running(case.info.id, true);
    let verdict = tokio::select! {
        verdict = run_with_deadline(body, timeout) => verdict,
        () = super::interrupt::wait() => {
            Err(CaseFailure::error("the run was interrupted (Ctrl-C) while this case ran"))
        }
    };
    let beside = shared.beside(case.info.id);
    shared.running(case.info.id, false);
    let mut watched = watched.lock().await;
    let seen = watch(
        verdict,
        case,
        &mut watched,
        restarts_before,
        shared,
        beside_others,
        &beside,
    )
    .await;
    drop(watched);
    match seen {
        Seen::Again(why) => Attempt::Again(why),
        Seen::Verdict(verdict) => Attempt::Done(Ran {
            outcome: Outcome::from_verdict(with_version_note(verdict, case, shared.version)),
            trace,
            duration: started.elapsed(),
            started_at,
        }),
    }
}

/// A case that did not run, and why.
pub(super) fn not_run(reason: String) -> Ran {
    Ran {
        outcome: Outcome::Skip { reason },
        trace: Trace::new(),
        duration: Duration::ZERO,
        started_at: Local::now().fixed_offset(),
    }
}

/// What the target's health says of a verdict.
enum Seen {
    Verdict(Verdict),
    Again(String),
}

/// The verdict of a case, seen against the target's health: a spawned target that exited during the case
/// failed it and is started again; a running target that is gone failed it, and the cases after it do
/// not run. Side by side (`beside_others`), the first case to end after the death (the one whose own
/// exchange broke first) gets it, with the names of the cases beside it; another case that failed while
/// the target restarted runs again alone, and one that failed after a target that cannot restart was
/// lost is reported as not run. A case that ran out of time beside others (too few property scenarios
/// within its deadline) runs again alone: the cases beside it took the time.
async fn watch(
    verdict: Verdict,
    case: &Case,
    watched: &mut Watched<'_>,
    restarts_before: u64,
    shared: &Shared<'_>,
    beside_others: bool,
    beside: &[&str],
) -> Seen {
    if verdict.is_err()
        && let Some(death) = shared.dead()
    {
        return Seen::Verdict(Err(CaseFailure::not_applicable(format!(
            "not run: {death}"
        ))));
    }
    let lost = lost_connection(&verdict);
    let monitor = &mut *watched.monitor;
    let exit = match monitor.exited() {
        None if lost && monitor.output().is_some() => {
            // The process may be exiting right now: give it a moment to be seen.
            tokio::time::sleep(EXIT_GRACE).await;
            monitor.exited()
        }
        exit => exit,
    };
    if let Some(exit) = exit {
        let restarted = monitor.restart().await;
        if matches!(restarted, Some(Ok(_))) {
            watched.restarts += 1;
        }
        let monitor = &mut *watched.monitor;
        let mut failure = died_during(verdict, &exit, monitor.output());
        match restarted {
            Some(Ok(restarted)) => failure.message = format!("{}\n{restarted}", failure.message),
            Some(Err(problem)) => {
                failure.message = format!(
                    "{}\nrestarting the target failed: {problem}",
                    failure.message
                );
                shared.set_dead(format!(
                    "the target died during {} and did not restart",
                    case.info.id
                ));
            }
            None => shared.set_dead(format!("the target died during {}", case.info.id)),
        }
        return Seen::Verdict(Err(with_beside(failure, beside)));
    }
    if beside_others && verdict.is_err() && watched.restarts != restarts_before {
        return Seen::Again(again("the target was restarted"));
    }
    if lost && let Some(gone) = watched.monitor.gone().await {
        shared.set_dead(format!("{gone} (since {})", case.info.id));
        return Seen::Verdict(Err(with_beside(died_during(verdict, &gone, None), beside)));
    }
    if beside_others && matches!(&verdict, Err(failure) if failure.kind == FailureKind::OutOfTime) {
        return Seen::Again(again("the case ran out of time"));
    }
    Seen::Verdict(verdict)
}

/// The note of a case run again alone.
fn again(what: &str) -> String {
    format!(
        "{what} while this case ran beside other cases, so the TCK ran it again alone: the trace is \
         that run's"
    )
}

/// A death during this case that other cases saw too: which ones.
fn with_beside(mut failure: CaseFailure, beside: &[&str]) -> CaseFailure {
    if !beside.is_empty() {
        failure.message = format!(
            "{}\n{} other case(s) ran at the same time ({}); run with --jobs 1 to see which case the \
             target died in",
            failure.message,
            beside.len(),
            beside.join(", ")
        );
    }
    failure
}

/// A failure that may follow from the protocol version the target announced says so.
fn with_version_note(verdict: Verdict, case: &Case, note: Option<&VersionNote>) -> Verdict {
    match (verdict, note) {
        (Err(mut failure), Some(note)) if note.applies_to(case.info.requirements) => {
            failure.message = format!("{}\n{}", failure.message, note.short);
            Err(failure)
        }
        (verdict, _) => verdict,
    }
}

/// Runs a case body in its own task, so that a panic or a hang in one case cannot take the run down.
async fn run_with_deadline(
    body: futures::future::BoxFuture<'static, Verdict>,
    deadline: Duration,
) -> Verdict {
    // Waits inside a case end at the deadline themselves; the grace covers bodies that wait elsewhere.
    let mut task = tokio::spawn(body);
    match tokio::time::timeout(deadline + Duration::from_millis(250), &mut task).await {
        Ok(Ok(verdict)) => verdict,
        Ok(Err(join_error)) => Err(CaseFailure::error(format!(
            "the case itself crashed (a TCK bug): {join_error}"
        ))),
        Err(_) => {
            task.abort();
            Err(CaseFailure::fail(format!(
                "the case did not finish within its deadline of {} ms",
                deadline.as_millis()
            )))
        }
    }
}
