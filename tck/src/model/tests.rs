//! End-to-end tests of the model over a real socket.

use std::future::Future;
use std::net::SocketAddr;
use std::time::Duration;

use cloudstate_protocol::cloudstate::action::ActionCommand;
use cloudstate_protocol::cloudstate::action::action_protocol_client::ActionProtocolClient;
use cloudstate_protocol::cloudstate::action::action_response::Response as ActionOutcome;
use cloudstate_protocol::cloudstate::entity_discovery_client::EntityDiscoveryClient;
use cloudstate_protocol::cloudstate::eventsourced::event_sourced_client::EventSourcedClient;
use cloudstate_protocol::cloudstate::eventsourced::event_sourced_stream_in::Message as EsIn;
use cloudstate_protocol::cloudstate::eventsourced::event_sourced_stream_out::Message as EsOut;
use cloudstate_protocol::cloudstate::eventsourced::{
    EventSourcedEvent, EventSourcedInit, EventSourcedReply, EventSourcedSnapshot,
    EventSourcedStreamIn,
};
use cloudstate_protocol::cloudstate::tck::model::{self as es, action as act};
use cloudstate_protocol::cloudstate::{ClientAction, Command, ProxyInfo, Reply, client_action};
use cloudstate_protocol::names::model;
use tokio::net::TcpListener;
use tokio::sync::{mpsc, oneshot};
use tokio::task::JoinHandle;
use tokio::time::timeout;
use tokio_stream::wrappers::ReceiverStream;
use tonic::transport::Channel;

use super::event_sourced::EventSourcedSession;
use super::payload::pack;
use super::server::Session;
use super::{ModelOptions, entity_spec, serve_model};

const DEADLINE: Duration = Duration::from_secs(5);

async fn within<T>(future: impl Future<Output = T>) -> T {
    timeout(DEADLINE, future).await.expect("timed out")
}

struct Running {
    addr: SocketAddr,
    stop: oneshot::Sender<()>,
    task: JoinHandle<Result<(), tonic::transport::Error>>,
}

async fn start() -> Running {
    let listener = within(TcpListener::bind("127.0.0.1:0"))
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("local address");
    let (stop, stopped) = oneshot::channel::<()>();
    let shutdown = async move {
        let _ = stopped.await;
    };
    let task = tokio::spawn(serve_model(listener, ModelOptions::default(), shutdown));
    Running { addr, stop, task }
}

async fn connect(addr: SocketAddr) -> Channel {
    let endpoint = Channel::from_shared(format!("http://{addr}")).expect("endpoint");
    within(endpoint.connect()).await.expect("connect")
}

async fn stop(running: Running) {
    let _ = running.stop.send(());
    let served = within(running.task).await.expect("server task");
    assert!(served.is_ok(), "server failed: {served:?}");
}

#[tokio::test]
async fn discover_and_a_short_event_sourced_exchange() {
    let running = start().await;
    let channel = connect(running.addr).await;

    let mut discovery = EntityDiscoveryClient::new(channel.clone());
    for _ in 0..2 {
        let spec = within(discovery.discover(ProxyInfo::default()))
            .await
            .expect("discover")
            .into_inner();
        assert_eq!(spec, entity_spec());
    }

    let (send, receive) = mpsc::channel::<EventSourcedStreamIn>(8);
    let mut client = EventSourcedClient::new(channel);
    let mut replies = within(client.handle(ReceiverStream::new(receive)))
        .await
        .expect("handle")
        .into_inner();
    let init = EventSourcedInit {
        service_name: model::EVENT_SOURCED_TCK_MODEL.into(),
        entity_id: "entity-1".into(),
        snapshot: None,
    };
    let request = es::Request {
        id: "entity-1".into(),
        actions: vec![es::RequestAction {
            action: Some(es::request_action::Action::Emit(es::Emit {
                value: "A".into(),
            })),
        }],
    };
    let command = Command {
        entity_id: "entity-1".into(),
        id: 1,
        name: "Process".into(),
        payload: Some(pack(&request)),
        ..Command::default()
    };
    for message in [EsIn::Init(init), EsIn::Command(command)] {
        within(send.send(EventSourcedStreamIn {
            message: Some(message),
        }))
        .await
        .expect("send");
    }
    let reply = within(replies.message())
        .await
        .expect("reply")
        .expect("a message");
    let expected = EventSourcedReply {
        command_id: 1,
        client_action: Some(ClientAction {
            action: Some(client_action::Action::Reply(Reply {
                payload: Some(pack(&es::Response {
                    message: "A".into(),
                })),
                metadata: None,
            })),
        }),
        side_effects: Vec::new(),
        events: vec![pack(&es::Persisted { value: "A".into() })],
        snapshot: None,
    };
    assert_eq!(reply.message, Some(EsOut::Reply(expected)));
    drop(send);
    let end = within(replies.message()).await.expect("clean end");
    assert_eq!(end, None);

    stop(running).await;
}

