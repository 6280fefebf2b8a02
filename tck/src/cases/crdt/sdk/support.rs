//! Driving a `Crdt.handle` stream as the proxy: the commands the cases send to `CrdtTckModel` entities,
//! comparing what the user function answers with what the TCK expects, and the case every CRDT type
//! shares (the proxy's delete). The messages themselves are built in `crate::messages::crdt`.

use std::time::Duration;

use cloudstate_protocol::cloudstate::crdt::{CrdtStreamIn, CrdtStreamOut};
use cloudstate_protocol::cloudstate::tck::model::crdt::{RequestAction, StreamedRequest};
use cloudstate_protocol::names::model::{CRDT_CONFIGURED, CRDT_TCK_MODEL, CRDT_TWO};

use crate::case::{CaseFailure, Verdict};
use crate::messages::crdt::{deleted, init, normalise_crdt_out, request};
use crate::sdk::{CrdtStream, SdkCx};
use crate::wire::WireMessage as _;

/// The services the CRDT model cases need.
pub(super) const MODEL: &[&str] = &[CRDT_TCK_MODEL, CRDT_TWO];
/// The service the configured-entity case needs.
pub(super) const CONFIGURED: &[&str] = &[CRDT_CONFIGURED];

/// How long a case waits to be sure the target sends nothing more.
pub(super) const SILENCE: Duration = Duration::from_millis(100);

/// Command `command_id` to `CrdtTckModel.Process` with `Request{entity_id, actions}`.
pub(super) fn process(
    entity_id: &str,
    command_id: i64,
    actions: Vec<RequestAction>,
) -> CrdtStreamIn {
    crate::messages::crdt::process(command_id, &request(entity_id, actions))
}

/// Streamed command `command_id` to `CrdtTckModel.ProcessStreamed` with this request, its `id` set to
/// `entity_id`.
pub(super) fn process_streamed(
    entity_id: &str,
    command_id: i64,
    mut request: StreamedRequest,
) -> CrdtStreamIn {
    entity_id.clone_into(&mut request.id);
    crate::messages::crdt::process_streamed(command_id, &request)
}

/// Receives the next message and checks that it equals `expected`, byte for byte except that the
/// elements of set deltas and the keys and entries of map deltas may come in any order.
pub(super) async fn expect(stream: &mut CrdtStream, expected: CrdtStreamOut) -> Verdict {
    let expected = normalise_crdt_out(expected);
    let actual = match stream.recv().await {
        Ok(actual) => normalise_crdt_out(actual),
        Err(mut failure) => {
            if failure.expected.is_none() {
                failure.expected = Some(expected.pretty());
            }
            return Err(failure);
        }
    };
    if actual == expected {
        return Ok(());
    }
    Err(CaseFailure::mismatch(
        format!(
            "{}: the message received differs from the one expected (set and map elements sorted)",
            stream.label()
        ),
        expected.pretty(),
        actual.pretty(),
    ))
}

/// Case "delete action sent to entity", for an entity of `crdt_type`: after the proxy's delete, the user
/// function sends nothing and ends the stream when the proxy half-closes it.
pub(super) async fn delete_sent_to_entity(cx: SdkCx, crdt_type: &str) -> Verdict {
    let id = cx.fresh_id(crdt_type);
    let mut stream = cx.crdt();
    stream.send(init(&id, None));
    stream.send(deleted());
    stream.expect_silence(SILENCE).await?;
    stream.close().await
}
