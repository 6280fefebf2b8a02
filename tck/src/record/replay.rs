//! Replay: each stream of each transcript becomes a case, `replay.<file stem>.<n>_<service>_<method>`,
//! run by the ordinary runner with [`ReplayExecutor`], which plays the proxy's side of the stream
//! against a user function and compares what comes back with what was recorded.
//!
//! The cases are built by the run that replays them ([`ReplayPlan::build`]) and passed to it with the
//! catalog's, so that its expected-failures file and `--select` can name them like any other case. Their IDs do not follow
//! `<area>.<mode>.<name>`; reports file them under the `protocol` area, in SDK mode.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use bytes::Bytes;
use futures::future::BoxFuture;
use serde_json::Value as Json;
use tokio::time::Instant;
use tonic::transport::Channel;

use super::transcript::{EventKind, Side, Transcript, parse_code};
use super::{MessageCodec, play};
use crate::case::{Case, CaseBody, CaseFailure, CaseInfo, CaseSettings, Verdict};
use crate::messages::message_names;
use crate::run::CaseExecutor;
use crate::sdk::SdkCx;
use crate::wire::Trace;

/// One step of a stream, ready to play.
#[derive(Debug, Clone)]
pub(super) enum Step {
    /// Send this message to the user function.
    Send(Bytes),
    /// Expect this message from the user function.
    Expect(Vec<u8>),
    /// Half-close the request side.
    HalfClose,
    /// Expect the call to end with this status.
    End(tonic::Code),
    /// Cancel the call.
    Cancel,
}

/// A recorded stream, ready to play.
#[derive(Debug)]
pub(super) struct PreparedStream {
    /// `<file> stream <n> (<path>)`, for failure messages.
    pub(super) name: String,
    /// The gRPC path.
    pub(super) path: String,
    /// The stream's name in traces, e.g. `Crdt.handle#2`.
    pub(super) label: String,
    /// The request and response message names.
    pub(super) messages: (&'static str, &'static str),
    /// The codec of its transcript.
    pub(super) codec: Arc<MessageCodec>,
    /// The steps, one per event of the transcript.
    pub(super) steps: Vec<Step>,
}

/// Transcripts loaded and checked, before their cases are built.
#[derive(Debug)]
pub(crate) struct ReplayPlan {
    cases: Vec<Case>,
    streams: HashMap<String, Arc<PreparedStream>>,
}

/// The cases of a plan, built for one run, and what their executor needs.
#[derive(Debug)]
pub(crate) struct ReplayCases {
    /// The cases, in file and stream order.
    pub cases: Vec<&'static Case>,
    streams: Arc<HashMap<String, Arc<PreparedStream>>>,
}

impl ReplayPlan {
    /// Reads, checks and encodes every transcript; an error names the file, stream and event.
    pub(crate) fn load(paths: &[PathBuf]) -> Result<ReplayPlan, String> {
        let mut plan = ReplayPlan {
            cases: Vec::new(),
            streams: HashMap::new(),
        };
        for path in paths {
            let transcript = Transcript::load(path)?;
            plan.add(path, &transcript)?;
        }
        Ok(plan)
    }

    /// Adds the streams of one transcript, read from `path`.
    pub(crate) fn add(&mut self, path: &Path, transcript: &Transcript) -> Result<(), String> {
        let file = path.file_name().map_or_else(
            || path.display().to_string(),
            |name| name.to_string_lossy().into_owned(),
        );
        let stem = snake(
            &path
                .file_stem()
                .map_or_else(String::new, |stem| stem.to_string_lossy().into_owned()),
        );
        let codec = Arc::new(codec_of(transcript));
        for (index, stream) in transcript.streams.iter().enumerate() {
            let path = stream.path();
            let name = format!("{file} stream {index} ({path})");
            let messages = message_names(&path)
                .ok_or_else(|| format!("{name}: not a protocol method the TCK can replay"))?;
            let steps = stream
                .events
                .iter()
                .enumerate()
                .map(|(event, recorded)| {
                    step(&codec, messages, &recorded.kind)
                        .map_err(|error| format!("{name}, event {event}: {error}"))
                })
                .collect::<Result<Vec<_>, _>>()?;
            let id = format!(
                "replay.{stem}.{index}_{}_{}",
                snake(stream.service.rsplit('.').next().unwrap_or_default()),
                snake(&stream.method)
            );
            if self.streams.contains_key(&id) {
                return Err(format!(
                    "{file}: case {id} exists already (two transcripts with the same name?)"
                ));
            }
            let sent = steps.iter().filter(|s| matches!(s, Step::Send(_))).count();
            let expected = steps
                .iter()
                .filter(|s| matches!(s, Step::Expect(_)))
                .count();
            let summary = format!(
                "replays {name}: sends {sent} recorded messages and expects {expected} back"
            );
            let short_service = stream.service.rsplit('.').next().unwrap_or_default();
            self.cases.push(Case {
                info: CaseInfo {
                    id: leak(id.clone()),
                    summary: leak(summary),
                    requirements: &[],
                    services: &[],
                },
                body: CaseBody::Sdk(outside_replay),
            });
            self.streams.insert(
                id,
                Arc::new(PreparedStream {
                    label: format!("{short_service}.{}#{index}", stream.method),
                    name,
                    path,
                    messages,
                    codec: codec.clone(),
                    steps,
                }),
            );
        }
        Ok(())
    }

