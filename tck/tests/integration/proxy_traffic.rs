//! Snapshots of the protocol traffic the reference proxy produces for one case of each entity type, as
//! the interceptor recorded it: a change of wire behaviour shows up in review.

use crate::support::{describe, run_tck, tck_binary};

const CASES: [&str; 4] = [
    "action.proxy.unary_command_processing",
    "value_entity.proxy.state_changes",
    "event_sourced.proxy.state_changes",
    "crdt.proxy.state_changes",
];

#[tokio::test]
async fn traffic_of_one_case_per_entity_type() {
    let proxy = std::path::Path::new(tck_binary()).with_file_name("reference-proxy");
    let dir = tempfile::tempdir().expect("temp dir");
    let json = dir.path().join("proxy.json");
    let mut args = vec![
        "proxy",
        "--spawn",
        proxy.to_str().expect("utf-8"),
        "--json",
        json.to_str().expect("utf-8"),
        // Every entry of these passing cases, not only the start the reports keep by default.
        "--trace",
        "all",
    ];
    args.push("--select");
    args.extend(CASES);
    let output = run_tck(&args).await;
    assert_eq!(output.status.code(), Some(0), "{}", describe(&output));
    let report: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&json).expect("JSON report")).expect("valid JSON");
    for case in report["cases"].as_array().expect("cases") {
        let id = case["id"].as_str().expect("id");
        // Grouped by call: the order within one call is fixed by the protocol, while events of different
        // calls can race (a client's reply against the end of the entity stream, say).
        let mut entries: Vec<&serde_json::Value> =
            case["trace"].as_array().expect("a trace").iter().collect();
        entries.sort_by_key(|entry| entry["stream"].as_str().unwrap_or_default().to_owned());
        let lines: Vec<String> = entries
            .into_iter()
            .map(|entry| {
                let text = redact_connection(entry["text"].as_str().unwrap_or_default());
                format!(
                    "{} {} {}",
                    entry["stream"].as_str().unwrap_or_default(),
                    entry["direction"].as_str().unwrap_or_default(),
                    text
                )
            })
            .collect();
        insta::assert_snapshot!(format!("traffic__{id}"), lines.join("\n"));
    }
}

/// Replaces the interceptor connection number (a client port) with a placeholder.
fn redact_connection(text: &str) -> String {
    match text.strip_prefix("call opened by the proxy on connection ") {
        Some(_) => "call opened by the proxy on connection [port]".to_owned(),
        None => text.to_owned(),
    }
}
