//! Metadata in CRDT commands (spec chapter `metadata.md`): a command's metadata is never copied into the
//! reply, the forward or the side effects the user function sends back.

use cloudstate_protocol::cloudstate::crdt::CrdtStreamIn;
use cloudstate_protocol::cloudstate::crdt::crdt_stream_in::Message as In;

use super::support::{MODEL, expect, process};
use crate::case::{Case, Verdict, sdk_case};
use crate::cases::shared::command_metadata::command_metadata;
use crate::messages::crdt::{Expected, effect, forward_to, gset, init};
use crate::sdk::SdkCx;

/// The cases of this file, in run order.
pub(super) const CASES: &[Case] = &[sdk_case! {
    id: "crdt.sdk.command_metadata_is_not_copied",
    summary: "commands that carry text and -bin metadata get a reply, a forward and a side effect without metadata",
    requirements: ["CRDT-031", "CRDT-032", "META-003"],
    services: MODEL,
    run: command_metadata_is_not_copied,
}];

/// `message`, a command, with the TCK's command metadata.
fn with_metadata(mut message: CrdtStreamIn) -> CrdtStreamIn {
    if let Some(In::Command(command)) = message.message.as_mut() {
        command.metadata = Some(command_metadata());
    }
    message
}

async fn command_metadata_is_not_copied(cx: SdkCx) -> Verdict {
    let id = cx.fresh_id("GSet");
    let target = format!("X-{id}");
    let mut stream = cx.crdt();
    stream.send(init(&id, None));
    stream.send(with_metadata(process(&id, 1, vec![effect(&target, false)])));
    let reply = Expected::reply(1, gset(&[])).side_effect(&target, false);
    expect(&mut stream, reply.out()).await?;
    stream.send(with_metadata(process(&id, 2, vec![forward_to(&target)])));
    expect(&mut stream, Expected::forward(2, &target).out()).await?;
    stream.close().await
}
