//! Discount baselines: weekly discount rates per segment, rep and product family, and robust
//! tests of the latest weeks against their own history.
//!
//! Owns: the discount rate of a line (1 - net / list, with list = the line's list amount, or the
//! product's list price x quantity when the line has none), the weekly sums that make a group's
//! rate ([`WeeklyDiscounts`], additive: two partitions' sums add up), the robust baseline
//! ([`Baseline`]: median and MAD of past weeks) and the two tests that read it:
//!
//! - **spike**: the latest week's robust z = (rate - median) / σ̂, σ̂ = max(1.4826 MAD,
//!   [`DiscountRules::sigma_floor`]). Under a normal in-control week, z ≥ 4 has probability
//!   3.2e-5 (one false alarm per ~600 years of weekly checks of one group); MAD on 26 weeks is
//!   itself noisy, so the realised rate is somewhat higher, about 1e-4 per group-week.
//! - **shift** (CUSUM): S_t = max(0, S_(t-1) + z_t - k) over the recent weeks with k = 0.5,
//!   alarm at S ≥ h = 5. For normal in-control data its average run length is about 930 weeks;
//!   it catches a persistent rise of one σ̂ within about ten weeks, a rise of two σ̂ within four.
//!
//! The baseline weeks lie before the recent ones, so a creep that began a few weeks ago is
//! judged against the rates before it. A change must also be material: at least
//! [`DiscountRules::min_rise`] (one point) above the median.
//!
//! Rep and family series are **residuals** against their segments: the rep's weekly rate minus
//! the rate its lines would have had at their segments' rates of the same week. A segment-wide
//! creep thus raises the segment's signal once instead of every rep's and family's; a rep who
//! discounts more than the market does stands out on its own.

use crate::day::Day;
use crate::ids::{LabelId, RepId};
use crate::state::State;
use std::collections::BTreeMap;

/// The discount rate of a line: 1 - net / list; `None` without a positive list amount.
pub fn discount_rate(net: f64, list: f64) -> Option<f64> {
    (list > 0.0 && list.is_finite() && net.is_finite()).then(|| 1.0 - net / list)
}

/// A group whose discounts are followed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Group {
    /// A customer segment.
    Segment(LabelId),
    /// A rep (the customer's account owner, else the rep of its latest order).
    Rep(RepId),
    /// A product family.
    Family(LabelId),
}

/// Sums of one group's lines in one week.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Cell {
    /// Sum of list amounts.
    pub list: f64,
    /// Sum of net amounts.
    pub net: f64,
    /// Lines.
    pub lines: u32,
}

impl Cell {
    /// Adds a line.
    pub fn add(&mut self, net: f64, list: f64) {
        self.list += list;
        self.net += net;
        self.lines += 1;
    }

    /// Adds another cell (merge).
    pub fn absorb(&mut self, other: &Cell) {
        self.list += other.list;
        self.net += other.net;
        self.lines += other.lines;
    }

    /// The amount-weighted discount rate: 1 - Σnet / Σlist.
    pub fn rate(&self) -> Option<f64> {
        discount_rate(self.net, self.list)
    }
}

/// Weekly sums per group and segment, for the weeks counted back from `as_of`: week 0 is
/// (as_of - 7, as_of], week k is (as_of - 7(k+1), as_of - 7k].
#[derive(Clone, Debug, PartialEq)]
pub struct WeeklyDiscounts {
    /// The last day of week 0.
    pub as_of: Day,
    /// Weeks held.
    pub weeks: usize,
    /// Per (group, segment of the line's customer): one cell per week, week 0 first.
    pub cells: BTreeMap<(Group, Option<LabelId>), Vec<Cell>>,
}

