//! The real-time feed: what `Engine::advance` reports, without rescanning every pair each day.
//!
//! Owns: [`Feed`], a cache of every customer x product pair's lapse state (rhythm, open gap,
//! the number of orders after which it becomes reportable, the flags that decide whether it is
//! watched), the per-product and per-segment aggregates the lapse rules read, the timer queue of
//! calendar events, and the keys reported at the previous advance. It reads the state and
//! the detectors' shared rules ([`crate::detect::lapses`], the signal builders); it never changes
//! the state (it only drains its dirty-customer record) and holds no statistics of its own.
//!
//! # What wakes a pair
//!
//! A pair's rhythm and its open gap are counted on the customer's order clock, so they change
//! only when the customer orders: a lapse becomes reportable at one of the customer's orders
//! (its "overdue from" point is a number of orders without the item, `Watch::overdue_after`),
//! never on a quiet day. A pair is scored only while watched (past its due day) and at most
//! once per order of its customer. What the calendar alone changes is kept apart:
//!
//! - customers that received lines since the last advance (the state's dirty record) are
//!   re-read: a pair whose lines changed is read from its last day on and measured again from
//!   its last purchase days (`pair_reader`; an arriving order resets the item's gap and
//!   cancels any pending lapse), the others' open gaps grow by the new order days;
//! - per customer one timer (the earliest of its calendar events, with a generation counter so a
//!   newer event cancels the older lazily): a seasonal pause ending (a year after the first
//!   purchase of last year's quiet weeks), a lapse leaving its product's segment window (due +
//!   [`SEGMENT_WINDOW_DAYS`]), a line dated after the clock becoming visible;
//! - per product, each advance: whether it is paused (its regular buyers' purchases over the
//!   pause windows, kept as per-day counts; see `detect::product_pause`) and its latest
//!   restart; a change
//!   re-judges that product's pairs only;
//! - the pooled priors ([`RhythmPriors`]) are refitted every `refit_every_days` (default 7):
//!   between refits a pair is scored with priors at most that many days old (so a segment's
//!   surge of stops, which is part of them, shows up to that many days late), then every pair
//!   is re-judged from its cached rhythm (no history is re-read);
//! - the segment test of `item_lapsed_across_similar` runs every advance on counts kept per
//!   (segment, product);
//! - customer- and team-level detectors (`customer_at_risk`, `frequency_drop`, `cross_sell`,
//!   `seasonal_due`, `discount_spike`, `deal_stalled`, `pipeline_slowdown`) run on a full scene
//!   every `customer_level_every_days` (default 7: once a week); their signals rise on those
//!   days, and the customers they explain (at risk, buying less often) keep their item lapses
//!   out of the feed until the next run.
//!
//! With both cadences at 1 the feed reports exactly what diffing full rescans reports (the
//! `realtime` integration test checks it day by day); with the weekly defaults the item-level
//! kinds differ only by the staleness of the priors and of the explained customers, measured
//! in the same test.

use super::day_counts::DayCounts;
use super::pair_reader::{lines_until, measure_recent, Cursor, Read};
use super::recent_days::RecentDays;
use super::timer_queue::TimerQueue;
use super::watch_list::WatchList;
use crate::config::Config;
use crate::day::Day;
use crate::detect::lapses::{
    due_day, lapse_probability_reaching, pair_value, pauses_with_its_product, test_segments,
    PairKey, PairLapse, SegmentGroup, SEGMENT_WINDOW_DAYS,
};
use crate::detect::product_pause::{
    pause_expectation, paused_products, PauseActivity, PauseCounts, PAUSE_WINDOW_DAYS,
};
use crate::detect::{
    across_similar_signal, detectors, explains_item_lapses, is_pair_level, is_variety_drop,
    item_lapsed_signal, variety_drop_signal, Scene,
};
use crate::ids::{CustomerId, LabelId, ProductId};
use crate::models::pair_rhythm::{MeasuredPair, OpenGap, RhythmPriors};
use crate::signal::{Signal, SignalKind};
use crate::state::{line_days, PairHistory, Purchase, State};
use std::collections::{BTreeMap, BTreeSet};

/// What identifies a signal over time (as [`Signal::key`]).
pub type SignalKey = (
    SignalKind,
    Option<CustomerId>,
    Option<ProductId>,
    Option<LabelId>,
);

/// How often the feed refreshes what it does not keep incrementally.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FeedOptions {
    /// Days between refits of the pooled rhythm priors (1 = every advance, exact).
    pub refit_every_days: u32,
    /// Days between runs of the customer- and team-level detectors (1 = every advance, exact).
    pub customer_level_every_days: u32,
}

impl Default for FeedOptions {
    fn default() -> Self {
        FeedOptions {
            refit_every_days: 7,
            customer_level_every_days: 7,
        }
    }
}

impl FeedOptions {
    /// Both cadences at one day: the feed reports exactly what a full rescan per advance would.
    pub fn exact() -> FeedOptions {
        FeedOptions {
            refit_every_days: 1,
            customer_level_every_days: 1,
        }
    }
}

