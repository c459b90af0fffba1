//! Reading one pair's history incrementally: what its new lines changed, and its measure from
//! its last days only.
//!
//! Owns: [`Cursor`], how far a pair's visible lines were read (the start of its last line day,
//! the purchase days before it), [`Cursor::read`], which re-reads only from that last day on,
//! and [`measure_recent`], the pair's [`PairMeasure`] from its last
//! `RECENT_INTERVALS + 1` purchase days. Lines of a pair are only ever inserted (a merge rebuilds
//! the feed), so a day before the cursor's last one that is still where it was is unchanged:
//! an order costs the lines of its own days, not the pair's history. The rules (what a purchase
//! day is, the rhythm, the seasonal pause) stay in the state and the detectors; the tests here
//! check the result equals [`measure_pair`] on the whole history.

use super::recent_days::{ReadDays, RecentDays};
use super::recent_rhythm::recent_rhythm;
use crate::day::Day;
use crate::detect::lapses::{seasonal_until, PairMeasure, MIN_PURCHASES};
use crate::state::{line_days, Purchase};
use smallvec::SmallVec;

/// How far a pair's visible lines were read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct Cursor {
    /// Visible lines read.
    pub lines: u32,
    /// Lines before the last line day (a re-read starts there: that day may get more lines).
    tail_start: u32,
    /// Purchase days before the last line day.
    purchases_before: u32,
    /// The last line day, and whether it is a purchase day.
    tail_day: Day,
    tail_purchase: bool,
    /// The first purchase day read (kept: the pair's first lines are seldom in cache).
    first: Option<Day>,
}

/// What a re-read found.
#[derive(Clone, Debug, PartialEq)]
pub(super) enum Read {
    /// Only the last day and later ones changed: the purchase day that stopped being one (the
    /// last day, netted out by a return) and the new purchase days, ascending; `from` is the
    /// first line re-read (the start of the last line day read before); `days` the purchase
    /// days from there on with their net amounts (for the pair's kept days).
    Appended {
        from: u32,
        removed: Option<Day>,
        added: SmallVec<[Day; 4]>,
        days: ReadDays,
    },
    /// A line was inserted before the last day read: the pair's days are read anew.
    Rewritten,
}

impl Default for Cursor {
    fn default() -> Self {
        Cursor {
            lines: 0,
            tail_start: 0,
            purchases_before: 0,
            tail_day: Day(i32::MIN),
            tail_purchase: false,
            first: None,
        }
    }
}

impl Cursor {
    /// The first purchase day read.
    pub fn first(&self) -> Option<Day> {
        self.first
    }

    /// Purchase days read.
    pub fn purchases(&self) -> u32 {
        self.purchases_before + u32::from(self.tail_purchase)
    }

    /// Moves the cursor to the pair's `visible` lines (those up to the day read, never fewer
    /// than before) and says what changed.
    pub fn read(&mut self, visible: &[Purchase]) -> Read {
        let start = self.tail_start as usize;
        let kept = self.lines == 0
            || (visible.len() >= self.lines as usize && visible[start].day == self.tail_day);
        if !kept {
            // Lines are only inserted, sorted by day: one before the last day shifted it.
            *self = Cursor::from_lines(visible);
            return Read::Rewritten;
        }
        let (mut removed, mut added) = (None, SmallVec::new());
        let (mut at, mut before) = (start, self.purchases_before);
        let mut read = ReadDays::new(visible.get(start).map_or(self.tail_day, |l| l.day));
        let mut days = line_days(&visible[start..]).peekable();
        while let Some(d) = days.next() {
            let was = self.lines > 0 && d.day == self.tail_day && self.tail_purchase;
            if was && !d.purchase {
                removed = Some(d.day);
            } else if d.purchase && !was {
                added.push(d.day);
            }
            if d.purchase {
                read.push(d.day, d.net);
            }
            if days.peek().is_none() {
                self.tail_day = d.day;
                self.tail_purchase = d.purchase;
                break;
            }
            at += d.lines;
            before += u32::from(d.purchase);
        }
        self.tail_start = at as u32;
        self.purchases_before = before;
        self.lines = visible.len() as u32;
        if self.first.is_none() || self.first == removed {
            // No purchase before the netted-out day: the first is now the first added.
            self.first = added.first().copied();
        }
        Read::Appended {
            from: start as u32,
            removed,
            added,
            days: read,
        }
    }

