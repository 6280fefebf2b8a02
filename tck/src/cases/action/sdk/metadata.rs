//! Metadata in action calls (spec chapter `metadata.md`): a command's metadata reaches the user code and
//! is never copied into what it answers, and metadata the user code attaches to a reply, a forward or a
//! side effect leaves with it. The first two cases drive `ActionTckModel`; the others the metadata model's
//! `MetadataTckModelAction`, and are skipped for a model program that does not serve it.

use cloudstate_protocol::cloudstate::action::action_response::Response as Outcome;
use cloudstate_protocol::cloudstate::action::{ActionCommand, ActionResponse};
use cloudstate_protocol::cloudstate::tck::model::metadata::{MetadataEntry, MetadataRequest};
use cloudstate_protocol::cloudstate::{Forward, Metadata, Reply, SideEffect};
use cloudstate_protocol::names::model::{ACTION_TCK_MODEL, ACTION_TWO, METADATA_TCK_MODEL_ACTION};

use crate::case::{Case, Verdict, sdk_case};
use crate::cases::shared::command_metadata::{
    PROCESS, PROCESS_STREAMED_OUT, as_entries, as_metadata, command_metadata, expect_in_any_order,
    packed, seen, sorted_action, to_attach,
};
use crate::messages::action::{
    effect, effects, forward, forwarded, full_command, group, process_unary, replied, reply,
    request, single,
};
use crate::sdk::SdkCx;

/// The cases of this file, in run order.
pub(super) const CASES: &[Case] = &[
    sdk_case! {
        id: "action.sdk.command_metadata_is_not_copied",
        summary: "unary commands that carry text and -bin metadata get a reply, a forward and side effects without metadata",
        requirements: ["ACT-013", "META-003"],
        services: &[ACTION_TCK_MODEL, ACTION_TWO],
        run: command_metadata_is_not_copied,
    },
    sdk_case! {
        id: "action.sdk.streamed_command_metadata_is_not_copied",
        summary: "a streamed-out command that carries metadata gets streamed replies, forwards and side effects without metadata",
        requirements: ["ACT-013", "META-003"],
        services: &[ACTION_TCK_MODEL, ACTION_TWO],
        run: streamed_command_metadata_is_not_copied,
    },
    sdk_case! {
        id: "action.sdk.command_metadata_reaches_user_code",
        summary: "the user code of a unary action gets every entry of its command's metadata, text and -bin",
        requirements: ["META-001", "META-004"],
        services: &[METADATA_TCK_MODEL_ACTION],
        run: command_metadata_reaches_user_code,
    },
    sdk_case! {
        id: "action.sdk.reply_metadata_is_sent",
        summary: "metadata the user code attaches to a unary reply is in the reply's metadata, text and -bin",
        requirements: ["META-002", "META-004"],
        services: &[METADATA_TCK_MODEL_ACTION],
        run: reply_metadata_is_sent,
    },
    sdk_case! {
        id: "action.sdk.forward_and_side_effect_metadata_are_sent",
        summary: "metadata the user code attaches to a forward and to a side effect is in each one's own metadata",
        requirements: ["META-002", "META-003", "META-004"],
        services: &[METADATA_TCK_MODEL_ACTION],
        run: forward_and_side_effect_metadata_are_sent,
    },
    sdk_case! {
        id: "action.sdk.streamed_out_metadata_both_ways",
        summary: "a streamed-out call's metadata reaches the user code, and every streamed reply carries the metadata it attaches",
        requirements: ["META-001", "META-002", "META-004"],
        services: &[METADATA_TCK_MODEL_ACTION],
        run: streamed_out_metadata_both_ways,
    },
];

/// `command` with the TCK's command metadata.
fn with_metadata(mut command: ActionCommand) -> ActionCommand {
    command.metadata = Some(command_metadata());
    command
}

async fn command_metadata_is_not_copied(cx: SdkCx) -> Verdict {
    let replying = single([reply("one"), effect("other")]);
    let mut call = cx.action_unary(with_metadata(process_unary(&replying)));
    call.expect(replied("one", effects(["other"]))).await?;
    call.expect_end().await?;
    let forwarding = single([forward("two"), effect("another")]);
    let mut call = cx.action_unary(with_metadata(process_unary(&forwarding)));
    call.expect(forwarded("two", effects(["another"]))).await?;
    call.expect_end().await
}

