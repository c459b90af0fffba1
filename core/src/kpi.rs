//! Key performance indicators of a customer base, overall or by rep, segment or region.
//!
//! Owns: [`kpis`] (also [`Engine::kpis`](crate::Engine::kpis)) and [`GroupBy`]. It reads the
//! [`State`] and changes nothing; every definition of the KPI table lives here.
//!
//! # Notation
//!
//! `T` is `as_of`; `W` is [`Thresholds::active_window_days`](crate::Thresholds); the *current
//! window* is `C = (T-W, T]` and the *previous window* is `P = (T-2W, T-W]` (both exclude their
//! first day and include their last, so consecutive windows never share a day). Only lines dated on
//! or before `T` count, so the same call on an engine that also holds later lines gives the same
//! table.
//!
//! - A **purchase day of a pair** (customer x product) is a day `d <= T` on which the quantities
//!   of the pair's lines sum to more than 0 ([`PairHistory::purchase_days_until`]): a return nets
//!   out against purchases of the same product on the same day.
//! - A **purchase day of a customer** is a purchase day of at least one of its pairs. (Summing
//!   units over all products instead would let 10 returned boxes of one product hide 3 bought
//!   cases of another; units of different products cannot be added.)
//! - A **counted order** of a customer is an order of [`State::orders`] whose day (the day of its
//!   earliest line) is `<= T` and is a purchase day of the customer. The state does not record
//!   which lines an order holds, so a credit note cannot be told from an order directly; this rule
//!   leaves out every credit note issued on a day the customer bought nothing (a credit note dated
//!   on a purchase day still counts). Its **order days** are the distinct days of its counted
//!   orders.
//!
//! # Columns
//!
//! One row per group (see [`GroupBy`]), or one row when not grouped.
//!
//! | column | type | definition |
//! | --- | --- | --- |
//! | `rep_id` / `segment` / `region` | text | the group (only when grouped; null for customers without one) |
//! | `as_of` | day | `T` |
//! | `customers` | int | customers with a purchase day `<= T` |
//! | `active_customers` | int | `A` = customers with a purchase day in `C` |
//! | `active_customers_prev` | int | `A'` = customers with a purchase day in `P` |
//! | `new_customers` | int | customers whose first purchase day is in `C` |
//! | `churned_customers` | int | customers active in `P` and not in `C` |
//! | `churn_rate` | float | `churned_customers / A'`; null when `A' = 0` |
//! | `variety_per_customer` | float | `sum over active c of #{products with a purchase day of (c, product) in C} / A`; null when `A = 0` |
//! | `orders` | int | counted orders with their day in `C` |
//! | `orders_per_customer_30d` | float | `orders / A * 30 / W`; null when `A = 0` |
//! | `median_days_between_orders` | float | median over active customers with >= 2 order days in `(T-365, T]` of the median gap between their consecutive order days in `(T-365, T]`; null when there is no such customer |
//! | `lapsed_pairs` | int | `L` = pairs whose lapse began in `P` (below) |
//! | `returned_pairs` | int | `R` = lapsed pairs with a purchase day in `C` |
//! | `return_to_basket_rate` | float | `R / L`; null when `L = 0` |
//! | `net_revenue` | float | sum of net amounts of lines in `C`, returns included (negative) |
//! | `net_revenue_prev` | float | the same over `P` |
//!
//! Medians of an even count are the mean of the two middle values.
//!
//! **Variety** counts every product bought in the window. The alternative, the *regular*
//! assortment (products with at least `regular_min_purchases` purchase days in the window), mixes
//! variety with frequency: a customer who orders 50 products once a quarter would have a variety
//! of 0. Frequency has its own columns, so variety measures breadth alone.
//!
//! **Lapse.** Let a pair's purchase days up to `D = T-W` be `d_1 < ... < d_k` with `k >= 2`, `g`
//! the median of the gaps `d_(i+1) - d_i` and `last = d_k`. Knowing only that history, the pair
//! is lapsed at a day `x` when `x - last > 2g` and `x - last >= 14`, which first holds at the
//! *onset* `o = last + max(2g + 1, 14)` (`2g` is a whole number: `g` is whole or a half). The pair
//! counts in `lapsed_pairs` when `T-2W < o <= T-W`, that is when it is lapsed at `D` and was not
//! yet at `D - W`. Counting every pair lapsed at `D` instead would keep pairs that stopped years
//! ago in the denominator forever, so the rate would sink as history accumulates and would depend
//! on how much history was loaded rather than on what happened lately. Pairs with fewer than two
//! purchase days have no rhythm to break and never lapse.
//!
//! **Exact sums.** Totals are sums of [`Fixed`] (four decimal places, integer addition), so they
//! do not depend on the order in which lines arrived or engines were merged. Stored lines keep
//! their amount as `f32`; each is read back as the shortest decimal of at most four places that
//! gives that `f32`, which is the amount as ingested whenever it had at most four decimals and
//! about seven significant digits (cents below 100,000 always are).

use crate::config::Config;
use crate::day::{Day, MAX_DAY, MIN_DAY};
use crate::error::{Error, Result};
use crate::ids::{CustomerId, LabelId, RepId};
use crate::state::{CustomerState, Fixed, PairHistory, Purchase, State};
use crate::table::{Frame, Series};

