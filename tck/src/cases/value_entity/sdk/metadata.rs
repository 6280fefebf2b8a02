//! Metadata in value-entity commands (spec chapter `metadata.md`): a command's metadata is never copied
//! into the reply, forward or side effects (`ValueEntityTckModel`), reaches the user code, and metadata
//! the user code attaches leaves with its reply, forward or side effect (the metadata model's
//! `MetadataTckModelEntity`, skipped for a model program that does not serve it).

use cloudstate_protocol::cloudstate::tck::model::metadata::{MetadataEntry, MetadataRequest};
use cloudstate_protocol::cloudstate::valueentity::value_entity_stream_in::Message as In;
use cloudstate_protocol::cloudstate::valueentity::value_entity_stream_out::Message as Out;
use cloudstate_protocol::cloudstate::valueentity::{
    ValueEntityReply, ValueEntityStreamIn, ValueEntityStreamOut,
};
use cloudstate_protocol::cloudstate::{
    ClientAction, Command, Forward, Metadata, Reply, SideEffect, client_action,
};
use cloudstate_protocol::names::model::{
    METADATA_TCK_MODEL_ACTION, METADATA_TCK_MODEL_ENTITY, VALUE_ENTITY_TCK_MODEL, VALUE_ENTITY_TWO,
};

use super::support::{Expected, effect, forward_to, init, process, update};
use crate::case::{Case, Verdict, sdk_case};
use crate::cases::shared::command_metadata::{
    PROCESS, as_entries, as_metadata, command_metadata, expect_in_any_order, packed, seen,
    sorted_entity, to_attach,
};
use crate::messages::value_entity;
use crate::sdk::SdkCx;

/// The cases of this file, in run order.
pub(super) const CASES: &[Case] = &[
    sdk_case! {
        id: "value_entity.sdk.command_metadata_is_not_copied",
        summary: "commands that carry text and -bin metadata get a reply, a forward and a side effect without metadata",
        requirements: ["VE-011", "VE-012", "META-003"],
        services: &[VALUE_ENTITY_TCK_MODEL, VALUE_ENTITY_TWO],
        run: command_metadata_is_not_copied,
    },
    sdk_case! {
        id: "value_entity.sdk.command_metadata_reaches_user_code",
        summary: "the user code of a value entity gets every entry of each command's metadata, text and -bin",
        requirements: ["META-001", "META-004"],
        services: &[METADATA_TCK_MODEL_ENTITY],
        run: command_metadata_reaches_user_code,
    },
    sdk_case! {
        id: "value_entity.sdk.attached_metadata_is_sent",
        summary: "metadata a value entity's user code attaches to a reply, a forward and a side effect is in each one's own metadata",
        requirements: ["META-002", "META-003", "META-004"],
        services: &[METADATA_TCK_MODEL_ENTITY, METADATA_TCK_MODEL_ACTION],
        run: attached_metadata_is_sent,
    },
];

/// `message`, a command, with the TCK's command metadata.
fn with_metadata(mut message: ValueEntityStreamIn) -> ValueEntityStreamIn {
    if let Some(In::Command(command)) = message.message.as_mut() {
        command.metadata = Some(command_metadata());
    }
    message
}

async fn command_metadata_is_not_copied(cx: SdkCx) -> Verdict {
    let id = cx.fresh_id("entity");
    let mut stream = cx.value_entity();
    stream.send(init(&id));
    stream.send(with_metadata(process(
        &id,
        1,
        vec![update("X"), effect(&id, false)],
    )));
    stream
        .expect(
            Expected::reply(1, "X")
                .update("X")
                .side_effect(&id, false)
                .out(),
        )
        .await?;
    stream.send(with_metadata(process(&id, 2, vec![forward_to(&id)])));
    stream.expect(Expected::forward(2, &id).out()).await?;
    stream.close().await
}

