//! Metadata in event-sourced commands (spec chapter `metadata.md`): a command's metadata is never copied
//! into the reply, the forward or the side effects the user function sends back.

use cloudstate_protocol::cloudstate::eventsourced::EventSourcedStreamIn;
use cloudstate_protocol::cloudstate::eventsourced::event_sourced_stream_in::Message as In;
use cloudstate_protocol::names::model::{EVENT_SOURCED_TCK_MODEL, EVENT_SOURCED_TWO};

use crate::case::{Case, Verdict, sdk_case};
use crate::cases::shared::command_metadata::command_metadata;
use crate::messages::event_sourced::{Expected, effect, emit, forward_to, init, process};
use crate::sdk::SdkCx;

/// The cases of this file, in run order.
pub(super) const CASES: &[Case] = &[sdk_case! {
    id: "event_sourced.sdk.command_metadata_is_not_copied",
    summary: "commands that carry text and -bin metadata get a reply, a forward and a side effect without metadata",
    requirements: ["ES-014", "ES-015", "META-003"],
    services: &[EVENT_SOURCED_TCK_MODEL, EVENT_SOURCED_TWO],
    run: command_metadata_is_not_copied,
}];

/// `message`, a command, with the TCK's command metadata.
fn with_metadata(mut message: EventSourcedStreamIn) -> EventSourcedStreamIn {
    if let Some(In::Command(command)) = message.message.as_mut() {
        command.metadata = Some(command_metadata());
    }
    message
}

async fn command_metadata_is_not_copied(cx: SdkCx) -> Verdict {
    let id = cx.fresh_id("entity");
    let mut stream = cx.event_sourced();
    stream.send(init(EVENT_SOURCED_TCK_MODEL, &id));
    stream.send(with_metadata(process(
        &id,
        1,
        vec![emit("A"), effect(&id, false)],
    )));
    stream
        .expect(
            Expected::reply(1, "A")
                .events(&["A"])
                .side_effect(&id, false)
                .out(),
        )
        .await?;
    stream.send(with_metadata(process(&id, 2, vec![forward_to(&id)])));
    stream.expect(Expected::forward(2, &id).out()).await?;
    stream.close().await
}
