//! Passivation of the main model entities, whose services announce no passivation timeout: the case
//! restarts the proxy (durable, so nothing stored is lost) while the interceptor gives the entity a short
//! timeout in the `EntitySpec` it relays, runs its body against that proxy, and restarts the proxy once
//! more with the model's own `EntitySpec`, so that later cases see the proxy as it was.

use std::future::Future;
use std::time::Duration;

use bytes::Bytes;
use cloudstate_protocol::cloudstate::entity_passivation_strategy::Strategy;
use cloudstate_protocol::cloudstate::{
    EntityPassivationStrategy, EntitySpec, TimeoutPassivationStrategy,
};
use prost::Message as _;
use tokio::time::Instant;

use crate::case::Verdict;
use crate::cases::shared::checks::{PASSIVATION_SLACK, expect_passivation};
use crate::proxy::{CallProbe, ProxyCx};

/// The passivation timeout the interceptor announces for the case's service.
pub(crate) const SHORT_PASSIVATION: Duration = Duration::from_millis(300);

/// Checks that the proxy passivates the entity of `probe` after [`SHORT_PASSIVATION`]: not before that
/// timeout has passed since the last command was `sent`, and within the usual slack after it was
/// `answered`.
pub(crate) async fn expect_short_passivation(
    probe: &mut CallProbe,
    sent: Instant,
    answered: Instant,
) -> Verdict {
    let latest = answered + SHORT_PASSIVATION + PASSIVATION_SLACK;
    expect_passivation(probe, sent, latest, SHORT_PASSIVATION).await
}

/// The discovery call, whose answer the interceptor rewrites.
const DISCOVER: &str = "/cloudstate.EntityDiscovery/discover";

/// Runs `body` against the proxy restarted with a passivation timeout of [`SHORT_PASSIVATION`] for
/// `service`, then restarts the proxy with the model's own `EntitySpec`, whatever the body's verdict.
/// Needs a durable proxy the TCK started; otherwise the case does not apply.
pub(crate) async fn with_short_passivation<F>(
    cx: &ProxyCx,
    service: &'static str,
    body: F,
) -> Verdict
where
    F: Future<Output = Verdict>,
{
    cx.durable_proxy()?;
    let timeout = i64::try_from(SHORT_PASSIVATION.as_millis()).unwrap_or(i64::MAX);
    cx.intercept()
        .rewrite_next_from_user_function(DISCOVER, move |bytes| {
            let mut spec = EntitySpec::decode(bytes.clone()).ok()?;
            let entity = spec
                .entities
                .iter_mut()
                .find(|entity| entity.service_name == service)?;
            entity.passivation_strategy = Some(EntityPassivationStrategy {
                strategy: Some(Strategy::Timeout(TimeoutPassivationStrategy { timeout })),
            });
            Some(Bytes::from(spec.encode_to_vec()))
        });
    cx.restart_proxy().await?;
    cx.expect_rediscovery().await?;
    let verdict = body.await;
    let restored = restore(cx).await;
    verdict.and(restored)
}

/// Restarts the proxy with the model's own `EntitySpec`.
async fn restore(cx: &ProxyCx) -> Verdict {
    cx.restart_proxy().await?;
    cx.expect_rediscovery().await
}