/// How many days back the pace (`median_days_between_orders`) looks.
const PACE_DAYS: i32 = 365;
/// The shortest silence that can make a pair lapsed, whatever its rhythm.
const MIN_LAPSE_DAYS: i32 = 14;
/// Order frequency is given per this many days.
const FREQUENCY_DAYS: f64 = 30.0;

/// The dimension KPIs are grouped by.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum GroupBy {
    /// The rep responsible for the customer: [`CustomerState::rep`], the account owner, else
    /// the rep of its latest order line.
    Rep,
    /// The customer's segment (customers table).
    Segment,
    /// The customer's region (customers table).
    Region,
}

impl GroupBy {
    /// Reads "rep" (or "rep_id"), "segment" or "region", ignoring case and surrounding blanks.
    ///
    /// ```
    /// use salespulse::GroupBy;
    /// assert_eq!(GroupBy::parse(" Segment ").unwrap(), GroupBy::Segment);
    /// assert!(GroupBy::parse("country").is_err());
    /// ```
    pub fn parse(name: &str) -> Result<GroupBy> {
        match name.trim().to_ascii_lowercase().as_str() {
            "rep" | "rep_id" => Ok(GroupBy::Rep),
            "segment" => Ok(GroupBy::Segment),
            "region" => Ok(GroupBy::Region),
            _ => Err(Error::InvalidArgument(format!(
                "by is {name:?}; it must be \"rep\", \"segment\" or \"region\" (or none)"
            ))),
        }
    }

    /// The name [`GroupBy::parse`] reads: "rep", "segment" or "region".
    pub fn name(self) -> &'static str {
        match self {
            GroupBy::Rep => "rep",
            GroupBy::Segment => "segment",
            GroupBy::Region => "region",
        }
    }

    /// The group column of the KPI table: "rep_id", "segment" or "region".
    pub fn column(self) -> &'static str {
        match self {
            GroupBy::Rep => "rep_id",
            GroupBy::Segment => "segment",
            GroupBy::Region => "region",
        }
    }

    fn key(self, customer: &CustomerState) -> Option<u32> {
        match self {
            GroupBy::Rep => customer.rep().map(|r| r.0),
            GroupBy::Segment => customer.master.segment.map(|l| l.0),
            GroupBy::Region => customer.master.region.map(|l| l.0),
        }
    }

    fn text(self, state: &State, key: u32) -> &str {
        match self {
            GroupBy::Rep => state.rep_text(RepId(key)),
            GroupBy::Segment => state.segment_text(LabelId(key)),
            GroupBy::Region => state.region_text(LabelId(key)),
        }
    }
}

impl crate::Engine {
    /// The KPI table at `as_of`, overall (`by = None`, one row) or per group; see [`kpis`] for
    /// every column and [`crate::kpi`] for the definitions.
    ///
    /// ```
    /// use salespulse::{Config, Day, Engine, OrderLine};
    /// let mut engine = Engine::new(Config::default()).unwrap();
    /// let date = chrono::NaiveDate::from_ymd_opt(2024, 3, 1).unwrap();
    /// engine.ingest_order_rows(&[OrderLine::new("SO-1", "C1", "P1", date, 2.0, 19.8)]);
    /// let table = engine.kpis(Day::from_date(date), None).unwrap();
    /// assert_eq!(table.i64_column("active_customers").unwrap(), [Some(1)]);
    /// assert_eq!(table.f64_column("net_revenue").unwrap(), [Some(19.8)]);
    /// ```
    ///
    /// By rep, two more columns say how the rep's recorded tasks turned out (see
    /// [`crate::outcomes`]): `task_items_decided` and `task_return_to_basket_rate`.
    pub fn kpis(&self, as_of: Day, by: Option<GroupBy>) -> Result<Frame> {
        let table = kpis(self.state(), self.config(), as_of, by)?;
        Ok(match by {
            Some(GroupBy::Rep) => crate::outcomes::with_task_outcomes(self, table, as_of),
            _ => table,
        })
    }
}