/// Pause expectations are summed in this fixed point, so adding and removing a pair's share
/// leaves no rounding residue.
const FIXED: f64 = 1e9;

/// A regular pair's cached lapse state, as judging reads it (its last purchase days, which a
/// purchase appends to instead of re-reading old lines, sit beside it in the [`WatchList`]).
#[derive(Clone, Debug)]
struct Watch {
    /// The lapse as the scan would report it (`probability` is kept only while reportable).
    lapse: PairLapse,
    /// Customer orders since the last purchase.
    gap_orders: u32,
    /// Its "overdue from" point on the order clock: it cannot be reportable before this many
    /// orders without the item (under the priors of `priors_generation`). A lower bound, raised
    /// each time the pair is scored below the threshold; the exact point is never searched for,
    /// since a watch mostly ends at the customer's next order or two (the item is bought).
    overdue_after: u32,
    /// The priors generation `overdue_after` holds under; `None` after a re-measure.
    priors_generation: Option<u32>,
    /// While seasonal: the first day it no longer is.
    seasonal_until: Option<Day>,
    /// Its share of the product's expected purchases over the pause window, fixed point.
    pause_share: i64,
    /// Its contribution to its segment group: (segment, counted as lapsed in the window, value).
    group: GroupShare,
}

/// One pair of a customer (every pair, regular or not: all count toward product restarts).
#[derive(Clone, Debug)]
struct PairFeed {
    product: ProductId,
    /// How far its visible lines were read (and counted into the product's day counts).
    cursor: Cursor,
    /// Its lines, visible or not, when last read: equal and all visible, nothing changed.
    seen: u32,
    /// Where its lines of the year before its last purchase began when last measured.
    year_mark: u32,
    /// Whether its days are counted among the product's regular pairs' days.
    regular_counted: bool,
    /// Whether the customer is in the product's list of regular buyers.
    indexed: bool,
    /// Its place among the customer's watches, while regular.
    watch: Option<u32>,
}

impl PairFeed {
    fn new(product: ProductId) -> PairFeed {
        PairFeed {
            product,
            cursor: Cursor::default(),
            seen: 0,
            year_mark: 0,
            regular_counted: false,
            indexed: false,
            watch: None,
        }
    }
}

/// The item-level keys of one customer: a variety drop, or the products lapsed on their own.
#[derive(Clone, Debug, Default, PartialEq)]
struct ItemKeys {
    variety: bool,
    items: Vec<ProductId>,
}

#[derive(Clone, Debug, Default)]
struct CustomerFeed {
    pairs: Vec<PairFeed>,
    /// The cached state of its regular pairs, in product order, side by side: judging walks
    /// them in one pass over contiguous memory instead of a heap allocation per pair.
    watches: WatchList<Watch>,
    /// The customer's order days (days with a purchase) up to the last read.
    orders: Vec<Day>,
    /// Whether the customer was read since the feed was built.
    read: bool,
    last_order: Option<Day>,
    /// The first day of a line dated after the last read.
    future: Option<Day>,
    timer: Option<Day>,
    generation: u32,
    current: ItemKeys,
    reported: ItemKeys,
    touched: bool,
    explained: bool,
}

#[derive(Clone, Debug, Default)]
struct ProductFeed {
    /// Pairs with a purchase, per day (restarts).
    all_days: DayCounts,
    /// Regular pairs with a purchase, per day (the pause window).
    regular_days: DayCounts,
    /// Regular pairs' expected purchases over the pause window, fixed point.
    expected: i64,
    paused: bool,
    restart: Option<Day>,
    days_changed: bool,
    rebuild: bool,
    /// Customers with a regular pair of the product (stale entries are harmless).
    customers: Vec<CustomerId>,
}

/// The incremental real-time feed (see the module documentation).
#[derive(Clone, Debug)]
pub struct Feed {
    options: FeedOptions,
    threshold: f64,
    horizon: f64,
    variety_share: f64,
    alpha: f64,
    /// The day the caches are evaluated at.
    clock: Day,
    customers: Vec<CustomerFeed>,
    products: Vec<ProductFeed>,
    timers: TimerQueue<CustomerId>,
    priors: RhythmPriors,
    priors_generation: u32,
    refitted_on: Day,
    groups: BTreeMap<(LabelId, ProductId), SegmentGroup>,
    all_pairs: u64,
    all_lapsed: u64,
    shared: BTreeSet<(LabelId, ProductId)>,
    across_reported: BTreeSet<(LabelId, ProductId)>,
    cadence_on: Day,
    cadence_reported: BTreeSet<SignalKey>,
    touched: Vec<CustomerId>,
    /// Scratch of a customer's re-read: what each changed pair's lines brought, and the new
    /// purchase days.
    reads: Vec<(u32, Read)>,
    new_days: Vec<Day>,
}

/// What one advance found.
#[derive(Clone, Debug, Default)]
pub struct Step {
    /// Signals that rose, highest score first.
    pub risen: Vec<Signal>,
    /// Keys that were active at the previous advance and are not any more.
    pub cleared: Vec<SignalKey>,
}

