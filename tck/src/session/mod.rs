//! Targets: reaching a running one, or starting, watching and stopping a process, and the channel
//! that records which status a target really sent.

mod channel;
mod connect;
mod output;
mod spawn;

pub use channel::{RecordingBody, TargetChannel};
pub(crate) use channel::{SentStatus, not_sent_by_target};
pub use connect::{ConnectError, Discovery, check_address, connect, discover};
pub use output::OutputBuffer;
pub use spawn::SpawnedProcess;
