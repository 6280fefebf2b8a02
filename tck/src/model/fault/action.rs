//! The action faults: what a faulty action model answers.

use cloudstate_protocol::cloudstate::Reply;
use cloudstate_protocol::cloudstate::action::ActionResponse;
use cloudstate_protocol::cloudstate::action::action_response::Response as Outcome;
use cloudstate_protocol::cloudstate::tck::model::action::Response as ModelResponse;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use futures::StreamExt as _;
use tonic::Status;

use super::Fault;
use crate::model::payload::pack;
use crate::model::server::ResponseStream;

/// Applies the reply, forward, failure and side-effect faults to one action response.
pub(crate) fn response(fault: Option<Fault>, response: &mut ActionResponse) {
    let Some(fault) = fault else {
        return;
    };
    match response.response.as_mut() {
        Some(Outcome::Reply(reply)) => super::reply(fault, reply),
        Some(Outcome::Forward(forward)) => super::forward(fault, forward),
        Some(Outcome::Failure(failure)) => {
            super::failure(fault, failure);
            if fault == Fault::ActionFailureDropsSideEffects {
                response.side_effects.clear();
            }
        }
        None if fault == Fault::EmptyReplyWithoutOutcome => {
            response.response = Some(Outcome::Reply(Reply {
                payload: Some(pack(&ModelResponse::default())),
                metadata: None,
            }));
        }
        None => {}
    }
    super::side_effects(fault, &mut response.side_effects);
}

/// Applies the faults to the responses of a streamed-out call or of one duplex request; returns whether
/// the call ends after them ([`Fault::StreamEndsAfterFailure`]).
pub(crate) fn stream(fault: Option<Fault>, responses: &mut Vec<ActionResponse>) -> bool {
    for one in responses.iter_mut() {
        response(fault, one);
    }
    if fault != Some(Fault::StreamEndsAfterFailure) {
        return false;
    }
    let first_failure = responses
        .iter()
        .position(|one| matches!(one.response, Some(Outcome::Failure(_))));
    match first_failure {
        Some(index) => {
            responses.truncate(index + 1);
            true
        }
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use cloudstate_protocol::cloudstate::Failure;

    fn failed() -> ActionResponse {
        ActionResponse {
            response: Some(Outcome::Failure(Failure::default())),
            side_effects: Vec::new(),
        }
    }

    #[test]
    fn a_stream_ends_after_its_first_failure() {
        let mut responses = vec![ActionResponse::default(), failed(), failed()];
        assert!(stream(Some(Fault::StreamEndsAfterFailure), &mut responses));
        assert_eq!(responses.len(), 2);
        let mut responses = vec![failed(), failed()];
        assert!(!stream(None, &mut responses));
        assert_eq!(responses.len(), 2);
    }

    #[test]
    fn no_outcome_becomes_an_empty_reply() {
        let mut answer = ActionResponse::default();
        response(Some(Fault::EmptyReplyWithoutOutcome), &mut answer);
        assert!(matches!(answer.response, Some(Outcome::Reply(_))));
    }

    #[test]
    fn a_failed_action_loses_its_side_effects_and_keeps_its_failure() {
        let mut answer = failed();
        answer
            .side_effects
            .push(cloudstate_protocol::cloudstate::SideEffect::default());
        response(Some(Fault::ActionFailureDropsSideEffects), &mut answer);
        assert!(answer.side_effects.is_empty());
        assert!(matches!(answer.response, Some(Outcome::Failure(_))));
        let mut answer = failed();
        response(Some(Fault::RestartOnFailure), &mut answer);
        assert!(matches!(answer.response, Some(Outcome::Failure(f)) if f.restart));
        let mut answer = failed();
        response(None, &mut answer);
        assert_eq!(answer, failed());
    }
}

/// [`Fault::CancelledCallPoisons`]: whether the proxy has cancelled a streamed-out call of the model, shared
/// by every call the model serves.
#[derive(Debug, Clone, Default)]
pub(crate) struct Poison(Arc<AtomicBool>);

impl Poison {
    /// Fails a call of a model served with `fault` once a streamed-out call was cancelled.
    pub(crate) fn check(&self, fault: Option<Fault>) -> Result<(), Status> {
        if fault == Some(Fault::CancelledCallPoisons) && self.0.load(Ordering::SeqCst) {
            return Err(Status::unavailable(
                "the action worker stopped after a cancelled streamed-out call",
            ));
        }
        Ok(())
    }

    /// The responses of a streamed-out or duplex call of a model served with `fault`: dropped before
    /// their end (the proxy cancelled the call), they poison the model.
    pub(crate) fn watch(
        &self,
        fault: Option<Fault>,
        responses: ResponseStream<ActionResponse>,
    ) -> ResponseStream<ActionResponse> {
        if fault != Some(Fault::CancelledCallPoisons) {
            return responses;
        }
        let guard = Unfinished {
            poison: self.0.clone(),
            finished: false,
        };
        Box::pin(futures::stream::unfold(
            (responses, guard),
            |(mut responses, mut guard)| async move {
                match responses.next().await {
                    Some(response) => Some((response, (responses, guard))),
                    None => {
                        guard.finish();
                        None
                    }
                }
            },
        ))
    }
}

/// Poisons the model when a streamed-out call is dropped before its last response.
struct Unfinished {
    poison: Arc<AtomicBool>,
    finished: bool,
}

impl Unfinished {
    /// The call sent its last response: dropping it no longer poisons the model.
    fn finish(&mut self) {
        self.finished = true;
    }
}

impl Drop for Unfinished {
    fn drop(&mut self) {
        if !self.finished {
            self.poison.store(true, Ordering::SeqCst);
        }
    }
}