    /// The cases of this run, and what their executor needs. The cases are leaked, as the runner takes
    /// cases that live as long as the built-in ones; a process replays its transcripts once.
    pub(crate) fn build(self) -> ReplayCases {
        ReplayCases {
            cases: self
                .cases
                .into_iter()
                .map(|case| &*Box::leak(Box::new(case)))
                .collect(),
            streams: Arc::new(self.streams),
        }
    }
}

impl ReplayCases {
    /// An executor that plays the cases against the user function behind `channel`.
    pub(crate) fn executor(&self, channel: Channel) -> ReplayExecutor {
        ReplayExecutor {
            channel,
            streams: self.streams.clone(),
        }
    }
}

/// Runs replay cases: plays each stream against a user function.
#[derive(Debug, Clone)]
pub(crate) struct ReplayExecutor {
    channel: Channel,
    streams: Arc<HashMap<String, Arc<PreparedStream>>>,
}

impl CaseExecutor for ReplayExecutor {
    fn start(
        &mut self,
        case: &'static Case,
        trace: Trace,
        deadline: Instant,
        _settings: CaseSettings,
    ) -> BoxFuture<'static, Verdict> {
        match self.streams.get(case.info.id) {
            Some(stream) => Box::pin(play::play(
                self.channel.clone(),
                stream.clone(),
                trace,
                deadline,
            )),
            None => Box::pin(async {
                Err(CaseFailure::error(
                    "only replayed streams run under `cloudstate-tck replay`",
                ))
            }),
        }
    }
}

/// The body of a replay case outside [`ReplayExecutor`]: it cannot run there.
fn outside_replay(_cx: SdkCx) -> BoxFuture<'static, Verdict> {
    Box::pin(async {
        Err(CaseFailure::error(
            "a replayed stream runs only under `cloudstate-tck replay`",
        ))
    })
}

/// The codec of a transcript: the descriptors of its first discovery answer, or the TCK's own.
fn codec_of(transcript: &Transcript) -> MessageCodec {
    let tck = MessageCodec::tck();
    let answer = transcript
        .streams
        .iter()
        .filter(|stream| stream.path() == "/cloudstate.EntityDiscovery/discover")
        .flat_map(|stream| stream.events.iter())
        .find_map(|event| match &event.kind {
            EventKind::Message {
                from: Side::UserFunction,
                message,
            } => tck.encode_json("cloudstate.EntitySpec", message).ok(),
            _ => None,
        });
    MessageCodec::for_discovery(answer.as_deref()).0
}

fn step(
    codec: &MessageCodec,
    (request, response): (&'static str, &'static str),
    kind: &EventKind,
) -> Result<Step, String> {
    let encode = |name: &str, message: &Json| codec.encode_json(name, message);
    Ok(match kind {
        EventKind::Message {
            from: Side::Proxy,
            message,
        } => Step::Send(Bytes::from(encode(request, message)?)),
        EventKind::Message {
            from: Side::UserFunction,
            message,
        } => Step::Expect(encode(response, message)?),
        EventKind::HalfClose => Step::HalfClose,
        EventKind::End { code, .. } => Step::End(
            parse_code(code).ok_or_else(|| format!("`{code}` is not a gRPC status code"))?,
        ),
        EventKind::Cancel => Step::Cancel,
    })
}

/// `text` in snake case, as case IDs want it: `handleUnary` → `handle_unary`, `my-file` → `my_file`.
fn snake(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 4);
    for c in text.chars() {
        if c.is_ascii_uppercase() {
            if !out.is_empty() && !out.ends_with('_') {
                out.push('_');
            }
            out.push(c.to_ascii_lowercase());
        } else if c.is_ascii_alphanumeric() {
            out.push(c);
        } else if !out.ends_with('_') {
            out.push('_');
        }
    }
    let trimmed = out.trim_matches('_');
    if trimmed.is_empty() {
        "transcript".to_owned()
    } else {
        trimmed.to_owned()
    }
}

fn leak(text: String) -> &'static str {
    Box::leak(text.into_boxed_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_become_snake_case() {
        assert_eq!(snake("handleUnary"), "handle_unary");
        assert_eq!(snake("EntityDiscovery"), "entity_discovery");
        assert_eq!(snake("my-file.v2"), "my_file_v2");
        assert_eq!(snake("--"), "transcript");
    }
}