fn count_days(counts: &mut DayCounts, days: impl IntoIterator<Item = Day>, add: bool) {
    for d in days {
        counts.count(d, add);
    }
}

/// A pair's contribution to its segment group: (segment, counted as lapsed, value).
type GroupShare = Option<(LabelId, bool, f64)>;

/// Moves a pair's share of its segment group (and of the totals) from `old` to `new`: the
/// arithmetic of removing one share and adding the other, a group left empty (or with no lapsed
/// pair) starting its value sum afresh, with one search of the groups when the segment stays and
/// none when the pair is not lapsed before nor after (a re-measured pair whose value changed).
fn move_group(
    groups: &mut BTreeMap<(LabelId, ProductId), SegmentGroup>,
    (all_pairs, all_lapsed): (&mut u64, &mut u64),
    product: ProductId,
    old: GroupShare,
    new: GroupShare,
) {
    let remove = |g: &mut SegmentGroup, lapsed: &mut u64, (was, value): (bool, f64)| {
        g.0 -= 1;
        if was {
            g.1 -= 1;
            g.2 -= value;
            *lapsed -= 1;
            if g.1 == 0 {
                // No lapsed pair left: their value sums to nothing, with no rounding residue.
                g.2 = 0.0;
            }
        }
        if g.0 == 0 {
            *g = SegmentGroup::default();
        }
    };
    let add = |g: &mut SegmentGroup, lapsed: &mut u64, (now, value): (bool, f64)| {
        g.0 += 1;
        if now {
            g.1 += 1;
            g.2 += value;
            *lapsed += 1;
        }
    };
    match (old, new) {
        // Not lapsed before nor after, in the same segment: the group counts the pair as it
        // did (its value is summed only while lapsed), so it is not searched for. Most pairs
        // re-measured by an order are here: their value changed, not their standing.
        (Some((s, false, _)), Some((t, false, _))) if s == t => {}
        (Some((s, was, v)), Some((t, now, w))) if s == t => {
            let g = groups.entry((s, product)).or_default();
            remove(g, all_lapsed, (was, v));
            add(g, all_lapsed, (now, w));
        }
        _ => {
            if let Some((s, was, v)) = old {
                let g = groups.entry((s, product)).or_default();
                remove(g, all_lapsed, (was, v));
                *all_pairs -= 1;
                if g.0 == 0 {
                    groups.remove(&(s, product));
                }
            }
            if let Some((s, now, w)) = new {
                add(
                    groups.entry((s, product)).or_default(),
                    all_lapsed,
                    (now, w),
                );
                *all_pairs += 1;
            }
        }
    }
}

/// Sets each regular pair's place among its customer's watches (both in product order), after
/// a watch came or went: rare next to the orders that only update watches in place.
fn place_watches(pairs: &mut [PairFeed]) {
    for (at, pair) in pairs.iter_mut().filter(|p| p.watch.is_some()).enumerate() {
        pair.watch = Some(at as u32);
    }
}

/// Appends a customer's `new` purchase days (sorted here) to its order days when each is after
/// them or already among them; false when one is not (the order days must be read anew).
fn append_orders(orders: &mut Vec<Day>, new: &mut [Day]) -> bool {
    new.sort_unstable();
    let last = orders.last().copied();
    for (i, &d) in new.iter().enumerate() {
        if last.is_none_or(|l| d > l) {
            if i == 0 || new[i - 1] != d {
                orders.push(d);
            }
        } else if orders.binary_search(&d).is_err() {
            return false;
        }
    }
    true
}

impl Feed {
    /// Builds the feed at `as_of` from the whole state: every pair is measured once. Keys in
    /// `active` count as already reported (an engine restored from a snapshot, or whose feed
    /// was dropped, does not report them again). Drains the state's dirty record.
    pub fn build(
        state: &mut State,
        config: &Config,
        as_of: Day,
        options: FeedOptions,
        active: &BTreeSet<SignalKey>,
    ) -> Feed {
        state.drain_dirty();
        let mut feed = Feed {
            options,
            threshold: config.thresholds.item_lapsed_probability,
            horizon: f64::from(config.horizon_days),
            variety_share: config.thresholds.variety_drop_share,
            alpha: config.thresholds.similar_lapse_alpha,
            clock: as_of,
            customers: Vec::new(),
            products: Vec::new(),
            timers: TimerQueue::default(),
            priors: RhythmPriors::learn(std::iter::empty(), 0, 0, as_of),
            priors_generation: 0,
            refitted_on: as_of,
            groups: BTreeMap::new(),
            all_pairs: 0,
            all_lapsed: 0,
            shared: BTreeSet::new(),
            across_reported: BTreeSet::new(),
            cadence_on: as_of,
            cadence_reported: BTreeSet::new(),
            touched: Vec::new(),
            reads: Vec::new(),
            new_days: Vec::new(),
        };
        feed.grow(state);
        for key in active {
            match (key.0, key.1, key.2, key.3) {
                (SignalKind::ItemLapsed, Some(c), Some(p), _) => {
                    feed.customers[c.index()].reported.items.push(p)
                }
                (SignalKind::VarietyDrop, Some(c), _, _) => {
                    feed.customers[c.index()].reported.variety = true
                }
                (SignalKind::ItemLapsedAcrossSimilar, _, Some(p), Some(s)) => {
                    feed.across_reported.insert((s, p));
                }
                _ => {
                    feed.cadence_reported.insert(*key);
                }
            }
        }
        for c in &mut feed.customers {
            c.reported.items.sort_unstable();
        }
        for (id, _) in state.customers() {
            feed.measure_customer(state, id, as_of);
        }
        feed.rebuild_products(state, as_of);
        feed.update_product_flags(as_of);
        feed.refit(state, as_of);
        for i in 0..feed.customers.len() {
            feed.judge_customer(state, CustomerId(i as u32), as_of);
        }
        feed
    }