impl WeeklyDiscounts {
    /// The sums of `state`'s sales lines (returns left out) over `weeks` weeks up to `as_of`.
    /// A line without a list amount uses its product's list price x quantity; a line with
    /// neither is left out.
    pub fn from_state(state: &State, as_of: Day, weeks: usize) -> WeeklyDiscounts {
        let mut out = WeeklyDiscounts {
            as_of,
            weeks,
            cells: BTreeMap::new(),
        };
        let from = as_of - 7 * weeks as i32;
        for (_, customer) in state.customers() {
            let segment = customer.master.segment;
            let rep = customer.rep();
            for pair in customer.pairs() {
                let product = state.product(pair.product);
                let lines = pair.until(as_of);
                let start = lines.partition_point(|p| p.day <= from);
                for line in &lines[start..] {
                    if line.quantity <= 0.0 || line.net < 0.0 {
                        continue;
                    }
                    let list = match (line.list, product.list_price) {
                        (Some(l), _) => f64::from(l),
                        (None, Some(price)) => price * f64::from(line.quantity),
                        (None, None) => continue,
                    };
                    if list <= 0.0 {
                        continue;
                    }
                    let week = ((as_of - line.day) / 7) as usize;
                    let net = f64::from(line.net);
                    let mut add = |group: Group| {
                        out.cells
                            .entry((group, segment))
                            .or_insert_with(|| vec![Cell::default(); weeks])[week]
                            .add(net, list);
                    };
                    if let Some(s) = segment {
                        add(Group::Segment(s));
                    }
                    if let Some(r) = rep {
                        add(Group::Rep(r));
                    }
                    if let Some(f) = product.family {
                        add(Group::Family(f));
                    }
                }
            }
        }
        out
    }

    /// The groups held, in order.
    pub fn groups(&self) -> Vec<Group> {
        let mut groups: Vec<Group> = self.cells.keys().map(|k| k.0).collect();
        groups.dedup();
        groups
    }

    /// A group's weekly totals (all segments together), week 0 first.
    pub fn totals(&self, group: Group) -> Vec<Cell> {
        let mut out = vec![Cell::default(); self.weeks];
        for (_, cells) in self
            .cells
            .range((group, None)..)
            .take_while(|(k, _)| k.0 == group)
        {
            for (o, c) in out.iter_mut().zip(cells) {
                o.absorb(c);
            }
        }
        out
    }

    /// A group's weekly series: its rate for a segment, its rate minus the rate its lines would
    /// have had at their segments' rates of the same week for a rep or a family (see the module
    /// documentation); `None` for a week without enough lines.
    pub fn series(&self, group: Group, min_lines: u32) -> Vec<Option<f64>> {
        let totals = self.totals(group);
        let rates: Vec<Option<f64>> = totals
            .iter()
            .map(|c| c.rate().filter(|_| c.lines >= min_lines))
            .collect();
        if matches!(group, Group::Segment(_)) {
            return rates;
        }
        // The rate the group's lines would have had at their segments' weekly rates.
        let mut expected_net = vec![0.0; self.weeks];
        let mut known_list = vec![0.0; self.weeks];
        for ((_, segment), cells) in self
            .cells
            .range((group, None)..)
            .take_while(|(k, _)| k.0 == group)
        {
            let Some(s) = segment else { continue };
            let Some(segment_cells) = self.cells.get(&(Group::Segment(*s), Some(*s))) else {
                continue;
            };
            for w in 0..self.weeks {
                if let Some(rate) = segment_cells[w].rate() {
                    expected_net[w] += cells[w].list * (1.0 - rate);
                    known_list[w] += cells[w].list;
                }
            }
        }
        (0..self.weeks)
            .map(|w| {
                let actual = rates[w]?;
                let covered = known_list[w] / totals[w].list;
                // Residuals need the segment rate of nearly all of the group's amount.
                (covered > 0.95).then(|| {
                    let expected = 1.0 - expected_net[w] / known_list[w];
                    actual - expected
                })
            })
            .collect()
    }
}

/// A robust baseline of weekly values.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Baseline {
    /// The median.
    pub median: f64,
    /// The median absolute deviation from the median (unscaled).
    pub mad: f64,
    /// Weeks it rests on.
    pub weeks: usize,
}

impl Baseline {
    /// The median and MAD of `values` (`None` when empty).
    pub fn of(values: &[f64]) -> Option<Baseline> {
        let median = median(values.to_vec())?;
        let mad = median_of(values.iter().map(|v| (v - median).abs()))?;
        Some(Baseline {
            median,
            mad,
            weeks: values.len(),
        })
    }

