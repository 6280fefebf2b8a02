//! CRDT streams the test drives: each `Crdt.handle` stream the proxy opens is handed to the test as a
//! [`ScriptedCrdtStream`], which reads what the proxy sends and sends what the test scripts.

use std::time::Duration;

use cloudstate_protocol::cloudstate::Command;
use cloudstate_protocol::cloudstate::crdt::crdt_server::Crdt;
use cloudstate_protocol::cloudstate::crdt::{
    CrdtInit, CrdtStreamIn, CrdtStreamOut, crdt_stream_in, crdt_stream_out,
};
use futures::StreamExt as _;
use futures::stream::BoxStream;
use tokio::sync::mpsc;
use tonic::{Status, Streaming};

use super::user_function::FakeUserFunction;

/// Waits at most 5 s for `future`.
async fn within<F: std::future::Future>(future: F) -> F::Output {
    tokio::time::timeout(Duration::from_secs(5), future)
        .await
        .expect("timed out")
}

/// One `Crdt.handle` stream as the user function sees it.
#[derive(Debug)]
pub struct ScriptedCrdtStream {
    input: Streaming<CrdtStreamIn>,
    output: Option<mpsc::UnboundedSender<Result<CrdtStreamOut, Status>>>,
}

impl ScriptedCrdtStream {
    /// The proxy's next message; `None` once it closed or dropped the stream.
    pub async fn recv(&mut self) -> Option<crdt_stream_in::Message> {
        match within(self.input.message()).await {
            Ok(Some(message)) => Some(message.message.expect("an empty CrdtStreamIn")),
            Ok(None) | Err(_) => None,
        }
    }

    /// The init message, which must come first.
    pub async fn init(&mut self) -> CrdtInit {
        match self.recv().await {
            Some(crdt_stream_in::Message::Init(init)) => init,
            other => panic!("expected init, got {other:?}"),
        }
    }

    /// The next message, which must be a command.
    pub async fn command(&mut self) -> Command {
        match self.recv().await {
            Some(crdt_stream_in::Message::Command(command)) => command,
            other => panic!("expected a command, got {other:?}"),
        }
    }

    /// Waits until the proxy closes (or drops) its side of the stream.
    pub async fn closed(&mut self) {
        if let Some(message) = self.recv().await {
            panic!("expected the stream to close, got {message:?}");
        }
    }

    /// Sends a message to the proxy.
    pub fn send(&self, message: crdt_stream_out::Message) {
        let output = self.output.as_ref().expect("the stream was ended");
        output
            .send(Ok(CrdtStreamOut {
                message: Some(message),
            }))
            .expect("the stream is gone");
    }

    /// Ends the user function's side of the stream.
    pub fn end(&mut self) {
        self.output = None;
    }
}

#[tonic::async_trait]
impl Crdt for FakeUserFunction {
    type handleStream = BoxStream<'static, Result<CrdtStreamOut, Status>>;

    async fn handle(
        &self,
        request: tonic::Request<Streaming<CrdtStreamIn>>,
    ) -> Result<tonic::Response<Self::handleStream>, Status> {
        let (output, mut messages) = mpsc::unbounded_channel();
        let stream = ScriptedCrdtStream {
            input: request.into_inner(),
            output: Some(output),
        };
        let _ = self.crdt_streams.send(stream);
        let messages = futures::stream::poll_fn(move |cx| messages.poll_recv(cx));
        Ok(tonic::Response::new(messages.boxed()))
    }
}
