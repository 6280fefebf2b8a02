//! SDK mode: the TCK plays the proxy and drives a user function through the protocol. This is the
//! engine (the case context and protocol streams); the SDK-mode cases are in `crate::cases`.

mod cx;
mod stream;

pub(crate) use cx::{ActionStream, CrdtStream, EventSourcedStream, SdkCx, ValueEntityStream};
pub(crate) use stream::{CloseWait, DEFAULT_CLOSE_WAIT, Next, ProtocolStream};
