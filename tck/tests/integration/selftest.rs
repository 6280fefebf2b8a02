//! The self-test: the SDK suite against the built-in model service and the proxy suite against the
//! reference proxy in front of it, all passing, nothing skipped.

use crate::support::{HEAVY, closing_line, counts, describe, run_tck, tck_binary};

#[tokio::test]
async fn selftest_passes_every_case_of_both_modes() {
    let _turn = HEAVY.lock().await;
    let proxy = std::path::Path::new(tck_binary()).with_file_name("reference-proxy");
    assert!(
        proxy.exists(),
        "{} is missing: run the tests with `cargo test --workspace`",
        proxy.display()
    );
    let dir = tempfile::tempdir().expect("temp dir");
    let json = dir.path().join("selftest.json");
    let output = run_tck(&["selftest", "--json", json.to_str().expect("utf-8")]).await;
    assert_eq!(output.status.code(), Some(0), "{}", describe(&output));
    let (passed, failed, skipped) = counts(&closing_line(&output));
    assert_eq!((failed, skipped), (0, 0), "{}", describe(&output));

    let report: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&json).expect("JSON report")).expect("valid JSON");
    let cases = report["cases"].as_array().expect("cases");
    assert_eq!(cases.len(), passed);
    let proxy_cases = cases.iter().filter(|case| case["mode"] == "proxy").count();
    assert!(proxy_cases >= 30, "{proxy_cases} proxy-mode cases passed");
    assert!(cases.iter().filter(|case| case["mode"] == "sdk").count() >= 160);
}

#[tokio::test]
async fn a_proxy_command_that_exits_at_once_is_a_setup_error_with_its_output() {
    let output = run_tck(&[
        "proxy",
        "--spawn",
        "echo proxy is broken >&2; exit 2",
        "--spawn-timeout-ms",
        "10000",
    ])
    .await;
    assert_eq!(output.status.code(), Some(96), "{}", describe(&output));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("exited before it was ready"), "{stderr}");
    assert!(stderr.contains("proxy is broken"), "{stderr}");
}

#[tokio::test]
async fn a_proxy_command_that_never_binds_is_a_setup_error_with_its_output() {
    let output = run_tck(&[
        "proxy",
        "--spawn",
        "echo waiting forever; sleep 30",
        "--spawn-timeout-ms",
        "1000",
    ])
    .await;
    assert_eq!(output.status.code(), Some(96), "{}", describe(&output));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("was not ready within 1000 ms"), "{stderr}");
    assert!(stderr.contains("waiting forever"), "{stderr}");
}