/// The KPI table of `state` at `as_of`.
///
/// With `T = as_of`, `W = thresholds.active_window_days`, `C = (T-W, T]`, `P = (T-2W, T-W]`, and
/// purchase days, counted orders and lapses as defined in [`crate::kpi`], the columns are:
///
/// - the group column `rep_id`, `segment` or `region` (text, null for customers without a group;
///   only when `by` is given), then `as_of` (day);
/// - `customers`: customers with a purchase day `<= T`;
/// - `active_customers` (`A`) and `active_customers_prev` (`A'`): customers with a purchase day
///   in `C`, in `P`; `new_customers`: first purchase day in `C`;
/// - `churned_customers`: active in `P`, not in `C`; `churn_rate` = churned / `A'` (null if 0);
/// - `variety_per_customer` = (sum over active customers of the products with a purchase day in
///   `C`) / `A` (null if `A = 0`);
/// - `orders`: counted orders dated in `C`; `orders_per_customer_30d` = orders / `A` x 30 / `W`;
/// - `median_days_between_orders`: the median, over active customers with at least two order
///   days in `(T-365, T]`, of each one's median gap between consecutive order days there;
/// - `lapsed_pairs` (`L`): pairs whose lapse onset `last + max(2 x median gap + 1, 14)`, from
///   their purchase days up to `T-W`, lies in `P`; `returned_pairs` (`R`): those of them with a
///   purchase day in `C`; `return_to_basket_rate` = `R / L` (null if `L = 0`);
/// - `net_revenue`, `net_revenue_prev`: sums of net amounts of the lines in `C`, in `P`, returns
///   included.
///
/// Grouped, there is one row per group that at least one known customer belongs to, sorted by
/// the group's text, then one row with a null group when some customers have none. Groups are the
/// customers' present ones (master data and reps as the engine knows them now), so a grouped
/// table at a past `as_of` shows today's books through time.
///
/// Errors: [`Error::InvalidArgument`] when `as_of` is outside 1900-01-01..=2199-12-31.
///
/// It reads each stored line at most a few times: one pass over the orders, then one over the
/// customers, with binary searches in their sorted histories.
pub fn kpis(state: &State, config: &Config, as_of: Day, by: Option<GroupBy>) -> Result<Frame> {
    if !as_of.is_plausible() {
        return Err(Error::InvalidArgument(format!(
            "as_of is day number {}; it must lie between {MIN_DAY} and {MAX_DAY}",
            as_of.0
        )));
    }
    let window = Windows::new(as_of, config.thresholds.active_window_days as i32);
    let orders = OrderDays::build(state, window.orders_from(), as_of);
    let mut groups = Groups::default();
    let mut scratch = Scratch::new(&window);
    for (id, customer) in state.customers() {
        let facts = customer_facts(customer, orders.of(id), &window, &mut scratch);
        groups.get(by.and_then(|b| b.key(customer))).add(&facts);
    }
    Ok(groups.into_frame(state, by, &window))
}

/// The days that bound the windows (each bound is the last day *before* its window).
struct Windows {
    as_of: Day,
    days: i32,
    current: Day,
    previous: Day,
    pace: Day,
}

impl Windows {
    fn new(as_of: Day, days: i32) -> Windows {
        Windows {
            as_of,
            days,
            current: as_of - days,
            previous: as_of - 2 * days,
            pace: as_of - PACE_DAYS,
        }
    }

    /// Orders dated after this day matter (for frequency or pace).
    fn orders_from(&self) -> Day {
        self.current.min(self.pace)
    }
}

/// Each customer's order days in `(from, to]`, sorted. The state keeps orders in one table, so
/// one pass over it lays them out per customer (offsets into one vector).
struct OrderDays {
    starts: Vec<usize>,
    days: Vec<Day>,
}

impl OrderDays {
    fn build(state: &State, from: Day, to: Day) -> OrderDays {
        let in_range = || {
            state
                .orders()
                .iter()
                .flatten()
                .filter(move |o| from < o.day && o.day <= to)
        };
        let mut starts = vec![0; state.customers().len() + 1];
        for order in in_range() {
            starts[order.customer.index() + 1] += 1;
        }
        for i in 1..starts.len() {
            starts[i] += starts[i - 1];
        }
        let mut next = starts.clone();
        let mut days = vec![Day(0); starts[starts.len() - 1]];
        for order in in_range() {
            days[next[order.customer.index()]] = order.day;
            next[order.customer.index()] += 1;
        }
        for w in starts.windows(2) {
            days[w[0]..w[1]].sort_unstable();
        }
        OrderDays { starts, days }
    }

    fn of(&self, customer: CustomerId) -> &[Day] {
        &self.days[self.starts[customer.index()]..self.starts[customer.index() + 1]]
    }
}

/// Buffers reused across customers and pairs, so the pass does not allocate per pair.
struct Scratch {
    /// The customer's purchase days after [`Windows::orders_from`].
    purchase_days: DaySet,
    /// The current pair's purchase days up to the start of the current window.
    pair_days: Vec<Day>,
    gaps: Vec<i32>,
}

impl Scratch {
    fn new(window: &Windows) -> Scratch {
        Scratch {
            purchase_days: DaySet::new(window.orders_from(), window.as_of),
            pair_days: Vec::new(),
            gaps: Vec::new(),
        }
    }
}

/// A set of days in `(from, to]` as bits: at most 3,650 days, so clearing it per customer is
/// cheap and a lookup is one load, where a sorted list would need a sort and binary searches.
struct DaySet {
    from: Day,
    to: Day,
    words: Vec<u64>,
}

impl DaySet {
    fn new(from: Day, to: Day) -> DaySet {
        DaySet {
            from,
            to,
            words: vec![0; (to - from) as usize / 64 + 1],
        }
    }

    fn clear(&mut self) {
        self.words.fill(0);
    }

    /// The word and bit of `day`; `None` outside the range.
    fn bit(&self, day: Day) -> Option<(usize, u64)> {
        let i = usize::try_from(day - self.from - 1).ok()?;
        (day <= self.to).then(|| (i / 64, 1 << (i % 64)))
    }

    fn insert(&mut self, day: Day) {
        if let Some((word, bit)) = self.bit(day) {
            self.words[word] |= bit;
        }
    }

    fn contains(&self, day: Day) -> bool {
        self.bit(day)
            .is_some_and(|(word, bit)| self.words[word] & bit != 0)
    }
}

/// What one pair contributes.
#[derive(Default)]
struct PairFacts {
    first: Option<Day>,
    current: bool,
    previous: bool,
    lapsed: bool,
    net: Fixed,
    net_prev: Fixed,
}