    /// The robust scale: 1.4826 MAD (σ for normal data), at least `floor`.
    pub fn sigma(&self, floor: f64) -> f64 {
        (1.4826 * self.mad).max(floor)
    }
}

fn median_of(values: impl Iterator<Item = f64>) -> Option<f64> {
    median(values.collect())
}

/// The median of `values` (mean of the middle two for an even count; `None` when empty).
pub fn median(mut values: Vec<f64>) -> Option<f64> {
    if values.is_empty() {
        return None;
    }
    values.sort_by(f64::total_cmp);
    let n = values.len();
    Some(if n % 2 == 1 {
        values[n / 2]
    } else {
        (values[n / 2 - 1] + values[n / 2]) / 2.0
    })
}

/// The one-sided upper CUSUM of standardized values: S_t = max(0, S_(t-1) + z_t - k), the
/// final S. Values are given oldest first.
pub fn cusum(z: &[f64], k: f64) -> f64 {
    z.iter().fold(0.0, |s, z| (s + z - k).max(0.0))
}

/// The thresholds of the discount tests.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct DiscountRules {
    /// Recent weeks fed to the CUSUM (week 0 included).
    pub recent_weeks: usize,
    /// Baseline weeks, taken right before the recent ones.
    pub baseline_weeks: usize,
    /// Fewest baseline weeks with enough lines.
    pub min_baseline_weeks: usize,
    /// Fewest lines in a week for its rate to count.
    pub min_lines: u32,
    /// Robust z of week 0 that makes a spike.
    pub spike_z: f64,
    /// CUSUM reference value k (in σ̂).
    pub cusum_k: f64,
    /// CUSUM decision interval h (in σ̂).
    pub cusum_h: f64,
    /// Smallest σ̂ (a rate; 0.0025 = a quarter point): weekly rates of big groups barely move,
    /// and a mix change of a fraction of a point is not news.
    pub sigma_floor: f64,
    /// Smallest rise over the median that is reported (a rate; 0.01 = one point).
    pub min_rise: f64,
}

impl Default for DiscountRules {
    fn default() -> Self {
        DiscountRules {
            recent_weeks: 4,
            baseline_weeks: 26,
            min_baseline_weeks: 8,
            min_lines: 10,
            spike_z: 4.0,
            cusum_k: 0.5,
            cusum_h: 5.0,
            sigma_floor: 0.0025,
            min_rise: 0.01,
        }
    }
}

impl DiscountRules {
    /// Weeks of history the tests read.
    pub fn weeks(&self) -> usize {
        self.recent_weeks + self.baseline_weeks
    }
}

/// The verdict on one group's series.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct DiscountTest {
    /// The group.
    pub group: Group,
    /// The latest week's value (a rate, or a residual for reps and families).
    pub current: f64,
    /// The baseline of the weeks before the recent ones.
    pub baseline: Baseline,
    /// The robust scale used.
    pub sigma: f64,
    /// The latest week's robust z.
    pub z: f64,
    /// The CUSUM over the recent weeks.
    pub cusum: f64,
    /// Mean of the recent weeks' values.
    pub recent_mean: f64,
}

impl DiscountTest {
    /// Tests `series` (week 0 first, as [`WeeklyDiscounts::series`] gives it); `None` when the
    /// latest week or the baseline has too few lines.
    pub fn run(
        group: Group,
        series: &[Option<f64>],
        rules: &DiscountRules,
    ) -> Option<DiscountTest> {
        let current = (*series.first()?)?;
        let recent = rules.recent_weeks.min(series.len());
        let past: Vec<f64> = series
            .iter()
            .skip(recent)
            .take(rules.baseline_weeks)
            .flatten()
            .copied()
            .collect();
        if past.len() < rules.min_baseline_weeks {
            return None;
        }
        let baseline = Baseline::of(&past)?;
        let sigma = baseline.sigma(rules.sigma_floor);
        let recent_values: Vec<f64> = series[..recent].iter().rev().flatten().copied().collect();
        let z: Vec<f64> = recent_values
            .iter()
            .map(|v| (v - baseline.median) / sigma)
            .collect();
        Some(DiscountTest {
            group,
            current,
            baseline,
            sigma,
            z: (current - baseline.median) / sigma,
            cusum: cusum(&z, rules.cusum_k),
            recent_mean: recent_values.iter().sum::<f64>() / recent_values.len() as f64,
        })
    }