    /// The cursor of a pair read in full.
    fn from_lines(visible: &[Purchase]) -> Cursor {
        let mut cursor = Cursor::default();
        cursor.read(visible);
        cursor
    }
}

/// Measures a pair from its `visible` lines (those up to `as_of`) with `purchases` purchase
/// days, the first on `first` (as its cursor read them), on the customer's order days `orders`:
/// [`measure_pair`] reading only the pair's last `RECENT_INTERVALS + 1` purchase days (`recent`,
/// filled from the lines when they are not all kept) and, for a pair older than a year, its
/// first purchase after a year before the last. Allocates nothing. `year_mark` is where the
/// lines of the year before the last purchase began at the previous measure (any index is
/// correct, a close one is cheap): it moves on to the current one. `appended` says the order
/// days only grew at their end since `recent`'s days were placed on them (their places are
/// kept; see [`RecentDays::positions`]).
///
/// [`measure_pair`]: crate::detect::lapses::measure_pair
pub(super) fn measure_recent(
    visible: &[Purchase],
    (purchases, first): (u32, Day),
    (orders, appended): (&[Day], bool),
    as_of: Day,
    year_mark: &mut u32,
    recent: &mut RecentDays,
) -> Option<PairMeasure> {
    if (purchases as usize) < MIN_PURCHASES {
        return None;
    }
    if !recent.complete(purchases) {
        recent.fill(visible);
    }
    // The order clock, as `orders_between` counts it: order days up to each purchase day,
    // searched back from the end (the pair's last days are the customer's last orders).
    let orders_to_date = position_before(orders, orders.len(), as_of);
    recent.positions(orders, orders_to_date, appended);
    let recent: &RecentDays = recent;
    let (position, days, nets) = (recent.placed(), recent.days(), recent.nets());
    let n = position.len();
    let sorted = recent.sorted_intervals();
    let rhythm = recent_rhythm(days, nets, sorted, position, purchases as usize)?;
    let last = days[n - 1];
    // Only a pair bought before the year before its last purchase can be seasonal.
    let first_after = if first < last - 365 {
        *year_mark = lines_until(visible, *year_mark as usize, last - 365) as u32;
        first_purchase(&visible[*year_mark as usize..])?
    } else {
        last
    };
    Some(PairMeasure {
        rhythm,
        last,
        gap_orders: orders_to_date as u32 - position[n - 1],
        seasonal_until: seasonal_until(first, first_after, last, as_of),
    })
}

/// The days of `orders` on or before `day`, all of them before index `end`: a search back from
/// `end` by doubling steps, so a day among the last few orders costs a step or two.
pub(super) fn position_before(orders: &[Day], end: usize, day: Day) -> usize {
    let (mut hi, mut step) = (end, 1);
    while hi >= step && orders[hi - step] > day {
        hi -= step;
        step *= 2;
    }
    let lo = hi.saturating_sub(step);
    lo + orders[lo..hi].partition_point(|o| *o <= day)
}

/// The lines on or before `day` (a partition point), walking on from `hint` when it is not
/// past the answer and close to it; else a binary search. Lines are only inserted, so the
/// lines visible at an earlier day are a good hint.
pub(super) fn lines_until(lines: &[Purchase], hint: usize, day: Day) -> usize {
    const WALK: usize = 16;
    let valid = hint <= lines.len() && (hint == 0 || lines[hint - 1].day <= day);
    if valid && hint > 0 {
        let stop = (hint + WALK).min(lines.len());
        if let Some(at) = lines[hint..stop].iter().position(|p| p.day > day) {
            return hint + at;
        }
        if stop == lines.len() {
            return stop;
        }
    }
    lines.partition_point(|p| p.day <= day)
}

