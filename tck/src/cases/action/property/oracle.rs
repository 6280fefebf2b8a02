//! The action oracle: the results a conforming user function sends for each call shape, folded from the
//! steps as spec ACT-019 to ACT-024 say, independently of the built-in model service.

use super::scenario::{ActionCall, ActionStep, Groups};

/// The outcome of one result.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ActionOutcome {
    /// A reply with `Response{message: m<n>}`.
    Reply(u8),
    /// A forward to `ActionTwo.Call` with `OtherRequest{id: two-<n>}`.
    Forward(u8),
    /// A failure with the message `failure <n>`.
    Failure(u8),
}

/// One result: its outcome, if any, and its side effects in order (kept on failure, ACT-016).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct ActionResult {
    /// The last outcome a step set.
    pub(crate) outcome: Option<ActionOutcome>,
    /// The side effects: target `two-<n>` and the synchronous flag.
    pub(crate) effects: Vec<(u8, bool)>,
}

/// Folds `steps` in order into one result (ACT-019).
pub(crate) fn fold<'a>(steps: impl IntoIterator<Item = &'a ActionStep>) -> ActionResult {
    let mut result = ActionResult::default();
    for step in steps {
        match *step {
            ActionStep::Reply(n) => result.outcome = Some(ActionOutcome::Reply(n)),
            ActionStep::Forward(n) => result.outcome = Some(ActionOutcome::Forward(n)),
            ActionStep::Fail(n) => result.outcome = Some(ActionOutcome::Failure(n)),
            ActionStep::Effect(n, sync) => result.effects.push((n, sync)),
        }
    }
    result
}

fn all_steps(groups: &Groups) -> impl Iterator<Item = &ActionStep> {
    groups.iter().flatten()
}

/// One result per group, each folded from its own steps (ACT-023, ACT-024).
pub(crate) fn per_group(groups: &Groups) -> Vec<ActionResult> {
    groups.iter().map(fold).collect()
}

/// The results of a call, in order: for a duplex call, one list per request.
pub(crate) fn results(call: &ActionCall) -> Vec<Vec<ActionResult>> {
    match call {
        ActionCall::Unary(groups) => vec![vec![fold(all_steps(groups))]],
        ActionCall::StreamedIn(requests) => {
            vec![vec![fold(requests.iter().flat_map(all_steps))]]
        }
        ActionCall::StreamedOut(groups) => vec![per_group(groups)],
        ActionCall::Streamed(requests) => requests.iter().map(per_group).collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_later_outcome_replaces_an_earlier_one_and_effects_add_up() {
        let steps = [
            ActionStep::Effect(0, false),
            ActionStep::Fail(1),
            ActionStep::Reply(2),
            ActionStep::Effect(1, true),
        ];
        let result = fold(&steps);
        assert_eq!(result.outcome, Some(ActionOutcome::Reply(2)));
        assert_eq!(result.effects, vec![(0, false), (1, true)]);
    }

    #[test]
    fn streamed_in_folds_every_request_and_duplex_answers_each_group() {
        let requests = vec![
            vec![vec![ActionStep::Reply(1)]],
            vec![vec![ActionStep::Effect(0, false)], vec![]],
        ];
        let folded = results(&ActionCall::StreamedIn(requests.clone()));
        assert_eq!(folded.len(), 1);
        assert_eq!(folded[0].len(), 1);
        assert_eq!(folded[0][0].outcome, Some(ActionOutcome::Reply(1)));
        let duplex = results(&ActionCall::Streamed(requests));
        assert_eq!(duplex.iter().map(Vec::len).collect::<Vec<_>>(), vec![1, 2]);
        assert_eq!(duplex[1][1], ActionResult::default());
    }
}