/// One pass over the pair's purchase days, then binary searches for the windows' lines. Notes
/// the purchase days in `scratch.purchase_days` as it goes.
fn pair_facts(history: &PairHistory, window: &Windows, scratch: &mut Scratch) -> PairFacts {
    let mut facts = PairFacts::default();
    scratch.pair_days.clear();
    for day in history.purchase_days_until(window.as_of) {
        facts.first.get_or_insert(day);
        scratch.purchase_days.insert(day);
        if day > window.current {
            facts.current = true;
        } else {
            facts.previous |= day > window.previous;
            scratch.pair_days.push(day);
        }
    }
    facts.lapsed = lapse_onset(&scratch.pair_days, &mut scratch.gaps)
        .is_some_and(|onset| window.previous < onset && onset <= window.current);
    let lines = history.until(window.as_of);
    let from_previous = lines.partition_point(|p| p.day <= window.previous);
    let from_current = lines.partition_point(|p| p.day <= window.current);
    facts.net_prev = net_of(&lines[from_previous..from_current]);
    facts.net = net_of(&lines[from_current..]);
    facts
}

/// The first day the pair counts as lapsed given its purchase `days` (sorted); `None` with fewer
/// than two.
fn lapse_onset(days: &[Day], gaps: &mut Vec<i32>) -> Option<Day> {
    let last = *days.last()?;
    gaps.clear();
    gaps.extend(days.windows(2).map(|w| w[1] - w[0]));
    let twice_gap = twice_median(gaps)?;
    Some(last + (twice_gap as i32 + 1).max(MIN_LAPSE_DAYS))
}

/// Twice the median (a whole number, so no rounding); `None` for no values. Reorders `values`.
fn twice_median(values: &mut [i32]) -> Option<i64> {
    let n = values.len();
    if n == 0 {
        return None;
    }
    let (below, &mut upper, _) = values.select_nth_unstable(n / 2);
    let lower = if n % 2 == 0 {
        *below.iter().max().expect("an even count of at least 2")
    } else {
        upper
    };
    Some(i64::from(lower) + i64::from(upper))
}

/// Net amount of `lines`, exact.
fn net_of(lines: &[Purchase]) -> Fixed {
    lines.iter().map(|p| stored_amount(p.net)).sum()
}

/// The amount a line was ingested with: the shortest decimal of at most four places that gives
/// the stored `f32` (the same path as ingest: decimal to `f64`, then to `f32`), so sums in cents
/// come out exact instead of carrying the `f32` rounding of every line.
fn stored_amount(stored: f32) -> Fixed {
    let wide = f64::from(stored);
    for places in 0..4 {
        let scale = 10f64.powi(places);
        let units = (wide * scale).round();
        if (units / scale) as f32 == stored {
            return Fixed(units as i64 * 10i64.pow(4 - places as u32));
        }
    }
    Fixed::from_f64(wide)
}

/// What one customer contributes to its group.
#[derive(Default)]
struct CustomerFacts {
    bought: bool,
    new: bool,
    active: bool,
    active_prev: bool,
    products: u64,
    orders: u64,
    /// Twice the median gap between order days (whole days times two, so exact).
    twice_pace: Option<i64>,
    lapsed: u64,
    returned: u64,
    net: Fixed,
    net_prev: Fixed,
}

fn customer_facts(
    customer: &CustomerState,
    orders: &[Day],
    window: &Windows,
    scratch: &mut Scratch,
) -> CustomerFacts {
    let mut facts = CustomerFacts::default();
    let mut first: Option<Day> = None;
    scratch.purchase_days.clear();
    for history in customer.pairs() {
        let pair = pair_facts(history, window, scratch);
        first = first.into_iter().chain(pair.first).min();
        facts.active |= pair.current;
        facts.active_prev |= pair.previous;
        facts.products += u64::from(pair.current);
        facts.lapsed += u64::from(pair.lapsed);
        facts.returned += u64::from(pair.lapsed && pair.current);
        facts.net += pair.net;
        facts.net_prev += pair.net_prev;
    }
    facts.bought = first.is_some();
    facts.new = first.is_some_and(|d| d > window.current);
    count_orders(&mut facts, orders, window, scratch);
    facts
}

/// Counted orders in the current window and the pace over the last year, from the customer's
/// order days (sorted) and its purchase days (`scratch.purchase_days`).
fn count_orders(facts: &mut CustomerFacts, orders: &[Day], window: &Windows, s: &mut Scratch) {
    let purchase_days = &s.purchase_days;
    let counted = orders
        .iter()
        .copied()
        .filter(|&d| purchase_days.contains(d));
    facts.orders = counted.clone().filter(|&d| d > window.current).count() as u64;
    let mut recent = counted.filter(|&d| d > window.pace).peekable();
    s.gaps.clear();
    while let Some(day) = recent.next() {
        // Orders are sorted, so equal days are neighbours: the gap to the next distinct day.
        if let Some(&next) = recent.peek() {
            if next > day {
                s.gaps.push(next - day);
            }
        }
    }
    facts.twice_pace = if facts.active {
        twice_median(&mut s.gaps)
    } else {
        None
    };
}