    /// The day the caches were last evaluated at.
    pub fn clock(&self) -> Day {
        self.clock
    }

    /// Pairs watched (regular) and timers held, for reports.
    pub fn sizes(&self) -> (usize, usize) {
        let watched = self.customers.iter().map(|c| c.watches.len()).sum();
        (watched, self.timers.len())
    }

    /// Re-reads the customers that received lines since the last call, at `as_of` (not before
    /// the feed's clock): the per-order work of the feed, which [`Feed::advance`] also does.
    pub fn update(&mut self, state: &mut State, as_of: Day) {
        self.grow(state);
        for c in state.drain_dirty() {
            self.measure_customer(state, c, as_of);
            self.judge_customer(state, c, as_of);
        }
        self.clock = self.clock.max(as_of);
    }

    /// Moves the feed to `as_of` (not before its clock) and returns what rose and cleared
    /// since the previous advance.
    pub fn advance(&mut self, state: &mut State, config: &Config, as_of: Day) -> Step {
        self.update(state, as_of);
        while let Some((_, c, generation)) = self.timers.pop_due(as_of) {
            let feed = &mut self.customers[c.index()];
            if feed.generation != generation {
                continue;
            }
            feed.timer = None;
            self.measure_customer(state, c, as_of);
            self.judge_customer(state, c, as_of);
        }
        self.rebuild_products(state, as_of);
        for p in self.update_product_flags(as_of) {
            for i in 0..self.products[p].customers.len() {
                let c = self.products[p].customers[i];
                self.judge_customer(state, c, as_of);
            }
        }
        let refit_due = as_of - self.refitted_on >= self.options.refit_every_days as i32;
        if refit_due {
            self.refit(state, as_of);
            self.refitted_on = as_of;
            for i in 0..self.customers.len() {
                self.judge_customer(state, CustomerId(i as u32), as_of);
            }
        }
        let mut step = Step::default();
        let cadence_due = as_of - self.cadence_on >= self.options.customer_level_every_days as i32
            || self.cadence_on == as_of;
        if cadence_due {
            self.run_cadence(state, config, as_of, &mut step);
            self.cadence_on = as_of;
        }
        self.segment_step(state, as_of, &mut step);
        self.item_step(state, as_of, &mut step);
        self.clock = as_of;
        let state: &State = state;
        step.risen = std::mem::take(&mut step.risen)
            .into_iter()
            .map(|s| s.attributed(state))
            .collect();
        step.risen
            .sort_by(|a, b| b.score.total_cmp(&a.score).then(a.key().cmp(&b.key())));
        step
    }

    /// Sizes the tables to the state's customers and products.
    fn grow(&mut self, state: &State) {
        let (customers, products) = (state.customers().len(), state.products().len());
        if self.customers.len() < customers {
            self.customers.resize_with(customers, CustomerFeed::default);
        }
        if self.products.len() < products {
            self.products.resize_with(products, ProductFeed::default);
        }
        // A product or customer new since the last refit borrows the population's CV², as a
        // refit gives one without regular pairs.
        let population = self.priors.population_cv2;
        if self.priors.product_cv2.len() < products {
            self.priors.product_cv2.resize(products, population);
        }
        if self.priors.customer_cv2.len() < customers {
            self.priors.customer_cv2.resize(customers, population);
        }
    }

