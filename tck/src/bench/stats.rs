//! Latency samples and their summary: requests per second and nearest-rank percentiles.

use std::time::Duration;

use serde::Serialize;

/// The latencies of the requests of one run, and how many failed.
#[derive(Debug, Default, Clone)]
pub(crate) struct Samples {
    nanos: Vec<u64>,
    errors: u64,
    first_error: Option<String>,
}

impl Samples {
    /// An empty set with room for `capacity` latencies.
    pub(crate) fn with_capacity(capacity: usize) -> Samples {
        Samples {
            nanos: Vec::with_capacity(capacity),
            ..Samples::default()
        }
    }

    /// Records a request that succeeded after `latency`.
    pub(crate) fn record(&mut self, latency: Duration) {
        self.nanos
            .push(u64::try_from(latency.as_nanos()).unwrap_or(u64::MAX));
    }

    /// Records a request that failed; the first failure's message is kept.
    pub(crate) fn record_error(&mut self, error: impl FnOnce() -> String) {
        self.errors += 1;
        if self.first_error.is_none() {
            self.first_error = Some(error());
        }
    }

    /// Adds another set's samples to this one.
    pub(crate) fn merge(&mut self, other: Samples) {
        self.nanos.extend(other.nanos);
        self.errors += other.errors;
        if self.first_error.is_none() {
            self.first_error = other.first_error;
        }
    }

    /// How many requests succeeded.
    pub(crate) fn successes(&self) -> usize {
        self.nanos.len()
    }

    /// The first failure's message, if any request failed.
    pub(crate) fn first_error(&self) -> Option<&str> {
        self.first_error.as_deref()
    }

    /// The summary of a run that took `elapsed`.
    pub(crate) fn summarize(mut self, elapsed: Duration) -> Summary {
        self.nanos.sort_unstable();
        let millis = |per_mille: u64| {
            percentile(&self.nanos, per_mille).map_or(0.0, |nanos| nanos as f64 / 1e6)
        };
        let requests = u64::try_from(self.nanos.len()).unwrap_or(u64::MAX);
        let seconds = elapsed.as_secs_f64();
        Summary {
            requests,
            errors: self.errors,
            seconds,
            per_second: if seconds > 0.0 {
                requests as f64 / seconds
            } else {
                0.0
            },
            p50_ms: millis(500),
            p99_ms: millis(990),
            p999_ms: millis(999),
        }
    }
}

/// What one run measured.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub(crate) struct Summary {
    /// Requests that succeeded.
    pub requests: u64,
    /// Requests that failed (an error status or no answer in time).
    pub errors: u64,
    /// How long the run took, in seconds.
    pub seconds: f64,
    /// Successful requests per second.
    pub per_second: f64,
    /// The median latency, in milliseconds.
    pub p50_ms: f64,
    /// The 99th percentile latency, in milliseconds.
    pub p99_ms: f64,
    /// The 99.9th percentile latency, in milliseconds.
    pub p999_ms: f64,
}

/// The nearest-rank percentile of `sorted` (ascending), in thousandths: the smallest sample with at least
/// `per_mille`/1000 of all samples at or below it. `None` when there are no samples.
pub(crate) fn percentile(sorted: &[u64], per_mille: u64) -> Option<u64> {
    let count = u64::try_from(sorted.len()).ok()?;
    let rank = (per_mille.min(1000) * count).div_ceil(1000).max(1);
    sorted.get(usize::try_from(rank - 1).ok()?).copied()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_are_nearest_rank() {
        let sorted: Vec<u64> = (1..=1000).collect();
        assert_eq!(percentile(&sorted, 500), Some(500));
        assert_eq!(percentile(&sorted, 990), Some(990));
        assert_eq!(percentile(&sorted, 999), Some(999));
        assert_eq!(percentile(&sorted, 1000), Some(1000));
        assert_eq!(percentile(&sorted, 0), Some(1));

        let few = [10, 20, 30];
        assert_eq!(percentile(&few, 500), Some(20));
        assert_eq!(percentile(&few, 990), Some(30));
        assert_eq!(percentile(&few, 334), Some(20));
        assert_eq!(percentile(&few, 333), Some(10));
        assert_eq!(percentile(&[7], 999), Some(7));
        assert_eq!(percentile(&[], 500), None);
    }

    #[test]
    fn a_summary_counts_rates_and_percentiles() {
        let mut samples = Samples::with_capacity(4);
        for millis in [4, 1, 3, 2] {
            samples.record(Duration::from_millis(millis));
        }
        let mut other = Samples::default();
        other.record_error(|| "first".to_owned());
        other.record_error(|| "second".to_owned());
        samples.merge(other);
        assert_eq!(samples.successes(), 4);
        assert_eq!(samples.first_error(), Some("first"));
        let summary = samples.summarize(Duration::from_secs(2));
        assert_eq!((summary.requests, summary.errors), (4, 2));
        assert!((summary.per_second - 2.0).abs() < 1e-9);
        assert!((summary.p50_ms - 2.0).abs() < 1e-9);
        assert!((summary.p99_ms - 4.0).abs() < 1e-9);
        assert!((summary.p999_ms - 4.0).abs() < 1e-9);
    }
}