/// The first purchase day of whole days of lines.
fn first_purchase(lines: &[Purchase]) -> Option<Day> {
    line_days(lines).find(|d| d.purchase).map(|d| d.day)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::detect::lapses::measure_pair;
    use crate::ids::ProductId;
    use crate::state::PairHistory;
    use proptest::prelude::*;

    fn line(day: i32, quantity: f32, net: f32) -> Purchase {
        Purchase {
            day: Day(day),
            quantity,
            net,
            list: None,
        }
    }

    /// Lines on days 0..days, a few per day, some of them returns.
    fn lines() -> impl Strategy<Value = Vec<Purchase>> {
        prop::collection::vec((0..900i32, -2i8..6, 1u8..50), 0..80).prop_map(|raw| {
            raw.into_iter()
                .map(|(day, q, net)| line(day, f32::from(q), f32::from(net) * f32::from(q)))
                .collect()
        })
    }

    fn history_of(lines: &[Purchase]) -> PairHistory {
        let mut h = PairHistory::new(ProductId(0));
        for l in lines {
            h.insert(*l);
        }
        h
    }

    /// `recent` is what the feed kept of the pair's last days (filled here when incomplete).
    fn check_measure(h: &PairHistory, as_of: Day, cursor: &Cursor, recent: &mut RecentDays) {
        let (days, nets): (Vec<Day>, Vec<f64>) = h.purchases_until(as_of).unzip();
        let visible = h.until(as_of);
        assert_eq!(cursor.lines as usize, visible.len());
        assert_eq!(cursor.purchases() as usize, days.len());
        let mut orders = days.clone();
        orders.extend(days.iter().map(|d| *d + 3));
        orders.sort_unstable();
        orders.dedup();
        let full = measure_pair(&days, &nets, &orders, as_of);
        let mut mark = 0;
        let first = days.first().copied().unwrap_or(Day(i32::MAX));
        assert_eq!(cursor.first(), days.first().copied());
        let read = (cursor.purchases(), first);
        let recent = measure_recent(visible, read, (&orders, false), as_of, &mut mark, recent);
        // A mark left by an earlier measure, and last days read from the lines, give the same.
        let mut stale = visible.len() as u32 / 3;
        let mut filled = RecentDays::default();
        let again = measure_recent(
            visible,
            read,
            (&orders, false),
            as_of,
            &mut stale,
            &mut filled,
        );
        assert_eq!(format!("{recent:?}"), format!("{again:?}"));
        // So do the places kept from that measure (the order days did not change).
        let kept = measure_recent(
            visible,
            read,
            (&orders, true),
            as_of,
            &mut stale,
            &mut filled,
        );
        assert_eq!(format!("{kept:?}"), format!("{again:?}"));
        if recent.as_ref().is_some_and(|r| first < r.last - 365) {
            assert_eq!(mark, stale);
        }
        match (full, recent) {
            (None, None) => {}
            (Some(f), Some(r)) => {
                assert_eq!(f.rhythm, r.rhythm);
                assert_eq!(f.last, r.last);
                assert_eq!(f.gap_orders, r.gap_orders);
                assert_eq!(f.seasonal_until, r.seasonal_until);
            }
            (f, r) => panic!("full {f:?}, recent {r:?}"),
        }
    }

    proptest! {
        /// Lines arriving in batches, each read from the cursor: the cursor counts the pair's
        /// purchase days, reports exactly the days that came and went, and the measure from
        /// the last days equals the measure from the whole history.
        #[test]
        fn incremental_reads_equal_full_reads(all in lines(), cuts in prop::collection::vec(0..900i32, 1..6)) {
            let mut cuts = cuts;
            cuts.sort_unstable();
            cuts.push(1000);
            let mut h = PairHistory::new(ProductId(0));
            let mut cursor = Cursor::default();
            let mut counted: Vec<Day> = Vec::new();
            let mut rewritten = false;
            let mut recent = RecentDays::default();
            for (i, as_of) in cuts.iter().map(|c| Day(*c)).enumerate() {
                // Batch i: its lines arrive, some dated in the past.
                for l in all.iter().skip(i).step_by(cuts.len()) {
                    h.insert(*l);
                }
                match cursor.read(h.until(as_of)) {
                    Read::Appended { from, removed, added, days } => {
                        // The days the cursor found, or the lines again: the same kept days.
                        let lines = &h.until(as_of)[from as usize..];
                        let mut again = recent.clone();
                        again.reread(lines);
                        recent.reread_found(&days, lines);
                        prop_assert_eq!(recent.days(), again.days());
                        prop_assert_eq!(recent.nets(), again.nets());
                        prop_assert_eq!(recent.sorted_intervals(), again.sorted_intervals());
                        if let Some(d) = removed {
                            prop_assert_eq!(counted.pop(), Some(d));
                        }
                        prop_assert!(added.iter().all(|d| counted.last().is_none_or(|l| d > l)));
                        counted.extend(added);
                    }
                    Read::Rewritten => {
                        recent.clear();
                        rewritten = true;
                        counted = h.purchase_days_until(as_of).collect();
                    }
                }
                let days: Vec<Day> = h.purchase_days_until(as_of).collect();
                prop_assert_eq!(&counted, &days, "rewritten before: {}", rewritten);
                check_measure(&h, as_of, &cursor, &mut recent);
            }
        }
    }

    #[test]
    fn searches_from_a_hint_equal_the_partition_point() {
        let orders: Vec<Day> = (0..40).map(|i| Day(i * 3)).collect();
        let lines: Vec<Purchase> = orders.iter().map(|d| line(d.0, 1.0, 1.0)).collect();
        for day in -2..125 {
            let want = orders.partition_point(|o| o.0 <= day);
            for end in want..=orders.len() {
                assert_eq!(position_before(&orders, end, Day(day)), want);
            }
            for hint in 0..=lines.len() {
                assert_eq!(lines_until(&lines, hint, Day(day)), want);
            }
        }
    }

    #[test]
    fn a_return_on_the_last_day_removes_it_and_a_line_in_the_past_rewrites() {
        let mut lines = vec![line(0, 1.0, 5.0), line(10, 1.0, 5.0), line(20, 2.0, 9.0)];
        let mut h = history_of(&lines);
        let mut cursor = Cursor::default();
        let read = cursor.read(h.until(Day(30)));
        assert!(
            matches!(read, Read::Appended { from: 0, removed: None, ref added, .. } if added.len() == 3)
        );
        lines.push(line(20, -2.0, -9.0));
        h = history_of(&lines);
        let read = cursor.read(h.until(Day(30)));
        assert_eq!(
            read,
            Read::Appended {
                from: 2,
                removed: Some(Day(20)),
                added: SmallVec::new(),
                days: ReadDays::new(Day(20)),
            }
        );
        assert_eq!(cursor.purchases(), 2);
        h.insert(line(5, 1.0, 1.0));
        assert_eq!(cursor.read(h.until(Day(30))), Read::Rewritten);
        assert_eq!(cursor.purchases(), 3);
        h.insert(line(40, 1.0, 1.0));
        let read = cursor.read(h.until(Day(40)));
        let mut days = ReadDays::new(Day(20));
        days.push(Day(40), 1.0);
        assert_eq!(
            read,
            Read::Appended {
                from: 3,
                removed: None,
                added: SmallVec::from_slice(&[Day(40)]),
                days,
            }
        );
        check_measure(&h, Day(40), &cursor, &mut RecentDays::default());
    }
}
