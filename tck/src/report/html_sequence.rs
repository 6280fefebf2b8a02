//! The wire trace of a case drawn as a sequence diagram in HTML and CSS grid: one lifeline per party,
//! one row per traced message (an arrow between two lifelines) or stream event (a note across them).
//!
//! In SDK mode the parties are the TCK (playing the proxy) and the user function. In proxy mode they are
//! the TCK as client, the proxy under test and the TCK as user function: entries whose text starts with
//! `client -> proxy` or `proxy -> client` go between client and proxy, `proxy -> user function` and
//! `user function -> proxy` between proxy and user function; the rest go by their stream (`client…` and
//! `http…` streams are the client's calls, others are calls the proxy made to the user function).

use std::fmt::Write as _;

use super::html::{push_content, push_escaped};
use super::model::ReportTraceEntry;

/// A party of the diagram: its name and its role in the run.
struct Lane {
    name: &'static str,
    role: &'static str,
}

const SDK_LANES: [Lane; 2] = [
    Lane {
        name: "TCK",
        role: "as proxy",
    },
    Lane {
        name: "User function",
        role: "under test",
    },
];

const PROXY_LANES: [Lane; 3] = [
    Lane {
        name: "TCK",
        role: "as client",
    },
    Lane {
        name: "Proxy",
        role: "under test",
    },
    Lane {
        name: "TCK",
        role: "as user function",
    },
];

/// Where one entry goes: from lane to lane (an arrow), or across a pair of lanes (a note).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Placement {
    /// A message from the first lane to the second.
    Arrow(usize, usize),
    /// An event on the stream between these two neighbouring lanes.
    Note(usize, usize),
}

/// The prefixes that say which parties a proxy-mode message went between.
const PROXY_PREFIXES: [(&str, usize, usize); 4] = [
    ("client -> proxy", 0, 1),
    ("proxy -> client", 1, 0),
    ("proxy -> user function", 1, 2),
    ("user function -> proxy", 2, 1),
];

/// Where an entry of a case in `mode` goes, and its text without the prefix that the arrow already says.
pub(super) fn place<'a>(mode: &str, entry: &'a ReportTraceEntry) -> (Placement, &'a str) {
    let text = entry.text.as_str();
    if mode != "proxy" {
        let placement = match entry.direction.as_str() {
            "sent" => Placement::Arrow(0, 1),
            "received" => Placement::Arrow(1, 0),
            _ => Placement::Note(0, 1),
        };
        return (placement, text);
    }
    for (prefix, from, to) in PROXY_PREFIXES {
        if let Some(rest) = text.strip_prefix(prefix)
            && (rest.is_empty() || rest.starts_with(' '))
        {
            return (Placement::Arrow(from, to), rest.trim_start());
        }
    }
    let client_side = entry.stream.starts_with("client") || entry.stream.starts_with("http");
    let (near, far) = if client_side { (0, 1) } else { (1, 2) };
    let placement = match entry.direction.as_str() {
        "sent" => Placement::Arrow(near, far),
        "received" => Placement::Arrow(far, near),
        _ => Placement::Note(near, far),
    };
    (placement, text)
}

/// Appends the diagram of `trace`, a case in `mode` (`sdk` or `proxy`), to `out`.
pub(super) fn push_sequence(out: &mut String, mode: &str, trace: &[ReportTraceEntry]) {
    if trace.is_empty() {
        out.push_str("<p class=\"muted\">No wire traffic was recorded for this case.</p>\n");
        return;
    }
    let lanes: &[Lane] = if mode == "proxy" {
        &PROXY_LANES
    } else {
        &SDK_LANES
    };
    let _ = write!(
        out,
        "<div class=\"seq lanes{}\" role=\"figure\" aria-label=\"Wire trace as a sequence diagram\" \
         title=\"Click a message to show all of it\">\n\
         <div class=\"seq-row seq-head\"><span class=\"t\">ms</span><span class=\"s\">stream</span>",
        lanes.len()
    );
    for (index, lane) in lanes.iter().enumerate() {
        let _ = write!(
            out,
            "<div class=\"lane l{index}\"><b>{}</b><small>{}</small></div>",
            lane.name, lane.role
        );
    }
    out.push_str("</div>\n");
    let mut last_stream: Option<&str> = None;
    for entry in trace {
        let (placement, text) = place(mode, entry);
        let kind = match entry.direction.as_str() {
            "sent" => "sent",
            "received" => "received",
            _ => "event",
        };
        let _ = write!(
            out,
            "<div class=\"seq-row {kind}\"><span class=\"t\">{:.3}</span>",
            entry.at_ms
        );
        if last_stream == Some(entry.stream.as_str()) {
            out.push_str("<span class=\"s\"></span>");
        } else {
            // A call to the user function is named by its gRPC path: show it from the service on.
            let short = match entry.stream.split_once('/') {
                Some((service, method)) => {
                    let service = service.rsplit('.').next().unwrap_or(service);
                    format!("{service}/{method}")
                }
                None => entry.stream.clone(),
            };
            out.push_str("<span class=\"s\" title=\"");
            push_escaped(out, &entry.stream);
            out.push_str("\">");
            push_escaped(out, &short);
            out.push_str("</span>");
            last_stream = Some(&entry.stream);
        }
        for index in 0..lanes.len() {
            let _ = write!(out, "<i class=\"ll l{index}\"></i>");
        }
        match placement {
            Placement::Arrow(from, to) => {
                let (left, towards) = if from < to {
                    (from, "to-r")
                } else {
                    (to, "to-l")
                };
                let _ = write!(
                    out,
                    "<div class=\"m c{left}{} {towards}\"><div class=\"lbl\">",
                    left + 1
                );
                push_content(out, text);
                out.push_str("</div><div class=\"arr\"></div></div>");
            }
            Placement::Note(a, b) => {
                let _ = write!(out, "<div class=\"note c{}{}\"><span>", a.min(b), a.max(b));
                push_content(out, text);
                out.push_str("</span></div>");
            }
        }
        out.push_str("</div>\n");
    }
    out.push_str("</div>\n");
}

