//! Event-sourced entities at the edges: the second and configured services, whose `Call` other cases only
//! name as a target; a half-close that arrives while a command is in flight; and a snapshot followed by a
//! long replay of 10,000 events.

use cloudstate_protocol::names::model::{
    EVENT_SOURCED_CONFIGURED, EVENT_SOURCED_TCK_MODEL, EVENT_SOURCED_TWO,
};

use crate::case::{Case, Verdict, sdk_case};
use crate::messages::event_sourced::{
    CALL, Expected, command_in, emits, event_in, init, init_snapshot, process, request,
};
use crate::sdk::SdkCx;

/// The cases of this file, in run order.
pub(super) const CASES: &[Case] = &[
    sdk_case! {
        id: "event_sourced.sdk.second_and_configured_services",
        summary: "Call of EventSourcedTwo and EventSourcedConfigured answers an empty Response and emits nothing",
        requirements: ["ES-007", "ES-008", "ES-036"],
        services: &[EVENT_SOURCED_TWO, EVENT_SOURCED_CONFIGURED],
        run: second_and_configured_services,
    },
    sdk_case! {
        id: "event_sourced.sdk.half_close_with_command_in_flight",
        summary: "a stream half-closed right after a command answers that command before it ends",
        requirements: ["ES-008", "ES-022"],
        services: &[EVENT_SOURCED_TCK_MODEL, EVENT_SOURCED_TWO],
        run: half_close_with_command_in_flight,
    },
    sdk_case! {
        id: "event_sourced.sdk.long_replay_after_snapshot",
        summary: "a snapshot and 10,000 replayed events rebuild the state the first command reads",
        requirements: ["ES-005", "ES-006", "ES-037"],
        services: &[EVENT_SOURCED_TCK_MODEL, EVENT_SOURCED_TWO],
        run: long_replay_after_snapshot,
    },
];

/// How many events the long replay sends after the snapshot.
const REPLAYED: i64 = 10_000;
/// The sequence number of the snapshot the long replay starts from.
const SNAPSHOT_SEQUENCE: i64 = 10;

/// On each of the two services, `Call` answers an empty `Response` with no events and no snapshot, even
/// when its request asks for six events (more than a snapshot interval).
pub(super) async fn second_and_configured_services(cx: SdkCx) -> Verdict {
    for service in [EVENT_SOURCED_TWO, EVENT_SOURCED_CONFIGURED] {
        let id = cx.fresh_id("entity");
        let mut stream = cx.event_sourced();
        stream.send(init(service, &id));
        let asks = request(&id, emits(&["A", "B", "C", "D", "E", "F"]));
        stream.send(command_in(1, CALL, &asks));
        stream.expect(Expected::reply(1, "").out()).await?;
        stream.send(command_in(2, CALL, &request(&id, vec![])));
        stream.expect(Expected::reply(2, "").out()).await?;
        stream.close().await?;
    }
    Ok(())
}

/// The proxy half-closes at once after the init and a command: the reply still comes, then the end.
pub(super) async fn half_close_with_command_in_flight(cx: SdkCx) -> Verdict {
    let id = cx.fresh_id("entity");
    let mut stream = cx.event_sourced();
    stream.send(init(EVENT_SOURCED_TCK_MODEL, &id));
    stream.send(process(&id, 1, emits(&["A"])));
    stream.half_close();
    stream
        .expect(Expected::reply(1, "A").events(&["A"]).out())
        .await?;
    stream.expect_end().await
}

/// The value of the replayed event at `sequence`: one letter, cycling through the alphabet, so that a
/// dropped, repeated or reordered event changes the state.
fn replayed_value(sequence: i64) -> String {
    let letters = b"abcdefghijklmnopqrstuvwxyz";
    let index = usize::try_from(sequence).unwrap_or_default() % letters.len();
    char::from(letters[index]).to_string()
}

/// An init with the snapshot `S` at sequence 10, then 10,000 events (11 to 10,010): the first command,
/// which emits nothing, reads the snapshot followed by every event's letter, in order.
pub(super) async fn long_replay_after_snapshot(cx: SdkCx) -> Verdict {
    let id = cx.fresh_id("entity");
    let mut stream = cx.event_sourced();
    stream.send(init_snapshot(
        EVENT_SOURCED_TCK_MODEL,
        &id,
        SNAPSHOT_SEQUENCE,
        "S",
    ));
    let sequences = SNAPSHOT_SEQUENCE + 1..=SNAPSHOT_SEQUENCE + REPLAYED;
    let mut expected = String::from("S");
    for sequence in sequences.clone() {
        expected.push_str(&replayed_value(sequence));
    }
    stream.send_all(
        sequences.map(|sequence| event_in(sequence, &replayed_value(sequence))),
        &format!(
            "{REPLAYED} replayed events, sequence {} to {}, each Persisted{{value}} of one letter \
             cycling through the alphabet",
            SNAPSHOT_SEQUENCE + 1,
            SNAPSHOT_SEQUENCE + REPLAYED
        ),
    );
    stream.send(process(&id, 1, vec![]));
    stream
        .expect(Expected::reply(1, &expected).out())
        .await
        .map_err(|mut failure| {
            failure.message = format!(
                "{} (sent the snapshot \"S\" at sequence {SNAPSHOT_SEQUENCE} and {REPLAYED} events, \
                 then a command that emits nothing; its reply must show the snapshot and every event \
                 in order, ES-006, ES-037)",
                failure.message
            );
            failure
        })?;
    stream.close().await
}