/// The sums of one group.
#[derive(Default)]
struct GroupSums {
    customers: u64,
    active: u64,
    active_prev: u64,
    new: u64,
    churned: u64,
    products: u64,
    orders: u64,
    twice_paces: Vec<i32>,
    lapsed: u64,
    returned: u64,
    net: Fixed,
    net_prev: Fixed,
}

impl GroupSums {
    fn add(&mut self, f: &CustomerFacts) {
        self.customers += u64::from(f.bought);
        self.active += u64::from(f.active);
        self.active_prev += u64::from(f.active_prev);
        self.new += u64::from(f.new);
        self.churned += u64::from(f.active_prev && !f.active);
        self.products += f.products;
        self.orders += f.orders;
        // Twice a median of gaps within 365 days fits an i32.
        self.twice_paces.extend(f.twice_pace.map(|p| p as i32));
        self.lapsed += f.lapsed;
        self.returned += f.returned;
        self.net += f.net;
        self.net_prev += f.net_prev;
    }

    /// The KPI columns of this group, in table order.
    fn values(&mut self, window_days: i32) -> [(&'static str, Value); 15] {
        let ratio = |num: f64, den: u64| (den > 0).then(|| num / den as f64);
        let per_30_days = FREQUENCY_DAYS / f64::from(window_days);
        // Paces are kept doubled (whole numbers) and twice_median doubles again: 4x the median.
        let pace = twice_median(&mut self.twice_paces).map(|t| t as f64 / 4.0);
        [
            ("customers", Value::Int(self.customers)),
            ("active_customers", Value::Int(self.active)),
            ("active_customers_prev", Value::Int(self.active_prev)),
            ("new_customers", Value::Int(self.new)),
            ("churned_customers", Value::Int(self.churned)),
            (
                "churn_rate",
                Value::Float(ratio(self.churned as f64, self.active_prev)),
            ),
            (
                "variety_per_customer",
                Value::Float(ratio(self.products as f64, self.active)),
            ),
            ("orders", Value::Int(self.orders)),
            (
                "orders_per_customer_30d",
                Value::Float(ratio(self.orders as f64 * per_30_days, self.active)),
            ),
            ("median_days_between_orders", Value::Float(pace)),
            ("lapsed_pairs", Value::Int(self.lapsed)),
            ("returned_pairs", Value::Int(self.returned)),
            (
                "return_to_basket_rate",
                Value::Float(ratio(self.returned as f64, self.lapsed)),
            ),
            ("net_revenue", Value::Float(Some(self.net.to_f64()))),
            (
                "net_revenue_prev",
                Value::Float(Some(self.net_prev.to_f64())),
            ),
        ]
    }
}

/// One cell of the KPI table.
enum Value {
    Int(u64),
    Float(Option<f64>),
}

/// Sums per group key (`None`: customers without a group, or everyone when not grouped).
#[derive(Default)]
struct Groups {
    keyed: Vec<Option<GroupSums>>,
    none: Option<GroupSums>,
}

impl Groups {
    fn get(&mut self, key: Option<u32>) -> &mut GroupSums {
        let slot = match key {
            None => &mut self.none,
            Some(k) => {
                let k = k as usize;
                if k >= self.keyed.len() {
                    self.keyed.resize_with(k + 1, || None);
                }
                &mut self.keyed[k]
            }
        };
        slot.get_or_insert_with(GroupSums::default)
    }

    /// The rows: named groups sorted by text, then the unnamed one. Ungrouped, always one row.
    fn rows(self, state: &State, by: Option<GroupBy>) -> Vec<(Option<String>, GroupSums)> {
        let Some(by) = by else {
            return vec![(None, self.none.unwrap_or_default())];
        };
        let mut rows: Vec<(Option<String>, GroupSums)> = self
            .keyed
            .into_iter()
            .enumerate()
            .filter_map(|(k, t)| Some((Some(by.text(state, k as u32).to_string()), t?)))
            .collect();
        rows.sort_by(|a, b| a.0.cmp(&b.0));
        rows.extend(self.none.map(|t| (None, t)));
        rows
    }

    fn into_frame(self, state: &State, by: Option<GroupBy>, window: &Windows) -> Frame {
        let rows = self.rows(state, by);
        let mut frame = Frame::new();
        if let Some(by) = by {
            let names = rows.iter().map(|(name, _)| name.clone()).collect();
            frame = frame.with(by.column(), Series::Str(names));
        }
        frame = frame.with("as_of", Series::Day(vec![Some(window.as_of); rows.len()]));
        let table: Vec<_> = rows
            .into_iter()
            .map(|(_, mut t)| t.values(window.days))
            .collect();
        for (i, (name, kind)) in GroupSums::default().values(window.days).iter().enumerate() {
            let series = match kind {
                Value::Int(_) => Series::I64(table.iter().map(|r| r[i].1.int()).collect()),
                Value::Float(_) => Series::F64(table.iter().map(|r| r[i].1.float()).collect()),
            };
            frame = frame.with(name, series);
        }
        frame
    }
}

impl Value {
    fn int(&self) -> Option<i64> {
        match self {
            Value::Int(n) => Some(*n as i64),
            Value::Float(_) => None,
        }
    }

