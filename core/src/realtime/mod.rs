//! The real-time feed behind `Engine::advance`: signals as they rise, without a full rescan.
//!
//! Owns: the [`TimerQueue`] of calendar events and the [`Feed`], the incremental cache of every
//! pair's lapse state (see [`feed`] for what wakes a pair, the refit cadence of the pooled
//! priors and the cadence of the customer- and team-level detectors). It reads the state and
//! the detectors' shared rules; it must not change histories, nor hold statistics of its own:
//! each rule lives once, in [`crate::detect`], and the feed only decides when to apply it.

mod day_counts;
pub mod feed;
mod pair_reader;
mod recent_days;
mod recent_rhythm;
pub mod timer_queue;
mod watch_list;

pub use feed::{Feed, FeedOptions, SignalKey, Step};
pub use timer_queue::TimerQueue;