    /// Re-reads one customer at `as_of`: each pair whose visible lines changed is read from its
    /// cursor (its last day on) and measured again from its last days; the others only see their
    /// open gap grow by the new order days. When the new lines are not all appended after the
    /// customer's order days (a line dated in the past, a return netting out a day) or a pair
    /// is gone, every pair is measured again on the customer's order days read anew. Judging
    /// comes after ([`Feed::judge_customer`]).
    fn measure_customer(&mut self, state: &State, id: CustomerId, as_of: Day) {
        let customer = state.customer(id);
        let feed = &mut self.customers[id.index()];
        let mut pairs = std::mem::take(&mut feed.pairs);
        let mut watches = std::mem::take(&mut feed.watches);
        let mut orders = std::mem::take(&mut feed.orders);
        let was_read = std::mem::replace(&mut feed.read, true);
        let mut fast = self.align(&mut pairs, &mut watches, customer.pairs()) && was_read;
        // Scratch buffers kept by the feed: an order allocates nothing here.
        let mut reads = std::mem::take(&mut self.reads);
        let mut new_days = std::mem::take(&mut self.new_days);
        let mut future: Option<Day> = None;
        for (i, (pair, history)) in pairs.iter_mut().zip(customer.pairs()).enumerate() {
            let all = history.lines();
            let seen = std::mem::replace(&mut pair.seen, all.len() as u32);
            if all.len() == seen as usize && pair.cursor.lines == seen {
                continue; // no new line, none waiting for its day
            }
            let visible = &all[..lines_until(all, pair.cursor.lines as usize, as_of)];
            if let Some(line) = all.get(visible.len()) {
                future = Some(future.map_or(line.day, |f: Day| f.min(line.day)));
            }
            if visible.len() == pair.cursor.lines as usize {
                continue;
            }
            let read = pair.cursor.read(visible);
            match &read {
                Read::Appended {
                    removed: None,
                    added,
                    ..
                } => new_days.extend_from_slice(added),
                _ => fast = false,
            }
            reads.push((i as u32, read));
        }
        let before = orders.len();
        if fast {
            fast = append_orders(&mut orders, &mut new_days);
        }
        if !fast {
            orders = customer.purchase_days_until(as_of);
        }
        if fast {
            // Order days appended after every purchase: each unchanged pair's gap grows by
            // them (a changed pair is measured below).
            let moved = (orders.len() - before) as u32;
            for watch in watches.iter_mut() {
                watch.gap_orders += moved;
            }
            for (i, read) in &reads {
                let at = (*i as usize, &customer.pairs()[*i as usize]);
                self.measure_one(
                    id,
                    (&mut pairs, &mut watches),
                    at,
                    Some(read),
                    (orders.as_slice(), true),
                    as_of,
                );
            }
        } else {
            let mut reads = reads.iter().peekable();
            for (i, history) in customer.pairs().iter().enumerate() {
                let read = reads.next_if(|(at, _)| *at as usize == i).map(|(_, r)| r);
                let at = (i, history);
                let orders = (orders.as_slice(), false);
                self.measure_one(id, (&mut pairs, &mut watches), at, read, orders, as_of);
            }
        }
        reads.clear();
        new_days.clear();
        self.reads = reads;
        self.new_days = new_days;
        let feed = &mut self.customers[id.index()];
        feed.pairs = pairs;
        feed.watches = watches;
        feed.last_order = orders.last().copied();
        feed.orders = orders;
        feed.future = future;
    }

    /// Aligns a customer's cached pairs with its histories (both by product): a new pair is
    /// inserted, a pair gone from the state (only a merge does that) has its counts dropped.
    /// False when a pair was gone.
    fn align(
        &mut self,
        pairs: &mut Vec<PairFeed>,
        watches: &mut WatchList<Watch>,
        histories: &[PairHistory],
    ) -> bool {
        let mut kept = true;
        let mut i = 0;
        for history in histories {
            while pairs.get(i).is_some_and(|p| p.product < history.product) {
                let gone = pairs.remove(i);
                self.forget_pair(gone, watches);
                kept = false;
            }
            if pairs.get(i).is_none_or(|p| p.product != history.product) {
                pairs.insert(i, PairFeed::new(history.product));
            }
            i += 1;
        }
        for gone in pairs.split_off(i) {
            self.forget_pair(gone, watches);
            kept = false;
        }
        if !kept {
            place_watches(pairs);
        }
        kept
    }

