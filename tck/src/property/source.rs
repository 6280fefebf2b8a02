//! Where a property's scenarios come from: proptest's runner and the value tree of the current scenario,
//! kept on a thread of their own.
//!
//! Value trees of boxed or recursive strategies are not `Send`, while a case runs as a `Send` future that
//! holds its current scenario across every await. So the strategy is built, run and shrunk on a thread,
//! and the case asks it for scenarios (plain data, sent back over a channel).

use std::sync::mpsc;

use proptest::strategy::{Strategy, ValueTree};
use tokio::sync::oneshot;

use super::runner::test_runner;

/// What the case asks of the scenario thread.
enum Request<V> {
    /// A new scenario, which becomes the current one.
    Next(oneshot::Sender<Result<V, String>>),
    /// A simpler variant of the current scenario, if there is one.
    Simplify(oneshot::Sender<Option<V>>),
    /// Back towards the last failing variant, after a simpler one passed.
    Complicate(oneshot::Sender<Option<V>>),
    /// Put the current scenario aside, to shrink it later; answers its handle.
    Keep(oneshot::Sender<Option<usize>>),
    /// Make a scenario put aside the current one again; answers whether there was one.
    Resume(usize, oneshot::Sender<bool>),
}

/// The scenarios of one property, generated and shrunk on their own thread; the thread ends when this is
/// dropped.
pub(crate) struct ScenarioSource<V> {
    requests: mpsc::Sender<Request<V>>,
}

impl<V: Send + 'static> ScenarioSource<V> {
    /// Starts the thread: `strategy` builds the strategy there, and its RNG comes from the run's seed and
    /// the case ID (see [`test_runner`]).
    pub(crate) fn start<S, M>(strategy: M, seed: u64, case_id: &str) -> Result<Self, String>
    where
        M: FnOnce() -> S + Send + 'static,
        S: Strategy<Value = V>,
    {
        let (requests, received) = mpsc::channel::<Request<V>>();
        let case_id = case_id.to_owned();
        std::thread::Builder::new()
            .name(format!("scenarios {case_id}"))
            .spawn(move || serve(strategy(), seed, &case_id, &received))
            .map_err(|error| format!("could not start the scenario thread: {error}"))?;
        Ok(ScenarioSource { requests })
    }

    async fn ask<T>(&self, request: impl FnOnce(oneshot::Sender<T>) -> Request<V>) -> Option<T> {
        let (answer, answered) = oneshot::channel();
        self.requests.send(request(answer)).ok()?;
        answered.await.ok()
    }

    /// The next scenario.
    pub(crate) async fn next(&self) -> Result<V, String> {
        self.ask(Request::Next)
            .await
            .unwrap_or_else(|| Err("the scenario thread stopped".to_owned()))
    }

    /// A simpler variant of the current scenario, or `None` when it cannot be simplified.
    pub(crate) async fn simplify(&self) -> Option<V> {
        self.ask(Request::Simplify).await.flatten()
    }

    /// The variant between the last simplification and the last failing one, or `None`.
    pub(crate) async fn complicate(&self) -> Option<V> {
        self.ask(Request::Complicate).await.flatten()
    }

    /// Puts the current scenario aside, so that later scenarios can be run before it is shrunk; `None`
    /// when there is no current scenario.
    pub(crate) async fn keep(&self) -> Option<usize> {
        self.ask(Request::Keep).await.flatten()
    }

    /// Makes the scenario put aside under `handle` the current one, to shrink it; false when there is
    /// none (or it was resumed before).
    pub(crate) async fn resume(&self, handle: usize) -> bool {
        self.ask(|answer| Request::Resume(handle, answer))
            .await
            .unwrap_or(false)
    }
}

fn serve<S: Strategy>(
    strategy: S,
    seed: u64,
    case_id: &str,
    requests: &mpsc::Receiver<Request<S::Value>>,
) {
    let mut runner = test_runner(seed, case_id);
    let mut tree: Option<S::Tree> = None;
    let mut kept: Vec<Option<S::Tree>> = Vec::new();
    while let Ok(request) = requests.recv() {
        match request {
            Request::Next(answer) => {
                let next = strategy.new_tree(&mut runner).map_err(|e| e.to_string());
                let value = next.map(|new| tree.insert(new).current());
                let _ = answer.send(value);
            }
            Request::Simplify(answer) => {
                let value = tree
                    .as_mut()
                    .and_then(|tree| tree.simplify().then(|| tree.current()));
                let _ = answer.send(value);
            }
            Request::Complicate(answer) => {
                let value = tree
                    .as_mut()
                    .and_then(|tree| tree.complicate().then(|| tree.current()));
                let _ = answer.send(value);
            }
            Request::Keep(answer) => {
                let handle = tree.take().map(|current| {
                    kept.push(Some(current));
                    kept.len() - 1
                });
                let _ = answer.send(handle);
            }
            Request::Resume(handle, answer) => {
                tree = kept.get_mut(handle).and_then(Option::take);
                let _ = answer.send(tree.is_some());
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    #[tokio::test]
    async fn a_boxed_strategy_runs_and_shrinks_on_its_thread() {
        let source =
            ScenarioSource::start(|| (10u32..100).boxed(), 3, "a.sdk.case").expect("started");
        let first = source.next().await.expect("a value");
        assert!((10..100).contains(&first));
        let mut smallest = first;
        while let Some(simpler) = source.simplify().await {
            smallest = simpler;
        }
        assert_eq!(smallest, 10);
    }

    #[tokio::test]
    async fn a_kept_scenario_shrinks_after_later_ones() {
        let source =
            ScenarioSource::start(|| (10u32..100).boxed(), 5, "a.sdk.case").expect("started");
        let first = source.next().await.expect("a value");
        let handle = source.keep().await.expect("kept");
        assert_eq!(
            source.simplify().await,
            None,
            "nothing is current once kept"
        );
        let _later = source.next().await.expect("a value");
        assert!(source.resume(handle).await);
        let mut smallest = first;
        while let Some(simpler) = source.simplify().await {
            smallest = simpler;
        }
        assert_eq!(smallest, 10);
        assert!(!source.resume(handle).await, "a scenario resumes once");
    }
}