#[tokio::test]
async fn unary_action_and_unknown_command() {
    let running = start().await;
    let mut client = ActionProtocolClient::new(connect(running.addr).await);
    let request = act::Request {
        groups: vec![act::ProcessGroup {
            steps: vec![act::ProcessStep {
                step: Some(act::process_step::Step::Reply(act::Reply {
                    message: "one".into(),
                })),
            }],
        }],
    };
    let command = ActionCommand {
        service_name: model::ACTION_TCK_MODEL.into(),
        name: "ProcessUnary".into(),
        payload: Some(pack(&request)),
        metadata: None,
    };
    let response = within(client.handle_unary(command.clone()))
        .await
        .expect("handleUnary")
        .into_inner();
    let expected = Reply {
        payload: Some(pack(&act::Response {
            message: "one".into(),
        })),
        metadata: None,
    };
    assert_eq!(response.response, Some(ActionOutcome::Reply(expected)));
    assert!(response.side_effects.is_empty());

    let unknown = ActionCommand {
        name: "Nope".into(),
        ..command
    };
    let status = within(client.handle_unary(unknown))
        .await
        .expect_err("unknown command");
    assert_eq!(status.code(), tonic::Code::NotFound);

    stop(running).await;
}

/// Replays a snapshot and an event, then checks the state they give and that the snapshot interval counts
/// replayed events; a second init ends the stream with a top-level failure.
#[test]
fn event_sourced_replay_then_commands() {
    let mut session = EventSourcedSession::default();
    let mut send = |message: EsIn| {
        session.on_message(EventSourcedStreamIn {
            message: Some(message),
        })
    };
    let persisted = |value: &str| {
        Some(pack(&es::Persisted {
            value: value.into(),
        }))
    };
    let init = EventSourcedInit {
        service_name: model::EVENT_SOURCED_TCK_MODEL.into(),
        entity_id: "entity-1".into(),
        snapshot: Some(EventSourcedSnapshot {
            snapshot_sequence: 3,
            snapshot: persisted("ABC"),
        }),
    };
    assert!(send(EsIn::Init(init.clone())).out.is_empty());
    let event = EventSourcedEvent {
        sequence: 4,
        payload: persisted("D"),
    };
    assert!(send(EsIn::Event(event)).out.is_empty());
    let emit = es::RequestAction {
        action: Some(es::request_action::Action::Emit(es::Emit {
            value: "E".into(),
        })),
    };
    let request = es::Request {
        id: "entity-1".into(),
        actions: vec![emit],
    };
    let command = Command {
        id: 1,
        name: "Process".into(),
        payload: Some(pack(&request)),
        ..Command::default()
    };
    let reaction = send(EsIn::Command(command));
    assert!(!reaction.end);
    let Some(Ok(out)) = reaction.out.into_iter().next() else {
        panic!("no reply")
    };
    let Some(EsOut::Reply(reply)) = out.message else {
        panic!("not a reply: {out:?}")
    };
    assert_eq!(
        reply.events,
        vec![pack(&es::Persisted { value: "E".into() })]
    );
    assert_eq!(reply.snapshot, persisted("ABCDE"));
    let again = send(EsIn::Init(init));
    assert!(again.end);
    assert!(
        matches!(again.out.first(), Some(Ok(o)) if matches!(o.message, Some(EsOut::Failure(_))))
    );
}
