//! Discovery error paths: the TCK starts another instance of the proxy under test in front of a user
//! function of its own that announces an `EntitySpec` the proxy cannot serve. The proxy must tell the
//! user function why with `reportError`, naming the problem, and must not serve: it stops, or it stays
//! not ready.

use std::time::Duration;

use cloudstate_protocol::cloudstate::{EntitySpec, ServiceInfo};
use cloudstate_protocol::names::model::ACTION_TWO;
use tokio::time::Instant;

use super::user_function::{CaseUserFunction, Seen};
use crate::case::{CaseFailure, Verdict};
use crate::proxy::ProxyCx;
use crate::session::{ProxyInstance, http_get};
use crate::wire::{Direction, WireMessage as _};

/// The trace stream of the second proxy instance and its user function.
const LABEL: &str = "second-proxy";
/// How often the case looks at the second instance while it waits.
const POLL: Duration = Duration::from_millis(50);
/// How long one `GET /ready` may take; a proxy that does not answer in time is not ready.
const READY_CHECK: Duration = Duration::from_millis(500);
/// How long the second instance must stay not ready after it reported the problem, unless it stops.
const NOT_SERVING_FOR: Duration = Duration::from_millis(500);

/// A service that the model's descriptor set does not declare.
pub(super) const UNDECLARED_SERVICE: &str = "cloudstate.tck.model.action.NoSuchService";
/// An entity type that no proxy supports.
pub(super) const UNKNOWN_ENTITY_TYPE: &str = "cloudstate.unknown.UnknownEntity";

/// What is wrong with the `EntitySpec` of one case.
struct BadSpec {
    /// The problem, as the trace and failure messages say it.
    problem: &'static str,
    /// Spoils the model's spec.
    spoil: fn(&mut EntitySpec),
    /// A `reportError` message names the problem when it contains one of these (any case).
    named_by: &'static [&'static str],
}

/// The `ActionTwo` entity of the model's spec, which the cases spoil.
fn action_two(spec: &mut EntitySpec) -> Option<&mut cloudstate_protocol::cloudstate::Entity> {
    spec.entities
        .iter_mut()
        .find(|entity| entity.service_name == ACTION_TWO)
}

/// New (DISC-012): an `EntitySpec` that lists no entity.
pub(super) async fn refuses_a_spec_without_entities(cx: ProxyCx) -> Verdict {
    refuses(
        &cx,
        BadSpec {
            problem: "no entity at all",
            spoil: |spec| spec.entities.clear(),
            named_by: &["entit"],
        },
    )
    .await
}

/// New (DISC-012): an entity whose `service_name` the descriptor set does not declare.
pub(super) async fn refuses_an_undeclared_service(cx: ProxyCx) -> Verdict {
    refuses(
        &cx,
        BadSpec {
            problem: "an entity whose service_name the proto descriptor set does not declare",
            spoil: |spec| {
                if let Some(entity) = action_two(spec) {
                    entity.service_name = UNDECLARED_SERVICE.to_owned();
                }
            },
            named_by: &[UNDECLARED_SERVICE],
        },
    )
    .await
}

/// New (DISC-012): an entity of a type the proxy did not list in `supported_entity_types`.
pub(super) async fn refuses_an_unsupported_entity_type(cx: ProxyCx) -> Verdict {
    refuses(
        &cx,
        BadSpec {
            problem: "an entity of a type the proxy does not support",
            spoil: |spec| {
                if let Some(entity) = action_two(spec) {
                    entity.entity_type = UNKNOWN_ENTITY_TYPE.to_owned();
                }
            },
            named_by: &[UNKNOWN_ENTITY_TYPE, ACTION_TWO],
        },
    )
    .await
}

/// New (DISC-030): a `proto` field that is not a serialized `FileDescriptorSet`.
pub(super) async fn refuses_an_undecodable_descriptor_set(cx: ProxyCx) -> Verdict {
    refuses(
        &cx,
        BadSpec {
            problem: "a proto field that does not decode as a FileDescriptorSet",
            spoil: |spec| spec.proto = b"\xff\xff\xff this is not a descriptor set".to_vec(),
            named_by: &["proto", "descriptor"],
        },
    )
    .await
}

/// New (DISC-031): a user function that announces protocol version 1.0.
pub(super) async fn refuses_protocol_major_version_1(cx: ProxyCx) -> Verdict {
    refuses(
        &cx,
        BadSpec {
            problem: "protocol version 1.0 in service_info",
            spoil: |spec| {
                let info = spec.service_info.get_or_insert_with(ServiceInfo::default);
                info.protocol_major_version = 1;
                info.protocol_minor_version = 0;
            },
            named_by: &["version"],
        },
    )
    .await
}

/// How the second instance ended the wait.
enum Watched {
    /// It called `reportError` with this message.
    Reported(String),
    /// `GET /ready` answered 200.
    Ready,
    /// Its process exited, as said.
    Exited(String),
    /// None of these before the deadline.
    Deadline,
}

