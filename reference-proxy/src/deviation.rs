//! The seams where a build with the feature `faults` deviates from the protocol.
//!
//! Core code never asks whether a fault is on: at each seam it calls one function here, which takes what
//! a correct proxy would do and gives it back, changed only when a deviation of [`crate::fault`] is on.
//! Without the feature [`fault::active`](crate::fault::active) is a constant `false`, so every seam is
//! the identity (or a constant) and compiles away.
//!
//! Adding a proxy fault touches the catalog ([`crate::fault`]) and the one file here that applies it:
//!
//! | seam | file |
//! |---|---|
//! | command ids and the metadata an entity command carries | [`commands`] |
//! | what an entity's init carries, and when its state is stored | [`init`], [`write_behind`] |
//! | judging a user function's reply, relay timeouts, passivation, restarts | [`entity_stream`] |
//! | what a CRDT streamed message does: its end of stream and its side effects | [`crdt_streams`] |
//! | forward and side-effect scheduling, the failure status of a reply | [`effects`] |
//! | the payloads and failures of action calls | [`actions`] |
//! | discovery acceptance and the announced version | [`discovery`] |
//! | gRPC and HTTP statuses, JSON bodies, size limits, headers, reflection answers, event attributes | [`frontend`] |

pub(crate) mod actions;
pub(crate) mod commands;
pub(crate) mod crdt_streams;
pub(crate) mod discovery;
pub(crate) mod effects;
pub(crate) mod entity_stream;
pub(crate) mod frontend;
pub(crate) mod init;
pub(crate) mod write_behind;
