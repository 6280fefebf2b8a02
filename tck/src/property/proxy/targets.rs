//! The forward and side-effect targets of the entity properties' scenarios, and what the wire of every
//! entity type shares around them: targets are named `<two>-<n>` (so that each proxy scenario has targets
//! of its own), replies forward to them and call them as side effects, and a proxy scenario counts the
//! calls each must get. Generated requests also share their ending: the property's failure, when asked.

use std::collections::BTreeMap;

use cloudstate_protocol::cloudstate::{ClientAction, SideEffect};
use prost_types::Any;

use crate::messages::{forward, side_effect};
use crate::property::oracle::{Effect, FAILURE};

/// The method of the model's second services, by which targets are called.
const CALL: &str = "Call";

/// The id of the `n`th forward or side-effect target of a scenario whose targets are named `two`.
pub(crate) fn target(two: &str, n: u8) -> String {
    format!("{two}-{n}")
}

/// The forward to `service`'s `Call` of the `n`th target, carrying `request_to(<target id>)`.
pub(crate) fn forward_to(
    service: &str,
    two: &str,
    n: u8,
    request_to: fn(&str) -> Any,
) -> Option<ClientAction> {
    forward(service, CALL, request_to(&target(two, n)))
}

/// The side effects to `service`'s `Call` of the targets `effects` name, in order, each carrying
/// `request_to(<target id>)`.
pub(crate) fn side_effects_to(
    service: &str,
    two: &str,
    effects: &[Effect],
    request_to: fn(&str) -> Any,
) -> Vec<SideEffect> {
    effects
        .iter()
        .map(|(n, synchronous)| {
            side_effect(service, CALL, request_to(&target(two, *n)), *synchronous)
        })
        .collect()
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

#[cfg(test)]
mod tests {
    use super::*;

    fn payload(id: &str) -> Any {
        Any {
            type_url: "type.googleapis.com/test.Request".to_owned(),
            value: id.as_bytes().to_vec(),
        }
    }

    #[test]
    fn side_effects_call_the_named_targets_in_order() {
        let effects = side_effects_to("Two", "s-two", &[(2, true), (0, false)], payload);
        let called: Vec<(Vec<u8>, bool)> = effects
            .iter()
            .map(|effect| {
                let payload = effect.payload.clone().unwrap_or_default();
                (payload.value, effect.synchronous)
            })
            .collect();
        assert_eq!(
            called,
            vec![(b"s-two-2".to_vec(), true), (b"s-two-0".to_vec(), false)]
        );
        assert!(effects.iter().all(|effect| effect.command_name == CALL));
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
