//! Cases side by side: the self-test and the SDK suite end with the same outcome for every case, in the
//! same report order, at `--jobs 1` and at the default. A case that fails only beside others is a
//! finding, and these tests are where it shows.

use std::collections::BTreeMap;

use cloudstate_tck::{ModelFault, ModelOptions};

use crate::support::{HEAVY, ModelServer, describe, run_tck};

/// Each case's ID and outcome, in report order, from a JSON report.
fn outcomes(json: &std::path::Path) -> Vec<(String, String)> {
    let report: serde_json::Value =
        serde_json::from_slice(&std::fs::read(json).expect("JSON report")).expect("valid JSON");
    report["cases"]
        .as_array()
        .expect("cases")
        .iter()
        .map(|case| {
            (
                case["id"].as_str().expect("id").to_owned(),
                case["outcome"].as_str().expect("outcome").to_owned(),
            )
        })
        .collect()
}

/// Runs the TCK with `args` plus `--jobs N` (when given) and a JSON report; returns the outcomes.
async fn run_outcomes(args: &[&str], jobs: Option<&str>) -> (Vec<(String, String)>, String) {
    let dir = tempfile::tempdir().expect("temp dir");
    let json = dir.path().join("run.json");
    let mut all: Vec<&str> = args.to_vec();
    all.extend(["--json", json.to_str().expect("utf-8")]);
    if let Some(jobs) = jobs {
        all.extend(["--jobs", jobs]);
    }
    let output = run_tck(&all).await;
    let described = describe(&output);
    assert!(matches!(output.status.code(), Some(0 | 100)), "{described}");
    (outcomes(&json), described)
}

/// The cases whose outcome differs between two runs.
fn differences(one: &[(String, String)], other: &[(String, String)]) -> Vec<String> {
    let other: BTreeMap<&str, &str> = other
        .iter()
        .map(|(id, o)| (id.as_str(), o.as_str()))
        .collect();
    one.iter()
        .filter(|(id, outcome)| other.get(id.as_str()) != Some(&outcome.as_str()))
        .map(|(id, outcome)| {
            format!(
                "{id}: {outcome} at --jobs 1, {:?} side by side",
                other.get(id.as_str())
            )
        })
        .collect()
}

#[tokio::test]
async fn the_selftest_ends_the_same_one_at_a_time_and_side_by_side() {
    let _turn = HEAVY.lock().await;
    let args = ["selftest", "--seed", "11"];
    let (alone, alone_output) = run_outcomes(&args, Some("1")).await;
    let (side_by_side, output) = run_outcomes(&args, None).await;
    assert!(alone.len() > 300, "{alone_output}");
    assert!(
        alone.iter().all(|(_, outcome)| outcome == "pass"),
        "{alone_output}"
    );
    let ids = |run: &[(String, String)]| run.iter().map(|(id, _)| id.clone()).collect::<Vec<_>>();
    assert_eq!(
        ids(&alone),
        ids(&side_by_side),
        "reports keep the selection's order"
    );
    assert_eq!(
        differences(&alone, &side_by_side),
        Vec::<String>::new(),
        "{output}"
    );
}

#[tokio::test]
async fn the_sdk_suite_against_a_faulty_model_ends_the_same_one_at_a_time_and_side_by_side() {
    let _turn = HEAVY.lock().await;
    // A fault that fails cases of several entity types, so that failures run beside passes.
    let model =
        ModelServer::start_with(ModelOptions::with_fault(ModelFault::ForwardUnqualified)).await;
    let args = ["sdk", "--target", &model.address, "--seed", "11"];
    let (alone, alone_output) = run_outcomes(&args, Some("1")).await;
    let (side_by_side, output) = run_outcomes(&args, None).await;
    let failed = alone
        .iter()
        .filter(|(_, outcome)| outcome == "fail")
        .count();
    assert!(
        failed >= 3,
        "{failed} cases failed under the fault\n{alone_output}"
    );
    assert_eq!(
        differences(&alone, &side_by_side),
        Vec::<String>::new(),
        "{output}"
    );
    assert_eq!(alone.len(), side_by_side.len());
}