    /// Measures one pair of customer `id` anew at `as_of` from its last days; `read` is what
    /// its lines' re-read found, if they changed; `orders` the customer's order days, and
    /// whether they were only appended to since the pair was last measured.
    fn measure_one(
        &mut self,
        id: CustomerId,
        (pairs, watches): (&mut [PairFeed], &mut WatchList<Watch>),
        (i, history): (usize, &PairHistory),
        read: Option<&Read>,
        (orders, appended): (&[Day], bool),
        as_of: Day,
    ) {
        let pair = &mut pairs[i];
        let all = history.lines();
        let visible = &all[..lines_until(all, pair.cursor.lines as usize, as_of)];
        let read_days = (
            pair.cursor.purchases(),
            pair.cursor.first().unwrap_or(Day(i32::MAX)),
        );
        // A watched pair's kept last days follow its re-read; a pair not watched reads them.
        let mut scratch: Option<RecentDays> = None;
        let recent = match pair.watch.map(|w| watches.get_mut(w as usize).1) {
            Some(recent) => {
                match read {
                    Some(Read::Appended { from, days, .. }) => {
                        recent.reread_found(days, &visible[*from as usize..])
                    }
                    Some(Read::Rewritten) => recent.clear(),
                    None => {}
                }
                recent
            }
            None => scratch.insert(RecentDays::default()),
        };
        let measured = measure_recent(
            visible,
            read_days,
            (orders, appended),
            as_of,
            &mut pair.year_mark,
            recent,
        );
        self.count_pair_days(pair, read, visible, measured.is_some());
        let product = &mut self.products[history.product.index()];
        let Some(m) = measured else {
            if let Some(w) = pair.watch.take() {
                let watch = watches.remove(w as usize);
                place_watches(pairs);
                product.expected -= watch.pause_share;
                self.remove_group(&watch, history.product);
            }
            return;
        };
        if !pair.indexed {
            product.customers.push(id);
            pair.indexed = true;
        }
        let pause_share = (pause_expectation(&m.rhythm) * FIXED).round() as i64;
        let due = due_day(&m.rhythm, m.last);
        let value = pair_value(&m.rhythm, self.horizon);
        match pair.watch.map(|w| watches.get_mut(w as usize).0) {
            Some(watch) => {
                product.expected += pause_share - watch.pause_share;
                watch.pause_share = pause_share;
                // Re-scored from scratch: the rhythm or the gap may have changed.
                watch.priors_generation = None;
                watch.lapse.rhythm = m.rhythm;
                watch.lapse.last = m.last;
                watch.lapse.due = due;
                watch.lapse.value = value;
                watch.gap_orders = m.gap_orders;
                watch.seasonal_until = m.seasonal_until;
            }
            None => {
                product.expected += pause_share;
                let at = watches.partition_point(|w| w.lapse.product < history.product);
                pair.watch = Some(at as u32);
                let room = pairs.len();
                watches.insert(
                    at,
                    Watch {
                        lapse: PairLapse {
                            customer: id,
                            product: history.product,
                            rhythm: m.rhythm,
                            last: m.last,
                            due,
                            probability: f64::NAN,
                            value,
                            watched: false,
                            reportable: false,
                        },
                        gap_orders: m.gap_orders,
                        overdue_after: 0,
                        priors_generation: None,
                        seasonal_until: m.seasonal_until,
                        pause_share,
                        group: None,
                    },
                    scratch.unwrap_or_default(),
                    room,
                );
                place_watches(pairs);
            }
        }
    }

    /// Drops a pair gone from the state, and its watch (the pairs' places are set after).
    fn forget_pair(&mut self, pair: PairFeed, watches: &mut WatchList<Watch>) {
        let product = &mut self.products[pair.product.index()];
        product.rebuild = true;
        if pair.watch.is_some() {
            let at = watches.partition_point(|w| w.lapse.product < pair.product);
            let watch = watches.remove(at);
            product.expected -= watch.pause_share;
            self.remove_group(&watch, pair.product);
        }
    }

    /// Brings the product's per-day counts up to what the pair's re-read found: appended (or
    /// netted-out last) days are added (removed) directly; a pair rewritten has the product's
    /// counts rebuilt from the state after the re-reads. A pair becoming regular (or ceasing
    /// to be) adds (removes) all its `visible` days among the regular pairs'.
    fn count_pair_days(
        &mut self,
        pair: &mut PairFeed,
        read: Option<&Read>,
        visible: &[Purchase],
        regular: bool,
    ) {
        let product = &mut self.products[pair.product.index()];
        match read {
            Some(Read::Appended { removed, added, .. }) => {
                let maps = [
                    (&mut product.all_days, true),
                    (&mut product.regular_days, pair.regular_counted),
                ];
                for (map, _) in maps.into_iter().filter(|(_, counted)| *counted) {
                    count_days(map, removed.iter().copied(), false);
                    count_days(map, added.iter().copied(), true);
                }
                product.days_changed |= removed.is_some() || !added.is_empty();
            }
            Some(Read::Rewritten) => product.rebuild = true,
            None => {}
        }
        if regular != pair.regular_counted && !product.rebuild {
            let days = line_days(visible).filter(|d| d.purchase).map(|d| d.day);
            count_days(&mut product.regular_days, days, regular);
        }
        pair.regular_counted = regular;
    }

    /// Recounts the day counts of products whose pairs changed other than by appending.
    fn rebuild_products(&mut self, state: &State, as_of: Day) {
        let stale: Vec<usize> = (0..self.products.len())
            .filter(|&p| self.products[p].rebuild)
            .collect();
        for p in stale {
            let product = &mut self.products[p];
            product.all_days.clear();
            product.regular_days.clear();
            product.rebuild = false;
            product.days_changed = true;
            for (id, customer) in state.customers() {
                let Some(history) = customer.pair(ProductId(p as u32)) else {
                    continue;
                };
                let days: Vec<Day> = history.purchase_days_until(as_of).collect();
                let feed = &self.customers[id.index()];
                let regular = feed
                    .pairs
                    .binary_search_by_key(&ProductId(p as u32), |f| f.product)
                    .is_ok_and(|i| feed.pairs[i].regular_counted);
                count_days(&mut self.products[p].all_days, days.iter().copied(), true);
                if regular {
                    count_days(&mut self.products[p].regular_days, days, true);
                }
            }
        }
    }

