//! Messages as people read them: rendering, wire traces and diffs.

mod diff;
mod message;
mod render;
mod trace;

pub(crate) use diff::unified_diff;
pub(crate) use message::WireMessage;
pub(crate) use render::{hex, render_compact, render_pretty};
pub(crate) use trace::{Direction, Trace, TraceEntry, format_trace};
