//! Hybrid logical clocks: timestamps that follow wall time but never run backwards and always order an
//! edit after the edit it saw, even when a device's clock is wrong.

use serde::{Deserialize, Serialize};
use std::fmt;

/// A hybrid logical clock reading: milliseconds since the Unix epoch, and a counter for events in the same
/// millisecond (or while the wall clock lags behind a reading already seen). Ordered by `wall_ms`, then `counter`.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Hlc {
    pub wall_ms: u64,
    pub counter: u32,
}

impl Hlc {
    pub const fn new(wall_ms: u64, counter: u32) -> Self {
        Self { wall_ms, counter }
    }
}

impl fmt::Debug for Hlc {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}", self.wall_ms, self.counter)
    }
}

/// A reading from another clock too far ahead of ours to trust.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("clock reading {remote:?} is more than {max_ahead_ms} ms ahead of local time {physical_ms}")]
pub struct ClockSkew {
    pub remote: Hlc,
    pub physical_ms: u64,
    pub max_ahead_ms: u64,
}

/// One node's clock. Pure: the caller passes the physical time, so tests and replays are deterministic.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct HlcClock {
    last: Hlc,
}

impl HlcClock {
    /// How far ahead of our wall clock a remote reading may be before we refuse it. A log stamped a year
    /// ahead would otherwise win every later merge.
    pub const MAX_AHEAD_MS: u64 = 24 * 60 * 60 * 1000;

    /// A clock that continues after `last`, the greatest reading this node has issued or seen.
    pub fn resume(last: Hlc) -> Self {
        Self { last }
    }

    pub fn last(&self) -> Hlc {
        self.last
    }

    /// A new reading for a local event, greater than every reading before it.
    pub fn tick(&mut self, physical_ms: u64) -> Hlc {
        self.last = if physical_ms > self.last.wall_ms {
            Hlc::new(physical_ms, 0)
        } else {
            Hlc::new(self.last.wall_ms, self.last.counter.saturating_add(1))
        };
        self.last
    }

    /// Takes in a reading from another node, so that our next reading orders after it.
    pub fn observe(&mut self, remote: Hlc, physical_ms: u64) -> Result<Hlc, ClockSkew> {
        if remote.wall_ms > physical_ms.saturating_add(Self::MAX_AHEAD_MS) {
            return Err(ClockSkew { remote, physical_ms, max_ahead_ms: Self::MAX_AHEAD_MS });
        }
        let wall = self.last.wall_ms.max(remote.wall_ms).max(physical_ms);
        let counter = match (wall == self.last.wall_ms, wall == remote.wall_ms) {
            (true, true) => self.last.counter.max(remote.counter).saturating_add(1),
            (true, false) => self.last.counter.saturating_add(1),
            (false, true) => remote.counter.saturating_add(1),
            (false, false) => 0,
        };
        self.last = Hlc::new(wall, counter);
        Ok(self.last)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn follows_wall_time_and_never_goes_back() {
        let mut c = HlcClock::default();
        assert_eq!(c.tick(1000), Hlc::new(1000, 0));
        assert_eq!(c.tick(1000), Hlc::new(1000, 1));
        // The wall clock was set back: readings still increase.
        assert_eq!(c.tick(500), Hlc::new(1000, 2));
        assert_eq!(c.tick(2000), Hlc::new(2000, 0));
    }

    #[test]
    fn observe_orders_after_the_remote_reading() {
        let mut c = HlcClock::resume(Hlc::new(1000, 3));
        let r = c.observe(Hlc::new(5000, 7), 2000).unwrap();
        assert_eq!(r, Hlc::new(5000, 8));
        assert!(c.tick(2000) > Hlc::new(5000, 7));
    }

    #[test]
    fn refuses_readings_far_in_the_future() {
        let mut c = HlcClock::default();
        let far = Hlc::new(10 + HlcClock::MAX_AHEAD_MS + 1, 0);
        assert!(c.observe(far, 10).is_err());
        assert_eq!(c.last(), Hlc::default());
    }

    proptest! {
        #[test]
        fn readings_strictly_increase(events in prop::collection::vec((any::<bool>(), 0u64..10_000, 0u64..10_000, 0u32..5), 1..60)) {
            let mut c = HlcClock::default();
            let mut prev = c.last();
            for (is_remote, physical, remote_wall, remote_counter) in events {
                let next = if is_remote {
                    let remote = Hlc::new(remote_wall, remote_counter);
                    let r = c.observe(remote, physical).unwrap();
                    prop_assert!(r > remote);
                    r
                } else {
                    c.tick(physical)
                };
                prop_assert!(next > prev);
                prop_assert!(next.wall_ms >= physical);
                prev = next;
            }
        }
    }
}