/// Starts another instance of the proxy in front of a user function that announces the model's spec
/// spoiled as `bad` says, and checks that it reports the problem and does not serve.
async fn refuses(cx: &ProxyCx, bad: BadSpec) -> Verdict {
    let proxy = cx.spawned_proxy()?;
    let mut spec = crate::model::entity_spec();
    (bad.spoil)(&mut spec);
    let mut user_function = CaseUserFunction::serve(spec).await.map_err(|error| {
        CaseFailure::error(format!("cannot serve the case's user function: {error}"))
    })?;
    cx.trace().record(
        LABEL,
        Direction::Event,
        format!(
            "the TCK starts `{}` again, in front of a user function on port {} that announces {}",
            proxy.command(),
            user_function.port(),
            bad.problem
        ),
    );
    let mut instance = proxy
        .start_instance(user_function.port())
        .map_err(|error| {
            CaseFailure::error(format!(
                "cannot start a second instance of the proxy: {error}"
            ))
        })?;
    let verdict = check_refusal(cx, &bad, &mut user_function, &mut instance).await;
    instance.stop(Duration::from_millis(500)).await;
    verdict.map_err(|mut failure| {
        let output = instance.output_text();
        if !output.is_empty() {
            failure.message = format!(
                "{}\nthe second instance's last output:\n{output}",
                failure.message
            );
        }
        failure
    })
}

async fn check_refusal(
    cx: &ProxyCx,
    bad: &BadSpec,
    user_function: &mut CaseUserFunction,
    instance: &mut ProxyInstance,
) -> Verdict {
    let message = match watch(cx, user_function, instance, cx.deadline()).await {
        Watched::Reported(message) => message,
        Watched::Ready => {
            return Err(CaseFailure::fail(format!(
                "the proxy serves a user function that announces {}: GET /ready answered 200, and it never \
                 called reportError",
                bad.problem
            )));
        }
        Watched::Exited(status) => {
            return Err(CaseFailure::fail(format!(
                "the proxy stopped ({status}) without telling the user function why: it never called \
                 reportError, though the user function announces {}",
                bad.problem
            )));
        }
        Watched::Deadline => {
            return Err(CaseFailure::fail(format!(
                "the proxy did not call reportError before the case deadline, though the user function \
                 announces {}",
                bad.problem
            )));
        }
    };
    let lower = message.to_lowercase();
    if !bad
        .named_by
        .iter()
        .any(|word| lower.contains(&word.to_lowercase()))
    {
        return Err(CaseFailure::mismatch(
            format!(
                "the proxy's reportError message does not name the problem ({})",
                bad.problem
            ),
            format!(
                "a message that mentions one of: {}",
                bad.named_by.join(", ")
            ),
            message,
        ));
    }
    let until = (Instant::now() + NOT_SERVING_FOR).min(cx.deadline());
    match watch(cx, user_function, instance, until).await {
        Watched::Ready => Err(CaseFailure::fail(format!(
            "the proxy reported the problem but then served the user function anyway: GET /ready answered \
             200 (the user function announces {})",
            bad.problem
        ))),
        Watched::Reported(_) | Watched::Exited(_) | Watched::Deadline => Ok(()),
    }
}

/// Watches the second instance until it calls `reportError`, becomes ready or exits, or `until`.
async fn watch(
    cx: &ProxyCx,
    user_function: &mut CaseUserFunction,
    instance: &mut ProxyInstance,
    until: Instant,
) -> Watched {
    loop {
        let exited = instance.exit_status();
        // What it did before it exited is still on its way: look once more.
        let wait = if exited.is_some() {
            POLL
        } else {
            POLL.min(until.saturating_duration_since(Instant::now()))
        };
        match user_function.next_until(Instant::now() + wait).await {
            Some(Seen::Discover(info)) => {
                cx.trace().record(
                    LABEL,
                    Direction::Sent,
                    format!("proxy -> user function discover {}", info.compact()),
                );
                continue;
            }
            Some(Seen::ReportError(message)) => {
                cx.trace().record(
                    LABEL,
                    Direction::Sent,
                    format!("proxy -> user function reportError {message:?}"),
                );
                return Watched::Reported(message);
            }
            None => {}
        }
        if let Some(status) = exited {
            cx.trace().record(
                LABEL,
                Direction::Event,
                format!("the second instance exited ({status})"),
            );
            return Watched::Exited(status);
        }
        let ready = tokio::time::timeout(READY_CHECK, http_get(instance.address(), "/ready")).await;
        if let Ok(Ok(response)) = ready
            && response.status == 200
        {
            cx.trace()
                .record(LABEL, Direction::Event, "GET /ready answered 200");
            return Watched::Ready;
        }
        if Instant::now() >= until {
            return Watched::Deadline;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_spoiled_entity_is_in_the_model_spec() {
        let mut spec = crate::model::entity_spec();
        assert!(action_two(&mut spec).is_some());
    }
}
