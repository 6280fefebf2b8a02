//! Recording sessions (the `record` binary between the reference proxy and a user function) and the
//! client calls that the tests and the committed transcripts drive through the proxy.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use cloudstate_protocol::cloudstate::tck::model::action::action_tck_model_client::ActionTckModelClient;
use cloudstate_protocol::cloudstate::tck::model::action::{
    self as action, ProcessGroup, ProcessStep, process_step,
};
use cloudstate_protocol::cloudstate::tck::model::crdt::crdt_tck_model_client::CrdtTckModelClient;
use cloudstate_protocol::cloudstate::tck::model::crdt::{
    self as crdt, RequestAction, StreamedRequest, VoteUpdate, request_action, update,
};
use cloudstate_protocol::cloudstate::tck::model::event_sourced_tck_model_client::EventSourcedTckModelClient;
use cloudstate_protocol::cloudstate::tck::model::eventlogeventing::event_sourced_entity_one_client::EventSourcedEntityOneClient;
use cloudstate_protocol::cloudstate::tck::model::eventlogeventing::{
    self as eventing, EmitEventRequest, EventOne, emit_event_request,
};
use cloudstate_protocol::cloudstate::tck::model::valueentity::value_entity_tck_model_client::ValueEntityTckModelClient;
use cloudstate_protocol::cloudstate::tck::model::valueentity::{self as value, request_action as ve};
use cloudstate_protocol::cloudstate::tck::model::{self as es, request_action as es_action};
use cloudstate_tck::Transcript;
use tonic::transport::Channel;

use crate::support::tck_binary;

/// A free loopback port.
pub(crate) fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .expect("a free port")
        .port()
}

/// The recorder in front of a user function, and the reference proxy in front of the recorder.
pub(crate) struct Session {
    recorder: Child,
    proxy: Option<Child>,
    recorder_port: u16,
    proxy_port: u16,
    store: Option<PathBuf>,
    out: PathBuf,
}

impl Session {
    /// Starts recording into `out` in front of `user_function`, then a reference proxy (on an SQLite
    /// store when one is given, so that state survives a proxy restart).
    pub(crate) async fn start(user_function: &str, out: &Path, store: Option<&Path>) -> Session {
        let recorder_port = free_port();
        let recorder = Command::new(tck_binary())
            .args(["record", "--listen", &format!("127.0.0.1:{recorder_port}")])
            .args(["--upstream", user_function, "--out"])
            .arg(out)
            .stdout(Stdio::null())
            .spawn()
            .expect("the recorder starts");
        let mut session = Session {
            recorder,
            proxy: None,
            recorder_port,
            proxy_port: free_port(),
            store: store.map(Path::to_path_buf),
            out: out.to_path_buf(),
        };
        wait_for(&format!("127.0.0.1:{recorder_port}"), false).await;
        session.start_proxy().await;
        session
    }

    async fn start_proxy(&mut self) {
        let mut command = Command::new(Path::new(tck_binary()).with_file_name("reference-proxy"));
        command
            .env("HTTP_PORT", self.proxy_port.to_string())
            .env("USER_FUNCTION_HOST", "127.0.0.1")
            .env("USER_FUNCTION_PORT", self.recorder_port.to_string())
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        if let Some(store) = &self.store {
            command
                .arg("--store")
                .arg(format!("sqlite:{}", store.display()));
        }
        self.proxy = Some(command.spawn().expect("the reference proxy starts"));
        wait_for(&self.proxy_address(), true).await;
    }

    fn proxy_address(&self) -> String {
        format!("127.0.0.1:{}", self.proxy_port)
    }

    /// A channel to the proxy, for clients.
    pub(crate) async fn channel(&self) -> Channel {
        Channel::from_shared(format!("http://{}", self.proxy_address()))
            .expect("a URI")
            .connect()
            .await
            .expect("the proxy accepts connections")
    }

    /// Stops the proxy and starts it again on the same port and store.
    pub(crate) async fn restart_proxy(&mut self) {
        if let Some(proxy) = self.proxy.take() {
            stop(proxy).await;
        }
        self.start_proxy().await;
    }

    /// Stops the proxy, then the recorder, and returns the transcript it wrote, with `comment` added.
    pub(crate) async fn finish(mut self, comment: &str) -> Transcript {
        if let Some(proxy) = self.proxy.take() {
            stop(proxy).await;
        }
        let recorder = std::mem::replace(
            &mut self.recorder,
            Command::new("true").spawn().expect("a placeholder"),
        );
        stop(recorder).await;
        let mut transcript = Transcript::load(&self.out).expect("the recorder wrote a transcript");
        transcript.comment = Some(comment.to_owned());
        transcript
            .save(&self.out)
            .expect("the transcript is written back");
        transcript
    }
}

impl Drop for Session {
    fn drop(&mut self) {
        let _ = self.recorder.kill();
        if let Some(proxy) = self.proxy.as_mut() {
            let _ = proxy.kill();
        }
    }
}