    /// Updates each product's pause and restart at `as_of`; returns the products whose flags
    /// changed.
    fn update_product_flags(&mut self, as_of: Day) -> Vec<usize> {
        let activity: Vec<PauseActivity> = self
            .products
            .iter()
            .map(|p| PauseActivity {
                counts: PauseCounts::at(as_of, |from, to| p.regular_days.sum(from, to)),
                expected: p.expected as f64 / FIXED,
            })
            .collect();
        let paused = paused_products(&activity);
        let mut changed = Vec::new();
        for (i, p) in self.products.iter_mut().enumerate() {
            let paused = paused[i];
            let mut restart = p.restart;
            if p.days_changed {
                p.days_changed = false;
                restart = p.all_days.latest_restart(as_of, PAUSE_WINDOW_DAYS);
            }
            if paused != p.paused || restart != p.restart {
                p.paused = paused;
                p.restart = restart;
                changed.push(i);
            }
        }
        changed
    }

    /// Refits the pooled priors on every cached regular pair, on day `as_of`.
    fn refit(&mut self, state: &State, as_of: Day) {
        let products = &self.products;
        let pairs = self.customers.iter().enumerate().flat_map(|(i, c)| {
            let seen = c.orders.last().copied();
            let segment = state.customer(CustomerId(i as u32)).master.segment;
            c.watches.iter().map(move |w| {
                let product = &products[w.lapse.product.index()];
                let silent_with_product = pauses_with_its_product(
                    w.seasonal_until.is_some_and(|u| as_of < u),
                    product.paused,
                    product.restart,
                    w.lapse.last,
                );
                MeasuredPair {
                    product: w.lapse.product.index(),
                    customer: w.lapse.customer.index(),
                    rhythm: &w.lapse.rhythm,
                    gap: OpenGap::since(w.lapse.last, w.gap_orders, seen),
                    last: w.lapse.last,
                    seen: seen.unwrap_or(w.lapse.last),
                    segment: segment.map(|s| s.0),
                    silent_with_product,
                }
            })
        });
        self.priors = RhythmPriors::learn(pairs, self.products.len(), self.customers.len(), as_of);
        self.priors_generation += 1;
    }

    fn remove_group(&mut self, watch: &Watch, product: ProductId) {
        let totals = (&mut self.all_pairs, &mut self.all_lapsed);
        move_group(&mut self.groups, totals, product, watch.group, None);
    }

    /// Judges a customer's cached pairs at `as_of` (watched, reportable), updates its segment
    /// counts, its timer and its current item-level keys. Reads no history.
    fn judge_customer(&mut self, state: &State, id: CustomerId, as_of: Day) {
        let mut watches = std::mem::take(&mut self.customers[id.index()].watches);
        let last_order = self.customers[id.index()].last_order;
        let segment = state.customer(id).master.segment;
        let mut timer = self.customers[id.index()].future;
        let mut earliest = |d: Day| timer = Some(timer.map_or(d, |t: Day| t.min(d)));
        for watch in watches.iter_mut() {
            let product = &self.products[watch.lapse.product.index()];
            let lapse = &mut watch.lapse;
            let seasonal = watch.seasonal_until.is_some_and(|u| as_of < u);
            lapse.watched = last_order.is_some_and(|d| d > lapse.due)
                && !pauses_with_its_product(seasonal, product.paused, product.restart, lapse.last);
            lapse.reportable = false;
            lapse.probability = f64::NAN;
            // Scored only once watched (a pair just bought is not: its next purchase is not due
            // yet), and then at most once per order of the customer: below the threshold at a
            // gap of g orders, it cannot be reportable before g + 1 (P(stopped) grows with the
            // gap), so timers, product events and quiet days score nothing.
            if watch.priors_generation != Some(self.priors_generation) {
                watch.overdue_after = 0;
                watch.priors_generation = Some(self.priors_generation);
            }
            if lapse.watched && watch.gap_orders >= watch.overdue_after {
                let gap = OpenGap::since(lapse.last, watch.gap_orders, last_order);
                let key = PairKey {
                    product: lapse.product,
                    customer: id,
                    segment,
                };
                let reaching = lapse_probability_reaching(
                    &lapse.rhythm,
                    gap,
                    lapse.last,
                    key,
                    &self.priors,
                    self.threshold,
                );
                lapse.probability = reaching.unwrap_or(f64::NAN);
                lapse.reportable = reaching.is_some();
                if !lapse.reportable {
                    watch.overdue_after = watch.gap_orders + 1;
                } else {
                    watch.overdue_after = watch.gap_orders;
                }
            }
            if let Some(until) = watch.seasonal_until.filter(|u| as_of < *u) {
                earliest(until);
            }
            let in_window = lapse.reportable && lapse.due > as_of - SEGMENT_WINDOW_DAYS;
            if in_window {
                earliest(lapse.due + SEGMENT_WINDOW_DAYS);
            }
            let group = segment.map(|s| (s, in_window, lapse.value));
            if group != watch.group {
                let totals = (&mut self.all_pairs, &mut self.all_lapsed);
                move_group(&mut self.groups, totals, lapse.product, watch.group, group);
                watch.group = group;
            }
        }
        let feed = &mut self.customers[id.index()];
        feed.watches = watches;
        if timer != feed.timer {
            feed.generation = feed.generation.wrapping_add(1);
            feed.timer = timer;
            if let Some(day) = timer {
                self.timers.schedule(day, id, feed.generation);
            }
        }
        self.refresh_keys(id);
    }