async fn streamed_command_metadata_is_not_copied(cx: SdkCx) -> Verdict {
    let groups = request([
        group([reply("one"), effect("a")]),
        group([forward("two"), effect("b")]),
    ]);
    let command = with_metadata(full_command(PROCESS_STREAMED_OUT, &groups));
    let mut call = cx.action_streamed_out(command);
    call.expect(replied("one", effects(["a"]))).await?;
    call.expect(forwarded("two", effects(["b"]))).await?;
    call.expect_end().await
}

/// A command of `MetadataTckModelAction.<method>` with `request` and `metadata`.
fn metadata_command(
    method: &str,
    request: &MetadataRequest,
    metadata: Option<Metadata>,
) -> ActionCommand {
    ActionCommand {
        service_name: METADATA_TCK_MODEL_ACTION.to_owned(),
        name: method.to_owned(),
        payload: Some(packed(request)),
        metadata,
    }
}

/// The reply `MetadataResponse{seen}` carrying `attached` (no metadata when empty).
fn reply_seeing(seen_entries: Vec<MetadataEntry>, attached: &[MetadataEntry]) -> ActionResponse {
    ActionResponse {
        response: Some(Outcome::Reply(Reply {
            payload: Some(seen(seen_entries)),
            metadata: (!attached.is_empty()).then(|| as_metadata(attached)),
        })),
        side_effects: Vec::new(),
    }
}

async fn command_metadata_reaches_user_code(cx: SdkCx) -> Verdict {
    let sent = command_metadata();
    let command = metadata_command(PROCESS, &MetadataRequest::default(), Some(sent.clone()));
    let mut call = cx.action_unary(command);
    let expected = reply_seeing(as_entries(&sent), &[]);
    expect_in_any_order(&mut call, expected, sorted_action).await?;
    call.expect_end().await
}

async fn reply_metadata_is_sent(cx: SdkCx) -> Verdict {
    let attached = to_attach("reply");
    let request = MetadataRequest {
        metadata: attached.clone(),
        ..MetadataRequest::default()
    };
    let mut call = cx.action_unary(metadata_command(PROCESS, &request, None));
    let expected = reply_seeing(Vec::new(), &attached);
    expect_in_any_order(&mut call, expected, sorted_action).await?;
    call.expect_end().await
}

async fn forward_and_side_effect_metadata_are_sent(cx: SdkCx) -> Verdict {
    let (on_forward, on_effect) = (to_attach("forward"), to_attach("effect"));
    let id = cx.fresh_id("metadata");
    let request = MetadataRequest {
        id: id.clone(),
        forward: true,
        metadata: on_forward.clone(),
        effect: true,
        effect_metadata: on_effect.clone(),
    };
    let command = metadata_command(PROCESS, &request, Some(command_metadata()));
    let mut call = cx.action_unary(command);
    let target = packed(&MetadataRequest {
        id,
        ..MetadataRequest::default()
    });
    let expected = ActionResponse {
        response: Some(Outcome::Forward(Forward {
            service_name: METADATA_TCK_MODEL_ACTION.to_owned(),
            command_name: PROCESS.to_owned(),
            payload: Some(target.clone()),
            metadata: Some(as_metadata(&on_forward)),
        })),
        side_effects: vec![SideEffect {
            service_name: METADATA_TCK_MODEL_ACTION.to_owned(),
            command_name: PROCESS.to_owned(),
            payload: Some(target),
            synchronous: false,
            metadata: Some(as_metadata(&on_effect)),
        }],
    };
    expect_in_any_order(&mut call, expected, sorted_action).await?;
    call.expect_end().await
}

async fn streamed_out_metadata_both_ways(cx: SdkCx) -> Verdict {
    let sent = command_metadata();
    let attached = to_attach("reply");
    let request = MetadataRequest {
        metadata: attached.clone(),
        ..MetadataRequest::default()
    };
    let command = metadata_command(PROCESS_STREAMED_OUT, &request, Some(sent.clone()));
    let mut call = cx.action_streamed_out(command);
    for _ in 0..2 {
        let expected = reply_seeing(as_entries(&sent), &attached);
        expect_in_any_order(&mut call, expected, sorted_action).await?;
    }
    call.expect_end().await
}
