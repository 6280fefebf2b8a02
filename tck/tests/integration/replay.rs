//! Record and replay: a live exchange recorded through the reference proxy replays green against the
//! model, a misbehaving model fails with a diff that names the stream and the message, a transcript
//! edited by hand replays as a new scenario, and the committed transcripts replay green. The ignored
//! test at the end regenerates the committed transcripts (`fixtures/transcripts/record.sh`).

mod scenarios;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use cloudstate_tck::Transcript;
use cloudstate_tck::{ModelFault as Fault, ModelOptions};
use scenarios::{Session, free_port};
use serde_json::json;

use crate::support::{ModelServer, closing_line, describe, run_tck, tck_binary};

fn transcripts_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../fixtures/transcripts")
}

fn committed_transcripts() -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(transcripts_dir())
        .expect("fixtures/transcripts")
        .map(|entry| entry.expect("an entry").path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "json"))
        .collect();
    files.sort();
    files
}

fn text(path: &Path) -> &str {
    path.to_str().expect("a UTF-8 path")
}

fn stdout(output: &std::process::Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_live_exchange_replays_green() {
    let model = ModelServer::start().await;
    let dir = tempfile::tempdir().expect("temp dir");
    let out = dir.path().join("live.json");
    let session = Session::start(&model.address, &out, None).await;
    let channel = session.channel().await;
    scenarios::value_entity(channel.clone(), "live-1").await;
    scenarios::action_duplex(channel).await;
    let transcript = session.finish("a live exchange").await;

    let paths: Vec<String> = transcript.streams.iter().map(|s| s.path()).collect();
    for path in [
        "/cloudstate.EntityDiscovery/discover",
        "/cloudstate.valueentity.ValueEntity/handle",
        "/cloudstate.action.ActionProtocol/handleStreamed",
        "/cloudstate.action.ActionProtocol/handleUnary",
    ] {
        assert!(paths.iter().any(|p| p == path), "{path} not in {paths:?}");
    }
    let output = run_tck(&["replay", text(&out), "--target", &model.address]).await;
    assert_eq!(output.status.code(), Some(0), "{}", describe(&output));
    let stdout = stdout(&output);
    assert!(
        stdout.contains("PASS  replay.live.0_entity_discovery_discover"),
        "{stdout}"
    );
    assert!(stdout.contains("_value_entity_handle"), "{stdout}");
    let (passed, failed, _) = crate::support::counts(&closing_line(&output));
    assert_eq!((passed, failed), (transcript.streams.len(), 0));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn committed_transcripts_replay_green() {
    let model = ModelServer::start().await;
    let files = committed_transcripts();
    assert!(files.len() >= 5, "{files:?}");
    let mut args = vec!["replay".to_owned()];
    args.extend(files.iter().map(|path| text(path).to_owned()));
    args.extend(["--target".to_owned(), model.address.clone()]);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let output = run_tck(&args).await;
    assert_eq!(output.status.code(), Some(0), "{}", describe(&output));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_misbehaving_user_function_fails_with_a_diff() {
    let model = ModelServer::start_with(ModelOptions::with_fault(Fault::WrongCommandId)).await;
    let address = model.address.clone();
    let file = transcripts_dir().join("value_entity.json");
    let output = run_tck(&["replay", text(&file), "--target", &address]).await;
    assert_eq!(output.status.code(), Some(100), "{}", describe(&output));
    let stdout = stdout(&output);
    let case = "replay.value_entity.1_value_entity_handle";
    assert!(stdout.contains(&format!("FAIL  {case}")), "{stdout}");
    assert!(
        stdout.contains(
            "value_entity.json stream 1 (/cloudstate.valueentity.ValueEntity/handle), \
             event 2 (user function -> proxy): the message differs from the recorded one"
        ),
        "{stdout}"
    );
    assert!(stdout.contains("-    \"commandId\": \"1\""), "{stdout}");
    assert!(stdout.contains("--- expected"), "{stdout}");

    // Replayed streams are cases like any other: an expected-failures file may name them.
    let dir = tempfile::tempdir().expect("temp dir");
    let expected = dir.path().join("expected.txt");
    std::fs::write(&expected, format!("{case}  numbers replies from 0\n")).expect("write");
    let output = run_tck(&[
        "replay",
        text(&file),
        "--target",
        &address,
        "--expected-failures",
        text(&expected),
    ])
    .await;
    assert_eq!(output.status.code(), Some(0), "{}", describe(&output));
}

/// The two events fixtures/README.md shows for a new value-entity command `id` setting `value`, and the
/// model's reply to it.
fn new_command(entity: &str, id: u32, value: &str) -> [serde_json::Value; 2] {
    [
        json!({"event": "message", "from": "proxy", "message": {"command": {
            "entityId": entity, "id": id.to_string(), "name": "Process",
            "payload": {"@type": "type.googleapis.com/cloudstate.tck.model.valueentity.Request",
                        "id": entity, "actions": [{"update": {"value": value}}]}}}}),
        json!({"event": "message", "from": "user_function", "message": {"reply": {
            "commandId": id.to_string(),
            "clientAction": {"reply": {"payload": {
                "@type": "type.googleapis.com/cloudstate.tck.model.valueentity.Response",
                "message": value}}},
            "stateAction": {"update": {"value": {
                "@type": "type.googleapis.com/cloudstate.tck.model.valueentity.Persisted",
                "value": value}}}}}}),
    ]
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hand_edited_transcript_replays_as_a_new_scenario() {
    let model = ModelServer::start().await;
    let original = std::fs::read_to_string(transcripts_dir().join("value_entity.json"))
        .expect("the committed transcript");
    let mut edited: serde_json::Value = serde_json::from_str(&original).expect("JSON");
    let stream = edited["streams"]
        .as_array_mut()
        .expect("streams")
        .iter_mut()
        .find(|stream| stream["service"] == "cloudstate.valueentity.ValueEntity")
        .expect("the value-entity stream");
    let entity = stream["events"][0]["message"]["init"]["entityId"]
        .as_str()
        .expect("the entity of the init")
        .to_owned();
    let events = stream["events"].as_array_mut().expect("events");
    // After the last reply: the recorded stream ends with the proxy going away.
    let last_reply = events
        .iter()
        .rposition(|event| event["from"] == "user_function")
        .expect("a reply");
    let commands = events.iter().filter(|e| e["from"] == "proxy").count() - 1;
    let next = u32::try_from(commands + 1).expect("a small number");
    for (offset, event) in new_command(&entity, next, "four").into_iter().enumerate() {
        events.insert(last_reply + 1 + offset, event);
    }

    let dir = tempfile::tempdir().expect("temp dir");
    let file = dir.path().join("value_entity_four.json");
    std::fs::write(&file, serde_json::to_string_pretty(&edited).expect("JSON")).expect("write");
    let output = run_tck(&["replay", text(&file), "--target", &model.address]).await;
    assert_eq!(output.status.code(), Some(0), "{}", describe(&output));
    assert!(
        stdout(&output).contains("PASS  replay.value_entity_four.1_value_entity_handle"),
        "{}",
        describe(&output)
    );

    // The new command is checked: the same edit expecting another value fails on it.
    let text_of_file = std::fs::read_to_string(&file).expect("read");
    let wrong = text_of_file.replace("\"message\": \"four\"", "\"message\": \"five\"");
    std::fs::write(&file, wrong).expect("write");
    let output = run_tck(&["replay", text(&file), "--target", &model.address]).await;
    assert_eq!(output.status.code(), Some(100), "{}", describe(&output));
    let event = last_reply + 2;
    assert!(
        stdout(&output).contains(&format!("event {event} (user function -> proxy)")),
        "{}",
        describe(&output)
    );
}

/// Regenerates `fixtures/transcripts/*.json` (or `$TCK_TRANSCRIPTS_DIR/*.json`): the reference proxy in
/// front of the recorder in front of `cloudstate-tck serve-model`, driven by the scenarios.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "regenerates the committed transcripts; run by fixtures/transcripts/record.sh"]
async fn record_fixture_transcripts() {
    let dir = std::env::var_os("TCK_TRANSCRIPTS_DIR").map_or_else(transcripts_dir, PathBuf::from);
    let port = free_port();
    let mut model = Command::new(tck_binary())
        .args(["serve-model", "--port", &port.to_string()])
        .stdout(Stdio::null())
        .spawn()
        .expect("the model starts");
    let model_address = format!("127.0.0.1:{port}");
    let record = |name: &str| dir.join(format!("{name}.json"));

    let session = Session::start(&model_address, &record("value_entity"), None).await;
    scenarios::value_entity(session.channel().await, "replay-ve-1").await;
    session
        .finish("ValueEntityTckModel entity replay-ve-1 through the reference proxy: update to \"one\", update to \"two\", delete; then the proxy stops (the entity stream is cancelled).")
        .await;

    let store = tempfile::tempdir().expect("temp dir");
    let db = store.path().join("proxy.db");
    let mut session = Session::start(&model_address, &record("event_sourced"), Some(&db)).await;
    scenarios::event_sourced(session.channel().await, "replay-es-1", 1, 6).await;
    session.restart_proxy().await;
    scenarios::event_sourced(session.channel().await, "replay-es-1", 7, 1).await;
    session
        .finish("EventSourcedTckModel entity replay-es-1 through the reference proxy on an SQLite store: six commands of one event each (the model snapshots at the fifth event); the proxy restarts (its passivation timeout is 30 s, so a restart stands in for passivation), discovers again and re-opens the entity from the snapshot and the event after it for a seventh command.")
        .await;

    let session = Session::start(&model_address, &record("crdt_vote"), None).await;
    scenarios::crdt_vote(session.channel().await, "Vote-replay-1").await;
    session
        .finish("CrdtTckModel Vote Vote-replay-1 through the reference proxy: a client watches the vote with a streamed command, another votes true, then the watching client cancels its call (StreamCancelled).")
        .await;

    let session = Session::start(&model_address, &record("action_duplex"), None).await;
    scenarios::action_duplex(session.channel().await).await;
    session
        .finish("ActionTckModel.ProcessStreamed (duplex) through the reference proxy: one request whose first group forwards to ActionTwo and whose second asks for an asynchronous side effect and replies; the proxy then calls ActionTwo for the forward and the side effect.")
        .await;

    let session = Session::start(&model_address, &record("eventing"), None).await;
    scenarios::eventing(session.channel().await, "replay-ev-1").await;
    session
        .finish("EventSourcedEntityOne entity replay-ev-1 emits an EventOne through the reference proxy, which delivers it from the event log eventlogeventing-one to EventLogSubscriberModel.ProcessEventOne.")
        .await;

    let _ = model.kill();
    let _ = model.wait();
    for name in [
        "value_entity",
        "event_sourced",
        "crdt_vote",
        "action_duplex",
        "eventing",
    ] {
        Transcript::load(&record(name)).expect("a valid transcript");
    }
}