/// Command `command_id` to `MetadataTckModelEntity.Process` with `request` and `metadata`.
fn metadata_command(
    command_id: i64,
    request: &MetadataRequest,
    metadata: Option<Metadata>,
) -> ValueEntityStreamIn {
    ValueEntityStreamIn {
        message: Some(In::Command(Command {
            entity_id: request.id.clone(),
            id: command_id,
            name: PROCESS.to_owned(),
            payload: Some(packed(request)),
            streamed: false,
            metadata,
        })),
    }
}

/// The reply to `command_id` with `action` and `side_effects`, and no state action.
fn replied(
    command_id: i64,
    action: client_action::Action,
    side_effects: Vec<SideEffect>,
) -> ValueEntityStreamOut {
    ValueEntityStreamOut {
        message: Some(Out::Reply(ValueEntityReply {
            command_id,
            client_action: Some(ClientAction {
                action: Some(action),
            }),
            side_effects,
            state_action: None,
        })),
    }
}

/// A reply stream message with every metadata's entries in one order.
fn sorted(message: &mut ValueEntityStreamOut) {
    if let Some(Out::Reply(reply)) = message.message.as_mut() {
        sorted_entity(reply.client_action.as_mut(), &mut reply.side_effects);
    }
}

fn reply_seeing(
    seen_entries: Vec<MetadataEntry>,
    attached: &[MetadataEntry],
) -> client_action::Action {
    client_action::Action::Reply(Reply {
        payload: Some(seen(seen_entries)),
        metadata: (!attached.is_empty()).then(|| as_metadata(attached)),
    })
}

async fn command_metadata_reaches_user_code(cx: SdkCx) -> Verdict {
    let id = cx.fresh_id("metadata");
    let request = MetadataRequest {
        id: id.clone(),
        ..MetadataRequest::default()
    };
    let sent = command_metadata();
    let mut stream = cx.value_entity();
    stream.send(value_entity::init(METADATA_TCK_MODEL_ENTITY, &id, None));
    stream.send(metadata_command(1, &request, Some(sent.clone())));
    let expected = replied(1, reply_seeing(as_entries(&sent), &[]), Vec::new());
    expect_in_any_order(&mut stream, expected, sorted).await?;
    stream.send(metadata_command(2, &request, None));
    let expected = replied(2, reply_seeing(Vec::new(), &[]), Vec::new());
    expect_in_any_order(&mut stream, expected, sorted).await?;
    stream.close().await
}

async fn attached_metadata_is_sent(cx: SdkCx) -> Verdict {
    let id = cx.fresh_id("metadata");
    let (on_reply, on_forward, on_effect) = (
        to_attach("reply"),
        to_attach("forward"),
        to_attach("effect"),
    );
    let mut stream = cx.value_entity();
    stream.send(value_entity::init(METADATA_TCK_MODEL_ENTITY, &id, None));
    let replying = MetadataRequest {
        id: id.clone(),
        metadata: on_reply.clone(),
        ..MetadataRequest::default()
    };
    stream.send(metadata_command(1, &replying, None));
    let expected = replied(1, reply_seeing(Vec::new(), &on_reply), Vec::new());
    expect_in_any_order(&mut stream, expected, sorted).await?;
    let forwarding = MetadataRequest {
        id: id.clone(),
        forward: true,
        metadata: on_forward.clone(),
        effect: true,
        effect_metadata: on_effect.clone(),
    };
    stream.send(metadata_command(2, &forwarding, Some(command_metadata())));
    let target = packed(&MetadataRequest {
        id,
        ..MetadataRequest::default()
    });
    let forward = client_action::Action::Forward(Forward {
        service_name: METADATA_TCK_MODEL_ACTION.to_owned(),
        command_name: PROCESS.to_owned(),
        payload: Some(target.clone()),
        metadata: Some(as_metadata(&on_forward)),
    });
    let effect = SideEffect {
        service_name: METADATA_TCK_MODEL_ACTION.to_owned(),
        command_name: PROCESS.to_owned(),
        payload: Some(target),
        synchronous: false,
        metadata: Some(as_metadata(&on_effect)),
    };
    expect_in_any_order(&mut stream, replied(2, forward, vec![effect]), sorted).await?;
    stream.close().await
}