    fn float(&self) -> Option<f64> {
        match self {
            Value::Float(x) => *x,
            Value::Int(_) => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Thresholds;
    use crate::model::{CustomerRow, OrderLine};
    use crate::Engine;

    const W: u32 = 30;
    /// `T` of the fixture: C = (d90, d120], P = (d60, d90].
    const AS_OF: i32 = 120;

    fn day(n: i32) -> Day {
        Day::from_ymd(2024, 1, 1).unwrap() + n
    }

    fn line(order: &str, customer: &str, product: &str, n: i32, qty: f64, net: f64) -> OrderLine {
        OrderLine::new(order, customer, product, day(n).to_date(), qty, net)
    }

    fn customer(id: &str, rep: &str, segment: &str, region: &str) -> CustomerRow {
        let text = |s: &str| (!s.is_empty()).then(|| s.to_string());
        CustomerRow {
            customer_id: id.into(),
            rep_id: text(rep),
            segment: text(segment),
            region: text(region),
            name: None,
        }
    }

    /// Worked out by hand (P1 costs 10, P2 7.5, P3 3.3 a unit):
    /// - A: P1 on d10, d20, d30, d40 (lapses at d61, in P), P2 on d95, P2 + P3 on d100 (one
    ///   order), P1 on d125 (after T: it must not count as P1 coming back);
    /// - B: P1 on d50; on d75 buys 2 P1 and a credit note returns them (no purchase day, so B is
    ///   not active in P); P3 x2 on d110, one returned by credit note on d115;
    /// - C: P1 on d65 and d85: active in P only, so churned;
    /// - D: two orders of P2 on d100, its first purchases: new;
    /// - E: buys only on d130, after T;
    /// - F: P1 on d0, d5, d10: lapsed at d24, long before P, so not among the lapsed pairs;
    /// - G: P2 on d20, d30, d40, d50 (lapses at d71, in P) and again on d100: returned;
    /// - H: P1 on d80 and d105: active in both windows.
    fn lines() -> Vec<OrderLine> {
        let mut lines = vec![
            line("A5", "A", "P2", 95, 1.0, 7.5),
            line("A6", "A", "P2", 100, 2.0, 15.0),
            line("A6", "A", "P3", 100, 1.0, 3.3),
            line("A7", "A", "P1", 125, 1.0, 10.0),
            line("B1", "B", "P1", 50, 1.0, 10.0),
            line("B2", "B", "P1", 75, 2.0, 20.0),
            line("B-CN1", "B", "P1", 75, -2.0, -20.0),
            line("B3", "B", "P3", 110, 2.0, 6.6),
            line("B-CN2", "B", "P3", 115, -1.0, -3.3),
            line("C1", "C", "P1", 65, 1.0, 10.0),
            line("C2", "C", "P1", 85, 1.0, 10.0),
            line("D1", "D", "P2", 100, 1.0, 7.5),
            line("D2", "D", "P2", 100, 3.0, 22.5),
            line("E1", "E", "P1", 130, 1.0, 10.0),
            line("G5", "G", "P2", 100, 1.0, 7.5),
            line("H1", "H", "P1", 80, 1.0, 10.0),
            line("H2", "H", "P1", 105, 1.0, 10.0),
        ];
        for (i, n) in [10, 20, 30, 40].into_iter().enumerate() {
            lines.push(line(&format!("A{}", i + 1), "A", "P1", n, 1.0, 10.0));
        }
        for (i, n) in [0, 5, 10].into_iter().enumerate() {
            lines.push(line(&format!("F{}", i + 1), "F", "P1", n, 1.0, 10.0));
        }
        for (i, n) in [20, 30, 40, 50].into_iter().enumerate() {
            lines.push(line(&format!("G{}", i + 1), "G", "P2", n, 1.0, 7.5));
        }
        lines
    }

    fn config() -> Config {
        Config {
            thresholds: Thresholds {
                active_window_days: W,
                ..Thresholds::default()
            },
            ..Config::default()
        }
    }

    fn engine_with(lines: &[OrderLine]) -> Engine {
        let mut engine = Engine::new(config()).unwrap();
        let masters = [
            customer("A", "R1", "Retail", "North"),
            customer("B", "R1", "Horeca", "South"),
            customer("C", "R2", "Retail", ""),
            customer("E", "R2", "Horeca", "North"),
            customer("G", "R2", "Retail", "North"),
            customer("H", "R3", "", "South"),
        ];
        assert!(engine.ingest_customer_rows(&masters).is_clean());
        let report = engine.ingest_order_rows(lines);
        assert_eq!((report.accepted, report.rejected.len()), (lines.len(), 0));
        engine
    }

    fn fixture() -> Engine {
        engine_with(&lines())
    }

    /// Row `i` of every KPI column after `as_of`, integers as floats.
    fn row(frame: &Frame, i: usize) -> Vec<Option<f64>> {
        let start = frame
            .columns
            .iter()
            .position(|(n, _)| n == "as_of")
            .unwrap()
            + 1;
        frame.columns[start..]
            .iter()
            .map(|(_, s)| match s {
                Series::I64(v) => v[i].map(|n| n as f64),
                Series::F64(v) => v[i],
                other => panic!("unexpected column {other:?}"),
            })
            .collect()
    }

    /// The KPIs of the state alone (the engine's table by rep adds its task outcomes, which
    /// `crate::outcomes` tests).
    fn kpis_at(engine: &Engine, by: Option<GroupBy>) -> Frame {
        kpis(engine.state(), engine.config(), day(AS_OF), by).unwrap()
    }

    #[test]
    fn columns_are_named_and_typed_as_documented() {
        let frame = kpis_at(&fixture(), Some(GroupBy::Segment));
        let names: Vec<&str> = frame.columns.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(
            names,
            [
                "segment",
                "as_of",
                "customers",
                "active_customers",
                "active_customers_prev",
                "new_customers",
                "churned_customers",
                "churn_rate",
                "variety_per_customer",
                "orders",
                "orders_per_customer_30d",
                "median_days_between_orders",
                "lapsed_pairs",
                "returned_pairs",
                "return_to_basket_rate",
                "net_revenue",
                "net_revenue_prev",
            ]
        );
        assert_eq!(
            frame.column("as_of"),
            Some(&Series::Day(vec![Some(day(AS_OF)); 3]))
        );
        assert!(frame.i64_column("orders").is_some());
        assert!(frame.f64_column("churn_rate").is_some());
    }

    #[test]
    fn overall_kpis_match_the_hand_computed_values() {
        let frame = kpis_at(&fixture(), None);
        assert_eq!(frame.len(), 1);
        // customers A B C D F G H; active A B D G H; active in P: C H; churned C; new D;
        // variety: A 2 (P2 P3), others 1; orders: A5 A6 B3 D1 D2 G5 H2; paces A 10, B 60
        // (B2 and both credit notes fall on days without a net purchase), G 10, H 25;
        // lapsed A-P1 and G-P2, of which G-P2 came back;
        // revenue C: 25.8 + (6.6 - 3.3) + 30 + 7.5 + 10, P: (20 - 20) + 20 + 10.
        let expected = [
            7.0, 5.0, 2.0, 1.0, 1.0, 0.5, 1.2, 7.0, 1.4, 17.5, 2.0, 1.0, 0.5, 76.6, 30.0,
        ];
        assert_eq!(row(&frame, 0), expected.map(Some));
    }

    #[test]
    fn grouping_by_rep_sorts_groups_and_puts_customers_without_one_last() {
        let frame = kpis_at(&fixture(), Some(GroupBy::Rep));
        let groups = frame.str_column("rep_id").unwrap();
        assert_eq!(
            groups,
            [
                Some("R1".into()),
                Some("R2".into()),
                Some("R3".into()),
                None
            ]
        );
        let n = None;
        #[rustfmt::skip]
        let expected = [
            // R1: A and B.
            [Some(2.0), Some(2.0), Some(0.0), Some(0.0), Some(0.0), n, Some(1.5), Some(3.0),
             Some(1.5), Some(35.0), Some(1.0), Some(0.0), Some(0.0), Some(29.1), Some(0.0)],
            // R2: C, G, and E, who bought only after T.
            [Some(2.0), Some(1.0), Some(1.0), Some(0.0), Some(1.0), Some(1.0), Some(1.0),
             Some(1.0), Some(1.0), Some(10.0), Some(1.0), Some(1.0), Some(1.0), Some(7.5),
             Some(20.0)],
            // R3: H.
            [Some(1.0), Some(1.0), Some(1.0), Some(0.0), Some(0.0), Some(0.0), Some(1.0),
             Some(1.0), Some(1.0), Some(25.0), Some(0.0), Some(0.0), n, Some(10.0), Some(10.0)],
            // No rep: D (one order day, so no pace) and F.
            [Some(2.0), Some(1.0), Some(0.0), Some(1.0), Some(0.0), n, Some(1.0), Some(2.0),
             Some(2.0), n, Some(0.0), Some(0.0), n, Some(30.0), Some(0.0)],
        ];
        for (i, want) in expected.iter().enumerate() {
            assert_eq!(row(&frame, i), want, "row {i}");
        }
    }

    #[test]
    fn grouping_by_segment_and_region() {
        let engine = fixture();
        let frame = kpis_at(&engine, Some(GroupBy::Segment));
        let groups = frame.str_column("segment").unwrap();
        assert_eq!(groups, [Some("Horeca".into()), Some("Retail".into()), None]);
        #[rustfmt::skip]
        let retail = [3.0, 2.0, 1.0, 0.0, 1.0, 1.0, 1.5, 3.0, 1.5, 10.0, 2.0, 1.0, 0.5, 33.3, 20.0];
        assert_eq!(row(&frame, 1), retail.map(Some));
        let unsegmented = row(&frame, 2);
        assert_eq!(unsegmented[..5], [3.0, 2.0, 1.0, 1.0, 0.0].map(Some));
        assert_eq!(unsegmented[13], Some(40.0));

        let frame = kpis_at(&engine, Some(GroupBy::Region));
        let groups = frame.str_column("region").unwrap();
        assert_eq!(groups, [Some("North".into()), Some("South".into()), None]);
        let active = frame.i64_column("active_customers").unwrap();
        assert_eq!(active, [Some(2), Some(2), Some(1)]);
    }

    #[test]
    fn later_lines_and_arrival_order_do_not_change_the_table() {
        let full = fixture();
        let mut until_as_of: Vec<OrderLine> = lines()
            .into_iter()
            .filter(|l| Day::from_date(l.date) <= day(AS_OF))
            .collect();
        until_as_of.reverse();
        let cut = engine_with(&until_as_of);
        assert!(cut.state().last_day() < full.state().last_day());
        for by in [None, Some(GroupBy::Rep), Some(GroupBy::Region)] {
            assert_eq!(kpis_at(&cut, by), kpis_at(&full, by), "{by:?}");
        }
        // The line of d125 brings A-P1 back once T passes it.
        let later = full.kpis(day(125), None).unwrap();
        assert_eq!(later.i64_column("returned_pairs").unwrap(), [Some(1)]);
    }

    #[test]
    fn returns_net_out_of_purchase_days_orders_and_revenue() {
        let b: Vec<OrderLine> = lines()
            .into_iter()
            .filter(|l| l.customer_id == "B")
            .collect();
        let engine = engine_with(&b);
        let frame = kpis_at(&engine, None);
        // d75 nets to zero units, so B is not active in P; the credit notes are not orders;
        // churn and return rates have nothing to divide by.
        let n = None;
        #[rustfmt::skip]
        let expected = [
            Some(1.0), Some(1.0), Some(0.0), Some(0.0), Some(0.0), n, Some(1.0), Some(1.0),
            Some(1.0), Some(60.0), Some(0.0), Some(0.0), n, Some(3.3), Some(0.0),
        ];
        assert_eq!(row(&frame, 0), expected);
    }

    #[test]
    fn order_frequency_is_given_per_30_days() {
        let mut engine = Engine::new(Config::default()).unwrap();
        let rows: Vec<OrderLine> = [40, 60, 70, 80]
            .iter()
            .enumerate()
            .map(|(i, &n)| line(&format!("O{i}"), "C", "P", n, 1.0, 1.0))
            .collect();
        engine.ingest_order_rows(&rows);
        // W = 90: C = (d-10, d80] holds all four orders.
        let frame = engine.kpis(day(80), None).unwrap();
        assert_eq!(
            frame.f64_column("orders_per_customer_30d").unwrap(),
            [Some(4.0 / 3.0)]
        );
        // Gaps 20, 10, 10: median 10.
        assert_eq!(
            frame.f64_column("median_days_between_orders").unwrap(),
            [Some(10.0)]
        );
    }

    #[test]
    fn an_empty_engine_gives_one_row_of_zeros_and_nulls_or_no_groups() {
        let engine = Engine::new(Config::default()).unwrap();
        let frame = engine.kpis(day(0), None).unwrap();
        assert_eq!(frame.len(), 1);
        assert_eq!(frame.i64_column("customers").unwrap(), [Some(0)]);
        assert_eq!(frame.f64_column("churn_rate").unwrap(), [None]);
        assert_eq!(frame.f64_column("net_revenue").unwrap(), [Some(0.0)]);
        let grouped = engine.kpis(day(0), Some(GroupBy::Rep)).unwrap();
        // The 17 KPI columns and the two of the tasks' outcomes.
        assert_eq!((grouped.len(), grouped.columns.len()), (0, 19));
        assert_eq!(grouped.columns[18].0, "task_return_to_basket_rate");
    }

    #[test]
    fn implausible_days_and_unknown_groups_are_invalid_arguments() {
        let engine = fixture();
        for bad in [Day(MAX_DAY.0 + 1), Day(MIN_DAY.0 - 1)] {
            let err = engine.kpis(bad, None).unwrap_err();
            assert!(matches!(err, Error::InvalidArgument(_)), "{err}");
        }
        assert_eq!(GroupBy::parse("REP").unwrap(), GroupBy::Rep);
        assert_eq!(GroupBy::parse("region").unwrap().column(), "region");
        let err = GroupBy::parse("country").unwrap_err();
        assert!(err.to_string().contains("\"segment\""), "{err}");
        for by in [GroupBy::Rep, GroupBy::Segment, GroupBy::Region] {
            assert_eq!(GroupBy::parse(by.name()).unwrap(), by);
        }
    }

    #[test]
    fn lapse_onset_is_twice_the_median_gap_and_at_least_14_days() {
        let days = |ns: &[i32]| ns.iter().map(|&n| Day(n)).collect::<Vec<_>>();
        let mut gaps = Vec::new();
        let mut onset = |ns: &[i32]| lapse_onset(&days(ns), &mut gaps).map(|d| d.0);
        assert_eq!(onset(&[10, 20, 30, 40]), Some(61));
        assert_eq!(onset(&[0, 5, 10]), Some(24));
        // Gaps 10 and 30: median 20, so lapsed once more than 40 days passed.
        assert_eq!(onset(&[0, 10, 40]), Some(81));
        assert_eq!(onset(&[7]), None);
        assert_eq!(onset(&[]), None);
    }

    #[test]
    fn medians_are_exact_halves() {
        assert_eq!(twice_median(&mut [5, 1, 3]), Some(6));
        assert_eq!(twice_median(&mut [4, 1, 3, 10]), Some(7));
        assert_eq!(twice_median(&mut []), None);
    }

    #[test]
    fn stored_amounts_are_read_back_as_the_ingested_decimals() {
        for (x, fixed) in [
            (1234.56, 12_345_600),
            (0.1, 1_000),
            (-3.3, -33_000),
            (12.3456, 123_456),
            (99_999.99, 999_999_900),
            (1e9, 10_000_000_000_000),
        ] {
            assert_eq!(stored_amount(x as f32), Fixed(fixed), "{x}");
        }
    }
}
