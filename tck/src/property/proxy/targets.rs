//! The forward and side-effect targets of the entity properties' scenarios, and what the wire of every
//! entity type shares around them: targets are named `<two>-<n>` (so that each proxy scenario has targets
//! of its own), and a proxy scenario counts the calls each must get. Generated requests also share their ending: the property's failure, when asked.

use std::collections::BTreeMap;
use std::time::Duration;

use crate::case::Verdict;
use crate::property::oracle::FAILURE;
use crate::proxy::CallProbe;

/// How long a scenario's end waits for a command a target got once too often.
const SURPLUS_WAIT: Duration = Duration::from_millis(60);

/// The id of the `n`th forward or side-effect target of a scenario whose targets are named `two`.
pub(crate) fn target(two: &str, n: u8) -> String {
    format!("{two}-{n}")
}

/// The actions of a generated request: each of `actions` as `action` builds it, then, when `fail` is set,
/// the property's failure as `failure` builds it from its message.
pub(crate) fn then_failure<A, R>(
    actions: &[A],
    fail: bool,
    action: impl FnMut(&A) -> R,
    failure: impl FnOnce(String) -> R,
) -> Vec<R> {
    let mut built: Vec<R> = actions.iter().map(action).collect();
    if fail {
        built.push(failure(FAILURE.to_owned()));
    }
    built
}

/// The commands a proxy scenario expects on the streams of forward and side-effect targets, by target.
#[derive(Debug, Default)]
pub(crate) struct TargetCalls(BTreeMap<u8, i64>);

impl TargetCalls {
    /// Counts one more call of target `n`.
    pub(crate) fn add(&mut self, n: u8) {
        *self.0.entry(n).or_default() += 1;
    }

    /// The targets and how many commands each must get.
    pub(crate) fn counts(&self) -> impl Iterator<Item = (u8, i64)> + '_ {
        self.0.iter().map(|(n, count)| (*n, *count))
    }
}

/// FWD-007: after each target got the commands it was owed (`streams`: target id, how many, its stream),
/// waits a moment and fails when any stream carries one more: a forward or side effect made twice.
pub(crate) async fn expect_exactly(streams: &mut [(String, i64, CallProbe)]) -> Verdict {
    if streams.is_empty() {
        return Ok(());
    }
    tokio::time::sleep(SURPLUS_WAIT).await;
    for (id, count, probe) in streams.iter_mut() {
        probe.expect_nothing_more_sent(&format!(
            "exactly {count} command(s) on target {id}'s stream, one for each forward and side effect \
             the scenario's answers asked of it (FWD-007)"
        ))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets_are_named_after_the_scenario() {
        assert_eq!(target("s-two", 2), "s-two-2");
    }

    #[test]
    fn a_failure_ends_the_actions_only_when_asked() {
        let failing = then_failure(&[1, 2], true, |n| n.to_string(), |message| message);
        assert_eq!(failing, vec!["1", "2", FAILURE]);
        assert_eq!(then_failure(&[1], false, |n| n * 10, |_| 0), vec![10]);
    }

    #[test]
    fn targets_count_their_calls() {
        let mut calls = TargetCalls::default();
        for n in [1, 0, 1] {
            calls.add(n);
        }
        assert_eq!(calls.counts().collect::<Vec<_>>(), vec![(0, 1), (1, 2)]);
    }
}
