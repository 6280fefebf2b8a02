//! Lanes: the cases of a run go side by side on lanes, one case per lane at a time. Each lane starts its
//! cases with its own executor and is watched by one of the run's target monitors. In SDK mode the lanes
//! share the user function (and its monitor); in proxy mode each lane has its own proxy instance and
//! interceptor, so the traffic a case sees behind the proxy is its own.

use super::executor::CaseExecutor;
use super::monitor::TargetMonitor;

/// The default number of cases that run at once: enough to hide the waits of a run (quiet periods,
/// passivation and relay timeouts) on any machine, since the cases spend most of their time waiting.
pub(crate) const DEFAULT_JOBS: usize = 16;

/// How many CPU-bound cases run at once by default: one per CPU.
pub(crate) fn default_cpu_jobs() -> usize {
    std::thread::available_parallelism().map_or(2, usize::from)
}

/// The lanes of a run and the monitors that watch them.
pub(crate) struct Lanes<'a> {
    pub(super) executors: Vec<Box<dyn CaseExecutor + 'a>>,
    /// The index in `monitors` of the monitor that watches each lane.
    pub(super) watched_by: Vec<usize>,
    pub(super) monitors: Vec<&'a mut dyn TargetMonitor>,
}

impl<'a> Lanes<'a> {
    /// `jobs` lanes (at least one) on one target: each starts its cases with a copy of `executor`, and
    /// `monitor` watches them all.
    pub(crate) fn shared<E>(executor: E, monitor: &'a mut dyn TargetMonitor, jobs: usize) -> Self
    where
        E: CaseExecutor + Clone + 'a,
    {
        let jobs = jobs.max(1);
        Lanes {
            executors: (0..jobs)
                .map(|_| Box::new(executor.clone()) as Box<dyn CaseExecutor + 'a>)
                .collect(),
            watched_by: vec![0; jobs],
            monitors: vec![monitor],
        }
    }

    /// One lane per instance of the target: its executor and the monitor of that instance.
    pub(crate) fn separate(
        lanes: impl IntoIterator<Item = (Box<dyn CaseExecutor + 'a>, &'a mut dyn TargetMonitor)>,
    ) -> Self {
        let mut separate = Lanes {
            executors: Vec::new(),
            watched_by: Vec::new(),
            monitors: Vec::new(),
        };
        for (executor, monitor) in lanes {
            separate.watched_by.push(separate.monitors.len());
            separate.executors.push(executor);
            separate.monitors.push(monitor);
        }
        separate
    }

    /// How many cases run at once.
    pub(crate) fn len(&self) -> usize {
        self.executors.len()
    }
}