    /// Whether the test reports a rise: a spike of week 0 or a persistent shift, material in
    /// size, with week 0 itself above the baseline.
    pub fn alarm(&self, rules: &DiscountRules) -> bool {
        let rise = self.current - self.baseline.median;
        rise >= rules.min_rise && (self.z >= rules.spike_z || self.cusum >= rules.cusum_h)
    }
}

/// Every group's test at `as_of`, alarms or not.
pub fn discount_tests(state: &State, as_of: Day, rules: &DiscountRules) -> Vec<DiscountTest> {
    let weekly = WeeklyDiscounts::from_state(state, as_of, rules.weeks());
    weekly
        .groups()
        .into_iter()
        .filter_map(|g| DiscountTest::run(g, &weekly.series(g, rules.min_lines), rules))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_line_discount_is_one_minus_net_over_list() {
        assert_eq!(discount_rate(80.0, 100.0), Some(0.19999999999999996));
        assert_eq!(discount_rate(80.0, 0.0), None);
    }

    #[test]
    fn median_and_mad_by_hand() {
        let b = Baseline::of(&[1.0, 2.0, 3.0, 4.0, 100.0]).unwrap();
        assert_eq!((b.median, b.mad), (3.0, 1.0));
        assert!((b.sigma(0.0) - 1.4826).abs() < 1e-12);
        assert_eq!(b.sigma(2.0), 2.0);
    }

    #[test]
    fn cusum_accumulates_only_excess_over_k() {
        assert_eq!(cusum(&[0.4, 0.4, 0.4], 0.5), 0.0);
        assert_eq!(cusum(&[2.0, 2.0, -10.0, 3.0], 0.5), 2.5);
        assert_eq!(cusum(&[1.5, 1.5, 1.5], 0.5), 3.0);
    }

    fn series(recent: &[f64], past: f64, n_past: usize) -> Vec<Option<f64>> {
        let wiggle = [0.0, 0.002, -0.002, 0.001, -0.001];
        recent
            .iter()
            .copied()
            .chain((0..n_past).map(|i| past + wiggle[i % 5]))
            .map(Some)
            .collect()
    }

    #[test]
    fn a_spike_and_a_shift_are_found_and_a_quiet_week_is_not() {
        let rules = DiscountRules::default();
        let g = Group::Segment(LabelId(0));
        // Baseline 8% (MAD 0.1 point, floored at a quarter point): 14% is z = 24.
        let t = DiscountTest::run(g, &series(&[0.14, 0.08, 0.08, 0.08], 0.08, 26), &rules).unwrap();
        assert!((t.z - 24.0).abs() < 1e-9, "{t:?}");
        assert!(t.alarm(&rules));
        // A noisy baseline (7% and 9% alternating: MAD 1 point, sigma 1.48 points) and 11% for
        // four weeks: z = 2.02 each week, no spike, but the CUSUM reaches 4 x 1.52 = 6.09.
        let noisy: Vec<Option<f64>> = [0.11; 4]
            .into_iter()
            .chain((0..26).map(|i| if i % 2 == 0 { 0.07 } else { 0.09 }))
            .map(Some)
            .collect();
        let t = DiscountTest::run(g, &noisy, &rules).unwrap();
        assert!(t.z < rules.spike_z, "{t:?}");
        assert!((t.cusum - 4.0 * (0.03 / 0.014826 - 0.5)).abs() < 1e-6 && t.alarm(&rules));
        // Half a point is below the material rise whatever its z.
        let t = DiscountTest::run(g, &series(&[0.085; 4], 0.08, 26), &rules).unwrap();
        assert!(!t.alarm(&rules));
        // Too few baseline weeks: no test.
        assert!(DiscountTest::run(g, &series(&[0.2; 4], 0.08, 5), &rules).is_none());
    }
}
