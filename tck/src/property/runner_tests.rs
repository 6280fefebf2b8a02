//! Tests of the property runner: reproducible scenarios, shrinking, several counterexamples and the
//! minimum number of scenarios.

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
        CaseSettings::default(),
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

#[tokio::test]
async fn independent_failures_are_each_shown_shrunk() {
    let deadline = Instant::now() + Duration::from_secs(20);
    let verdict = check_property(
        "event_sourced.sdk.property_kinds",
        CaseSettings::default(),
        || strategy::event_sourced(false),
        &Trace::new(),
        deadline,
        |scenario| async move {
            match scenario.0.len() {
                0..=1 => Ok(()),
                2 => Err(CaseFailure::fail("two commands break it")),
                _ => Err(CaseFailure::fail("three or more break it otherwise")),
            }
        },
    )
    .await;
    let failure = verdict.expect_err("fails");
    let message = &failure.message;
    assert!(message.contains("2 kinds of counterexample"), "{message}");
    assert!(
        message.contains("failure: two commands break it"),
        "{message}"
    );
    assert!(
        message.contains("failure: three or more break it otherwise"),
        "{message}"
    );
    assert_eq!(message.matches("rerun: ").count(), 2, "{message}");
    assert!(!message.contains("  4. "), "each is shrunk: {message}");
}

#[tokio::test]
async fn a_property_that_barely_ran_is_an_error() {
    let deadline = Instant::now() + Duration::from_millis(500);
    let run = Run {
        seed: 0,
        count: 1_000,
    };
    let verdict = check_scenarios(
        "event_sourced.sdk.property_slow",
        || strategy::event_sourced(false),
        &Trace::new(),
        deadline,
        run,
        |_| async {
            tokio::time::sleep(Duration::from_millis(60)).await;
            Ok(())
        },
    )
    .await;
    let failure = verdict.expect_err("too few scenarios ran");
    assert_eq!(failure.kind, crate::case::FailureKind::OutOfTime);
    assert!(
        failure.message.contains("fewer than the 10"),
        "{}",
        failure.message
    );
}

#[tokio::test]
async fn a_scenario_the_tck_could_not_complete_is_an_error_and_not_shrunk() {
    let deadline = Instant::now() + Duration::from_secs(10);
    let verdict = check_property(
        "event_sourced.sdk.property_blip",
        CaseSettings::default(),
        || strategy::event_sourced(false),
        &Trace::new(),
        deadline,
        |scenario| async move {
            if scenario.0.len() >= 2 {
                Err(CaseFailure::error("the connection dropped"))
            } else {
                Ok(())
            }
        },
    )
    .await;
    let failure = verdict.expect_err("an error");
    assert_eq!(failure.kind, FailureKind::Error);
    assert!(
        failure.message.contains("not shrunk"),
        "{}",
        failure.message
    );
    assert!(!failure.message.contains("rerun:"), "{}", failure.message);
}

#[tokio::test]
async fn a_slow_scenario_runs_once_more_and_passes_when_it_finishes() {
    // 2 s to the deadline: a scenario's share is 400 ms, and the first one takes 500 ms.
    let deadline = Instant::now() + Duration::from_secs(2);
    let first = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(true));
    let trace = Trace::new();
    let settings = CaseSettings {
        scenarios: 3,
        ..CaseSettings::default()
    };
    let verdict = check_property(
        "event_sourced.sdk.property_slow",
        settings,
        || strategy::event_sourced(false),
        &trace,
        deadline,
        move |_| {
            let slow = first.swap(false, std::sync::atomic::Ordering::Relaxed);
            async move {
                if slow {
                    tokio::time::sleep(Duration::from_millis(500)).await;
                }
                Ok(())
            }
        },
    )
    .await;
    assert_eq!(verdict, Ok(()));
    let notes: Vec<String> = trace
        .entries()
        .into_iter()
        .map(|entry| entry.text)
        .collect();
    assert!(
        notes
            .iter()
            .any(|note| note.contains("run again with") && note.contains("it passed")),
        "{notes:?}"
    );
}

#[tokio::test]
async fn a_scenario_that_never_finishes_fails_by_the_deadline() {
    let deadline = Instant::now() + Duration::from_secs(2);
    let verdict = check_property(
        "event_sourced.sdk.property_hangs",
        CaseSettings::default(),
        || strategy::event_sourced(false),
        &Trace::new(),
        deadline,
        |_| std::future::pending::<Verdict>(),
    )
    .await;
    let failure = verdict.expect_err("fails");
    // The counterexample shown is the shrunk one, whose scenario hangs as well.
    assert!(
        failure.message.contains("did not finish within") && failure.message.contains("never came"),
        "{}",
        failure.message
    );
    assert!(Instant::now() <= deadline + Duration::from_millis(500));
}