/// Sends SIGTERM and waits for the process to exit.
async fn stop(mut child: Child) {
    let pid = nix::unistd::Pid::from_raw(i32::try_from(child.id()).expect("a pid"));
    let _ = nix::sys::signal::kill(pid, nix::sys::signal::Signal::SIGTERM);
    for _ in 0..200 {
        if child.try_wait().expect("waitable").is_some() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let _ = child.kill();
    panic!("process {} did not stop on SIGTERM", child.id());
}

/// Waits until `address` accepts connections (and, for the proxy, answers `GET /ready` with 200).
async fn wait_for(address: &str, ready: bool) {
    for _ in 0..400 {
        let up = if ready {
            cloudstate_tck::http_get(address, "/ready")
                .await
                .is_ok_and(|response| response.status == 200)
        } else {
            tokio::net::TcpStream::connect(address).await.is_ok()
        };
        if up {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("{address} did not come up");
}

/// A value entity through an update, another update and a delete.
pub(crate) async fn value_entity(channel: Channel, id: &str) {
    let mut client = ValueEntityTckModelClient::new(channel);
    let actions = [
        ve::Action::Update(value::Update {
            value: "one".into(),
        }),
        ve::Action::Update(value::Update {
            value: "two".into(),
        }),
        ve::Action::Delete(value::Delete {}),
    ];
    for action in actions {
        let request = value::Request {
            id: id.to_owned(),
            actions: vec![value::RequestAction {
                action: Some(action),
            }],
        };
        client
            .process(request)
            .await
            .expect("the value entity answers");
    }
}

/// `count` commands of one event each, on the event-sourced model entity `id`, from event `first`.
pub(crate) async fn event_sourced(channel: Channel, id: &str, first: usize, count: usize) {
    let mut client = EventSourcedTckModelClient::new(channel);
    for n in first..first + count {
        let emit = es_action::Action::Emit(es::Emit {
            value: format!("{n};"),
        });
        let request = es::Request {
            id: id.to_owned(),
            actions: vec![es::RequestAction { action: Some(emit) }],
        };
        client
            .process(request)
            .await
            .expect("the event-sourced entity answers");
    }
}

/// A Vote: a client watches it with a streamed command while another votes, then cancels its call.
pub(crate) async fn crdt_vote(channel: Channel, id: &str) {
    let mut client = CrdtTckModelClient::new(channel);
    let watch = StreamedRequest {
        id: id.to_owned(),
        ..StreamedRequest::default()
    };
    let mut watching = client
        .process_streamed(watch)
        .await
        .expect("the call opens")
        .into_inner();
    watching
        .message()
        .await
        .expect("a first state")
        .expect("a message");
    let vote = update::Update::Vote(VoteUpdate { self_vote: true });
    let request = crdt::Request {
        id: id.to_owned(),
        actions: vec![RequestAction {
            action: Some(request_action::Action::Update(crdt::Update {
                update: Some(vote),
                ..crdt::Update::default()
            })),
        }],
    };
    client.process(request).await.expect("the vote is counted");
    watching
        .message()
        .await
        .expect("the new state")
        .expect("a message");
    drop(watching);
    // Time for the proxy to pass the cancellation on and get its answer.
    tokio::time::sleep(Duration::from_millis(300)).await;
}

/// A duplex action call whose one request forwards and then asks for a side effect with a reply.
pub(crate) async fn action_duplex(channel: Channel) {
    let step = |step| ProcessStep { step: Some(step) };
    let request = action::Request {
        groups: vec![
            ProcessGroup {
                steps: vec![step(process_step::Step::Forward(action::Forward {
                    id: "forwarded".into(),
                }))],
            },
            ProcessGroup {
                steps: vec![
                    step(process_step::Step::Effect(action::SideEffect {
                        id: "effect".into(),
                        synchronous: false,
                    })),
                    step(process_step::Step::Reply(action::Reply {
                        message: "replied".into(),
                    })),
                ],
            },
        ],
    };
    let mut client = ActionTckModelClient::new(channel);
    let requests = tokio_stream::iter([request]);
    let mut responses = client
        .process_streamed(requests)
        .await
        .expect("the call opens")
        .into_inner();
    let mut received = 0;
    while responses.message().await.expect("responses").is_some() {
        received += 1;
    }
    assert_eq!(received, 2, "one response per group");
    // Time for the asynchronous side effect.
    tokio::time::sleep(Duration::from_millis(300)).await;
}

/// An event emitted by `EventSourcedEntityOne`, delivered to the subscriber by the proxy's event log.
pub(crate) async fn eventing(channel: Channel, id: &str) {
    let reply = eventing::process_step::Step::Reply(eventing::Reply {
        message: "delivered".into(),
    });
    let request = EmitEventRequest {
        id: id.to_owned(),
        event: Some(emit_event_request::Event::EventOne(EventOne {
            step: Some(eventing::ProcessStep { step: Some(reply) }),
        })),
    };
    let mut client = EventSourcedEntityOneClient::new(channel);
    client
        .emit_event(request)
        .await
        .expect("the event is emitted");
    // Time for the delivery.
    tokio::time::sleep(Duration::from_millis(500)).await;
}