    /// A customer's current item-level keys from its judged pairs: a variety drop takes its
    /// lapses; a customer-level finding (at risk, buying less often) explains them.
    fn refresh_keys(&mut self, id: CustomerId) {
        let feed = &mut self.customers[id.index()];
        let (mut regular, mut lapsed) = (0usize, Vec::new());
        for w in feed.watches.iter() {
            regular += 1;
            if w.lapse.reportable {
                lapsed.push(w.lapse.product);
            }
        }
        let variety = is_variety_drop(regular, lapsed.len(), self.variety_share);
        if variety || feed.explained {
            lapsed.clear();
        }
        feed.current = ItemKeys {
            variety,
            items: lapsed,
        };
        if !feed.touched {
            feed.touched = true;
            self.touched.push(id);
        }
    }

    /// Runs the customer- and team-level detectors on a full scene; their keys rise and clear
    /// here, and the customers they explain change.
    fn run_cadence(&mut self, state: &State, config: &Config, as_of: Day, step: &mut Step) {
        let scene = Scene::new(state, config, as_of);
        let signals: Vec<Signal> = detectors(config)
            .iter()
            .filter(|d| !is_pair_level(d.kind()))
            .flat_map(|d| d.detect(&scene))
            .map(|s| s.attributed(state))
            .collect();
        let explained: BTreeSet<CustomerId> = signals
            .iter()
            .filter(|s| explains_item_lapses(s.kind))
            .filter_map(|s| s.customer)
            .collect();
        for i in 0..self.customers.len() {
            let now = explained.contains(&CustomerId(i as u32));
            if self.customers[i].explained != now {
                // Its item lapses enter or leave the feed.
                self.customers[i].explained = now;
                self.refresh_keys(CustomerId(i as u32));
            }
        }
        let keys: BTreeSet<SignalKey> = signals.iter().map(Signal::key).collect();
        step.cleared
            .extend(self.cadence_reported.difference(&keys).copied());
        step.risen.extend(
            signals
                .into_iter()
                .filter(|s| !self.cadence_reported.contains(&s.key())),
        );
        self.cadence_reported = keys;
    }

    /// The segment test on the kept counts: `item_lapsed_across_similar` keys, and which
    /// (segment, product) lapses raise their pairs' urgency.
    fn segment_step(&mut self, state: &State, as_of: Day, step: &mut Step) {
        let lapses = test_segments(&self.groups, self.all_pairs, self.all_lapsed, self.alpha);
        self.shared = lapses.iter().map(|s| (s.segment, s.product)).collect();
        for gone in self.across_reported.difference(&self.shared) {
            step.cleared.push((
                SignalKind::ItemLapsedAcrossSimilar,
                None,
                Some(gone.1),
                Some(gone.0),
            ));
        }
        for s in &lapses {
            if !self.across_reported.contains(&(s.segment, s.product)) {
                step.risen.push(across_similar_signal(state, s, as_of));
            }
        }
        self.across_reported = self.shared.clone();
    }

    /// Item-level keys of the customers touched since the previous advance: what rose, what
    /// cleared.
    fn item_step(&mut self, state: &State, as_of: Day, step: &mut Step) {
        let touched = std::mem::take(&mut self.touched);
        for c in touched {
            let feed = &mut self.customers[c.index()];
            feed.touched = false;
            if feed.current == feed.reported {
                continue;
            }
            let segment = state.customer(c).master.segment;
            let watches: BTreeMap<ProductId, &Watch> =
                feed.watches.iter().map(|w| (w.lapse.product, w)).collect();
            let (now, before) = (&feed.current, &feed.reported);
            if now.variety && !before.variety {
                let lapsed: Vec<&PairLapse> = watches
                    .values()
                    .filter(|w| w.lapse.reportable)
                    .map(|w| &w.lapse)
                    .collect();
                step.risen
                    .push(variety_drop_signal(state, c, watches.len(), lapsed, as_of));
            }
            if before.variety && !now.variety {
                step.cleared
                    .push((SignalKind::VarietyDrop, Some(c), None, segment));
            }
            for p in &now.items {
                if before.items.binary_search(p).is_err() {
                    let across = segment.is_some_and(|s| self.shared.contains(&(s, *p)));
                    step.risen
                        .push(item_lapsed_signal(&watches[p].lapse, as_of, across));
                }
            }
            for p in &before.items {
                if now.items.binary_search(p).is_err() {
                    step.cleared
                        .push((SignalKind::ItemLapsed, Some(c), Some(*p), segment));
                }
            }
            feed.reported = feed.current.clone();
        }
    }
}
