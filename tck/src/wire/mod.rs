//! Messages as people read them: rendering, wire traces and diffs.

mod diff;
mod message;
mod render;
mod trace;

pub use diff::unified_diff;
pub use message::WireMessage;
pub use render::{hex, payload_to_json, render_compact, render_pretty, to_json};
pub use trace::{Direction, Trace, TraceEntry, format_trace};