#[cfg(test)]
mod tests {
    use super::{Placement, place, push_sequence};
    use crate::report::model::ReportTraceEntry;

    fn entry(stream: &str, direction: &str, text: &str) -> ReportTraceEntry {
        ReportTraceEntry {
            at_ms: 1.5,
            stream: stream.to_owned(),
            direction: direction.to_owned(),
            text: text.to_owned(),
        }
    }

    #[test]
    fn sdk_entries_go_between_the_tck_and_the_user_function() {
        let sent = entry("EventSourced.handle#1", "sent", "{}");
        assert_eq!(place("sdk", &sent), (Placement::Arrow(0, 1), "{}"));
        let received = entry("EventSourced.handle#1", "received", "{}");
        assert_eq!(place("sdk", &received).0, Placement::Arrow(1, 0));
        let event = entry("EventSourced.handle#1", "event", "call opened");
        assert_eq!(place("sdk", &event).0, Placement::Note(0, 1));
    }

    #[test]
    fn proxy_entries_go_by_their_prefix_then_by_their_stream() {
        let cases = [
            (
                "client#1",
                "sent",
                "client -> proxy Get",
                Placement::Arrow(0, 1),
                "Get",
            ),
            (
                "client#1",
                "received",
                "proxy -> client {}",
                Placement::Arrow(1, 0),
                "{}",
            ),
            (
                "x/handle#2",
                "sent",
                "proxy -> user function {}",
                Placement::Arrow(1, 2),
                "{}",
            ),
            (
                "x/handle#2",
                "received",
                "user function -> proxy {}",
                Placement::Arrow(2, 1),
                "{}",
            ),
            (
                "x/handle#2",
                "event",
                "call opened by the proxy",
                Placement::Note(1, 2),
                "call opened by the proxy",
            ),
            (
                "http#3",
                "sent",
                "GET /ve/1 ",
                Placement::Arrow(0, 1),
                "GET /ve/1 ",
            ),
            (
                "http#3",
                "received",
                "200 {}",
                Placement::Arrow(1, 0),
                "200 {}",
            ),
            (
                "client#4",
                "event",
                "cancelled",
                Placement::Note(0, 1),
                "cancelled",
            ),
        ];
        for (stream, direction, text, placement, label) in cases {
            let traced = entry(stream, direction, text);
            assert_eq!(place("proxy", &traced), (placement, label), "{text}");
        }
    }

    #[test]
    fn proxy_diagrams_have_three_lanes_and_escape_the_text() {
        let mut out = String::new();
        let trace = [
            entry("client#1", "sent", "client -> proxy <b>Get</b>"),
            entry("h#2", "sent", "proxy -> user function {}"),
        ];
        push_sequence(&mut out, "proxy", &trace);
        assert!(out.contains("class=\"seq lanes3\""), "{out}");
        assert!(out.contains("as user function"), "{out}");
        assert!(out.contains("<div class=\"m c01 to-r\">"), "{out}");
        assert!(out.contains("<div class=\"m c12 to-r\">"), "{out}");
        assert!(
            out.contains("&lt;b&gt;Get&lt;/b&gt;") && !out.contains("<b>Get"),
            "{out}"
        );
        assert!(
            out.contains("<span class=\"s\" title=\"h#2\">h#2</span>"),
            "{out}"
        );
        let mut out = String::new();
        push_sequence(
            &mut out,
            "proxy",
            &[entry("cloudstate.x.Y/handle#2", "event", "opened")],
        );
        assert!(
            out.contains("title=\"cloudstate.x.Y/handle#2\">Y/handle#2</span>"),
            "{out}"
        );
    }
}
