//! The connection to the user function, opening entity streams on it, and reporting errors back to it.

use std::marker::PhantomData;

use cloudstate_protocol::cloudstate::UserFunctionError;
use cloudstate_protocol::cloudstate::entity_discovery_client::EntityDiscoveryClient;
use futures::stream::BoxStream;
use futures::{Stream, StreamExt as _};
use http::uri::PathAndQuery;
use tonic::Status;
use tonic::codec::{BufferSettings, Codec, DecodeBuf, Decoder, EncodeBuf, Encoder};
use tonic::transport::Channel;

use crate::deviation;

/// The initial size of an entity stream's encode and decode buffers, in bytes. Protocol messages are
/// small and thousands of entity streams may be open at once, so tonic's default (8 KiB for each
/// direction of each stream) would be most of the proxy's memory per entity; a buffer grows when a
/// message needs more.
const ENTITY_STREAM_BUFFER: usize = 512;
/// How many encoded bytes an entity stream gathers before it yields them (tonic's default).
const YIELD_THRESHOLD: usize = 32 * 1024;

/// A channel to the user function.
#[derive(Debug, Clone)]
pub struct UserFunction {
    /// The gRPC channel; cheap to clone.
    pub channel: Channel,
}

impl UserFunction {
    /// Tells the user function it broke the protocol (logged by the proxy too). Failures to deliver are
    /// only logged: reporting must never fail a client call.
    pub async fn report_error(&self, message: &str) {
        tracing::warn!(report = ?message, "reporting an error to the user function");
        let mut client = EntityDiscoveryClient::new(self.channel.clone());
        let request = UserFunctionError {
            message: message.to_owned(),
        };
        if let Err(status) = client.report_error(request).await {
            tracing::warn!(
                code = ?status.code(),
                message = ?status.message(),
                "reportError failed"
            );
        }
    }

    /// Opens a bidirectional entity stream (`path` is the protocol's `handle` method, for example
    /// `/cloudstate.eventsourced.EventSourced/handle`) that sends `requests`, with small codec buffers
    /// (see `ENTITY_STREAM_BUFFER`).
    ///
    /// Unlike the generated clients' `handle`, nothing here waits for the user function's response
    /// headers: gRPC lets a server send them as late as its first message, and the servers of most SDKs
    /// (grpc-go, grpc-js, grpc-java, grpcio) do, while they send nothing before a command arrives. The
    /// call starts when the returned stream is first polled, with whatever `requests` holds by then;
    /// a failure to reach the user function is the stream's first item.
    pub async fn open_stream<In, Out>(
        &self,
        path: &'static str,
        requests: impl Stream<Item = In> + Send + 'static,
    ) -> Result<EntityStream<Out>, Status>
    where
        In: prost::Message + Send + 'static,
        Out: prost::Message + Default + Send + 'static,
    {
        let call = call(self.channel.clone(), path, requests);
        Ok(EntityStream(deviation::entity_stream::open(call).await?))
    }
}

/// The call of an entity stream, resolving once the user function's response headers are in.
async fn call<In, Out>(
    channel: Channel,
    path: &'static str,
    requests: impl Stream<Item = In> + Send + 'static,
) -> Result<tonic::Streaming<Out>, Status>
where
    In: prost::Message + Send + 'static,
    Out: prost::Message + Default + Send + 'static,
{
    let mut grpc = tonic::client::Grpc::new(channel);
    grpc.ready()
        .await
        .map_err(|error| Status::unavailable(format!("the user function: {error}")))?;
    let codec = SmallBufferCodec::<In, Out>(PhantomData);
    let response = grpc
        .streaming(
            tonic::Request::new(requests),
            PathAndQuery::from_static(path),
            codec,
        )
        .await?;
    Ok(response.into_inner())
}

/// The user function's side of an entity stream: its messages, then how it ended.
pub struct EntityStream<Out>(BoxStream<'static, Result<Out, Status>>);

impl<Out> std::fmt::Debug for EntityStream<Out> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("EntityStream")
    }
}

impl<Out> EntityStream<Out> {
    /// The next message; `None` once the user function ended the stream with status OK, an error for any
    /// other end (or when the call could not start).
    pub async fn message(&mut self) -> Result<Option<Out>, Status> {
        self.0.next().await.transpose()
    }
}

/// The prost codec with [`ENTITY_STREAM_BUFFER`]-byte initial buffers.
struct SmallBufferCodec<In, Out>(PhantomData<fn(In) -> Out>);

fn buffer_settings() -> BufferSettings {
    BufferSettings::new(ENTITY_STREAM_BUFFER, YIELD_THRESHOLD)
}

impl<In, Out> Codec for SmallBufferCodec<In, Out>
where
    In: prost::Message + Send + 'static,
    Out: prost::Message + Default + Send + 'static,
{
    type Encode = In;
    type Decode = Out;
    type Encoder = SmallBufferCodec<In, ()>;
    type Decoder = SmallBufferCodec<(), Out>;

    fn encoder(&mut self) -> Self::Encoder {
        SmallBufferCodec(PhantomData)
    }

    fn decoder(&mut self) -> Self::Decoder {
        SmallBufferCodec(PhantomData)
    }
}

impl<In: prost::Message + Send + 'static> Encoder for SmallBufferCodec<In, ()> {
    type Item = In;
    type Error = Status;

    fn encode(&mut self, item: In, dst: &mut EncodeBuf<'_>) -> Result<(), Status> {
        // An `EncodeBuf` grows as needed, so encoding cannot run out of space.
        item.encode(dst)
            .map_err(|error| Status::internal(format!("encoding a message: {error}")))
    }

    fn buffer_settings(&self) -> BufferSettings {
        buffer_settings()
    }
}

impl<Out: prost::Message + Default + Send + 'static> Decoder for SmallBufferCodec<(), Out> {
    type Item = Out;
    type Error = Status;

    fn decode(&mut self, src: &mut DecodeBuf<'_>) -> Result<Option<Out>, Status> {
        Out::decode(src)
            .map(Some)
            .map_err(|error| Status::internal(format!("decoding a message: {error}")))
    }

    fn buffer_settings(&self) -> BufferSettings {
        buffer_settings()
    }
}
