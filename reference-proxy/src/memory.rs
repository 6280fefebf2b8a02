//! Giving memory back to the operating system once many entities have passivated.
//!
//! The memory of a passivated entity is freed, and the next entities reuse it, but glibc's allocator
//! keeps freed pages of its per-thread arenas mapped, so the proxy's resident size stays at its peak.
//! After a wave of passivations (a tenth of the peak's active entities, at least 100) the proxy asks the
//! allocator to return free pages with `malloc_trim`. Other allocators and platforms are left to their
//! own policy.

use std::time::Duration;

use crate::limits::EntityLimits;

/// How often the count of active entities is looked at.
const CHECK_EVERY: Duration = Duration::from_secs(5);
/// The fewest passivations since the last trim that are worth a trim.
const MIN_WAVE: usize = 100;

/// Watches the active entities and trims the allocator after each wave of passivations, for as long as
/// the runtime runs.
pub(crate) fn trim_after_passivations(limits: EntityLimits) {
    tokio::spawn(async move {
        let mut peak = limits.active();
        let mut ticks = tokio::time::interval(CHECK_EVERY);
        loop {
            ticks.tick().await;
            let active = limits.active();
            if is_wave(peak, active) {
                let trimmed = tokio::task::spawn_blocking(trim).await.unwrap_or(false);
                tracing::debug!(peak, active, trimmed, "entities passivated; memory trimmed");
                peak = active;
            } else {
                peak = peak.max(active);
            }
        }
    });
}

/// Whether going from `peak` active entities down to `active` is a wave worth a trim.
fn is_wave(peak: usize, active: usize) -> bool {
    let gone = peak.saturating_sub(active);
    gone >= MIN_WAVE && gone >= peak / 10
}

/// Returns the allocator's free pages to the system; whether it could.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
#[allow(unsafe_code)]
fn trim() -> bool {
    // SAFETY: `malloc_trim` only releases memory that the allocator holds as free; it takes no pointer
    // and is safe to call from any thread at any time.
    unsafe { libc::malloc_trim(0) == 1 }
}

/// Other allocators return memory by their own policy.
#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
fn trim() -> bool {
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_wave_of_passivations_trims() {
        assert!(!is_wave(50, 0), "too few to matter");
        assert!(is_wave(1_000, 800));
        assert!(!is_wave(50_000, 49_000), "a small share of a large peak");
        assert!(is_wave(50_000, 0));
        assert!(!is_wave(10, 20));
    }

    #[test]
    fn trimming_is_harmless() {
        let _ = trim();
    }
}
