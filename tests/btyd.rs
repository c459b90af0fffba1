//! Customer-level models (issue 4) against published values, lifetimes 0.11.3 and simulation.
//!
//! Data: the CDNOW files of `../shared/data/cdnow` (see its PROVENANCE.md). Fixtures: made by
//! `tests/fixtures/btyd/make_lifetimes_fixture.py` (its header says how).

use proptest::prelude::*;
use proptest::test_runner::{Config as ProptestConfig, RngSeed, TestCaseError, TestRunner};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use salespulse::models::btyd::{
    simulate, BetaGeo, BetaGeoParams, ClvOptions, GammaGamma, GammaGammaParams, ModelParams,
    ModifiedBetaGeo, ModifiedBetaGeoParams, ParetoNBD, ParetoNBDParams, RfmData, SpendData,
    TimeUnit, TransactionModel,
};
use salespulse::models::rfm::{rfm_summary, Freq};
use std::collections::HashMap;
use std::fs;
use std::sync::atomic::{AtomicUsize, Ordering};

/// The reference fixtures (the one place to change if they move).
const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../tests/fixtures/btyd");
/// The shared data sets, `../shared/data` from the repository root.
const DATA: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../shared/data");

/// A CSV file with a header, as columns of numbers by name.
fn read_csv(path: &str) -> HashMap<String, Vec<f64>> {
    let text = fs::read_to_string(path).unwrap_or_else(|e| panic!("cannot read {path}: {e}"));
    let mut lines = text.lines();
    let names: Vec<String> = lines
        .next()
        .expect("header")
        .split(',')
        .map(|s| s.trim().to_string())
        .collect();
    let mut cols: HashMap<String, Vec<f64>> =
        names.iter().map(|n| (n.clone(), Vec::new())).collect();
    for line in lines.filter(|l| !l.trim().is_empty()) {
        for (name, field) in names.iter().zip(line.split(',')) {
            cols.get_mut(name)
                .expect("column")
                .push(field.trim().parse().expect("number"));
        }
    }
    cols
}

/// A number from the params JSON by path (the file is small and flat enough for this).
fn json_number(text: &str, model: &str, key: &str) -> f64 {
    let start = text
        .find(&format!("\"{model}\": {{"))
        .unwrap_or_else(|| panic!("no {model}"));
    let rest = &text[start..];
    let at = rest
        .find(&format!("\"{key}\": "))
        .unwrap_or_else(|| panic!("no {model}.{key}"))
        + key.len()
        + 4;
    let end = rest[at..].find([',', '\n', '}']).expect("end of number");
    rest[at..at + end].trim().parse().expect("number")
}

fn lifetimes_params() -> String {
    fs::read_to_string(format!("{FIXTURES}/lifetimes_cdnow_params.json")).expect("params fixture")
}

struct Cdnow {
    x: Vec<f64>,
    tx: Vec<f64>,
    t: Vec<f64>,
}

fn cdnow() -> Cdnow {
    let c = read_csv(&format!("{DATA}/cdnow/cdnow_customers_summary.csv"));
    Cdnow {
        x: c["frequency"].clone(),
        tx: c["recency"].clone(),
        t: c["T"].clone(),
    }
}

fn rel(got: f64, want: f64) -> f64 {
    ((got - want) / want).abs()
}

fn assert_within(label: &str, got: &[f64], want: &[f64], tolerance: f64) {
    for ((name, g), w) in ["1", "2", "3", "4"].iter().zip(got).zip(want) {
        assert!(
            rel(*g, *w) <= tolerance,
            "{label} parameter {name}: got {g}, published {w}"
        );
    }
}

#[test]
fn bg_nbd_matches_published_cdnow_fit() {
    let d = cdnow();
    let fit = BetaGeo::new()
        .fit(&RfmData::new(&d.x, &d.tx, &d.t))
        .unwrap();
    let p = fit.params().to_vec();
    assert_within("BG/NBD", &p, &[0.243, 4.414, 0.793, 2.426], 0.005);
    assert!(
        (fit.log_likelihood() - -9582.4).abs() < 0.05,
        "log-likelihood {}",
        fit.log_likelihood()
    );
    // Against lifetimes' own optimum and its standard errors.
    let lt = lifetimes_params();
    for (est, name) in fit.estimates().iter().zip(["r", "alpha", "a", "b"]) {
        let want = json_number(&lt, "bg", name);
        assert!(
            rel(est.value, want) < 2e-4,
            "{name}: {} vs lifetimes {want}",
            est.value
        );
        let se = est.std_error.expect("standard error");
        let want_se = json_number(&lt[lt.find("\"bg\"").unwrap()..], "std_errors", name);
        assert!(
            rel(se, want_se) < 5e-3,
            "se {name}: {se} vs lifetimes {want_se}"
        );
    }
    assert!((fit.log_likelihood() - json_number(&lt, "bg", "log_likelihood")).abs() < 1e-4);
    // The fit's log-likelihood is the sum of the individual ones.
    let sum: f64 = (0..d.x.len())
        .map(|i| {
            fit.params()
                .log_likelihood(d.x[i], d.tx[i], d.t[i])
                .unwrap()
        })
        .sum();
    assert!(
        (sum - fit.log_likelihood()).abs() < 1e-8,
        "{sum} vs {}",
        fit.log_likelihood()
    );
    // 2,357 customers in far fewer distinct patterns.
    assert_eq!(fit.n_customers(), 2357.0);
    assert!(fit.n_patterns() < 2357);
}

#[test]
fn pareto_nbd_matches_published_cdnow_fit() {
    let d = cdnow();
    let fit = ParetoNBD::new()
        .fit(&RfmData::new(&d.x, &d.tx, &d.t))
        .unwrap();
    let p = fit.params().to_vec();
    assert_within("Pareto/NBD", &p, &[0.553, 10.578, 0.606, 11.669], 0.005);
    assert!(
        (fit.log_likelihood() - -9595.0).abs() < 0.05,
        "log-likelihood {}",
        fit.log_likelihood()
    );
    assert!(fit
        .estimates()
        .iter()
        .all(|e| e.std_error.is_some_and(|s| s > 0.0 && s < e.value)));
    // lifetimes stops Nelder-Mead at tol 1e-4: its optimum is close to ours, not equal.
    let lt = lifetimes_params();
    for (v, name) in p.iter().zip(["r", "alpha", "s", "beta"]) {
        let want = json_number(&lt, "pnbd", name);
        assert!(rel(*v, want) < 2e-3, "{name}: {v} vs lifetimes {want}");
    }
    assert!(fit.log_likelihood() >= json_number(&lt, "pnbd", "log_likelihood") - 1e-6);
}

#[test]
fn gamma_gamma_matches_published_cdnow_fit() {
    let c = read_csv(&format!(
        "{DATA}/cdnow/cdnow_customers_summary_with_transactions.csv"
    ));
    // Rows with x = 0 are skipped by the fit itself.
    let fit = GammaGamma::new()
        .fit(&SpendData::new(&c["x"], &c["zbar"]))
        .unwrap();
    assert_eq!(fit.n_customers(), 946.0);
    assert_within(
        "Gamma-Gamma",
        &fit.params().to_vec(),
        &[6.25, 3.74, 15.44],
        0.005,
    );
    let lt = lifetimes_params();
    for (est, name) in fit.estimates().iter().zip(["p", "q", "v"]) {
        let want = json_number(&lt, "gg", name);
        assert!(
            rel(est.value, want) < 2e-4,
            "{name}: {} vs lifetimes {want}",
            est.value
        );
    }
    assert!((fit.log_likelihood() - json_number(&lt, "gg", "log_likelihood")).abs() < 1e-4);
}

#[test]
fn mbg_nbd_fit_matches_lifetimes() {
    let d = cdnow();
    let fit = ModifiedBetaGeo::new()
        .fit(&RfmData::new(&d.x, &d.tx, &d.t))
        .unwrap();
    let lt = lifetimes_params();
    for (est, name) in fit.estimates().iter().zip(["r", "alpha", "a", "b"]) {
        let want = json_number(&lt, "mbg", name);
        assert!(
            rel(est.value, want) < 2e-4,
            "{name}: {} vs lifetimes {want}",
            est.value
        );
    }
    assert!((fit.log_likelihood() - json_number(&lt, "mbg", "log_likelihood")).abs() < 1e-4);
}

/// Largest absolute difference between a model's predictions and lifetimes' column.
fn max_abs_diff(
    model: &dyn TransactionModel,
    d: &Cdnow,
    p: &HashMap<String, Vec<f64>>,
    prefix: &str,
) -> f64 {
    let mut worst: f64 = 0.0;
    for (i, ((&x, &tx), &t)) in d.x.iter().zip(&d.tx).zip(&d.t).enumerate() {
        let ours = [
            model.p_alive(x, tx, t).unwrap(),
            model.expected_purchases(10.0, x, tx, t).unwrap(),
            model.expected_purchases(52.0, x, tx, t).unwrap(),
        ];
        for (v, col) in ours.iter().zip(["p_alive", "exp_10", "exp_52"]) {
            let want = p[&format!("{prefix}_{col}")][i];
            worst = worst.max((v - want).abs());
        }
    }
    worst
}

#[test]
fn predictions_match_lifetimes_at_its_parameters() {
    let d = cdnow();
    let p = read_csv(&format!("{FIXTURES}/lifetimes_cdnow_predictions.csv"));
    let lt = lifetimes_params();
    let get = |m: &str, k: &str| json_number(&lt, m, k);
    let bg = BetaGeoParams {
        r: get("bg", "r"),
        alpha: get("bg", "alpha"),
        a: get("bg", "a"),
        b: get("bg", "b"),
    };
    let mbg = ModifiedBetaGeoParams {
        r: get("mbg", "r"),
        alpha: get("mbg", "alpha"),
        a: get("mbg", "a"),
        b: get("mbg", "b"),
    };
    let pnbd = ParetoNBDParams {
        r: get("pnbd", "r"),
        alpha: get("pnbd", "alpha"),
        s: get("pnbd", "s"),
        beta: get("pnbd", "beta"),
    };
    let models: [(&dyn TransactionModel, &str); 3] = [(&bg, "bg"), (&mbg, "mbg"), (&pnbd, "pnbd")];
    for (model, prefix) in models {
        let diff = max_abs_diff(model, &d, &p, prefix);
        println!("{prefix}: max |ours - lifetimes| over p_alive, E[10], E[52] = {diff:.3e}");
        assert!(diff < 1e-6, "{prefix}: {diff}");
        for h in [10.0, 52.0] {
            let ours = model.expected_purchases_new_customer(h).unwrap();
            let want = json_number(
                &lt[lt.find(&format!("\"{prefix}\"")).unwrap()..],
                "new_customer",
                &format!("{h}"),
            );
            assert!(
                (ours - want).abs() < 1e-9,
                "{prefix} new customer E[{h}] = {ours}, lifetimes {want}"
            );
        }
    }
}

#[test]
fn spend_and_clv_match_lifetimes() {
    let c = read_csv(&format!(
        "{DATA}/cdnow/cdnow_customers_summary_with_transactions.csv"
    ));
    let p = read_csv(&format!("{FIXTURES}/lifetimes_cdnow_predictions.csv"));
    let lt = lifetimes_params();
    let get = |m: &str, k: &str| json_number(&lt, m, k);
    let gg = GammaGammaParams {
        p: get("gg", "p"),
        q: get("gg", "q"),
        v: get("gg", "v"),
    };
    let bg = BetaGeoParams {
        r: get("bg", "r"),
        alpha: get("bg", "alpha"),
        a: get("bg", "a"),
        b: get("bg", "b"),
    };
    let options = ClvOptions {
        months: 12,
        monthly_discount_rate: 0.01,
        time_unit: TimeUnit::Weeks,
    };
    let (mut spend_diff, mut clv_diff): (f64, f64) = (0.0, 0.0);
    for i in 0..c["x"].len() {
        let (x, tx, t, m) = (c["x"][i], c["t_x"][i], c["T"][i], c["zbar"][i]);
        spend_diff = spend_diff.max((gg.expected_spend(x, m).unwrap() - p["gg_spend"][i]).abs());
        clv_diff =
            clv_diff.max((gg.clv(&bg, x, tx, t, m, &options).unwrap() - p["gg_clv_bg"][i]).abs());
    }
    println!("Gamma-Gamma: max |ours - lifetimes| spend {spend_diff:.3e}, CLV {clv_diff:.3e}");
    assert!(spend_diff < 1e-9, "spend {spend_diff}");
    assert!(clv_diff < 1e-6, "clv {clv_diff}");
}

/// Day number (days since 1970-01-01) of a proleptic Gregorian date (H. Hinnant's algorithm).
fn days_from_civil(y: i32, m: u32, d: u32) -> i32 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m as i32 + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d as i32 - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn yyyymmdd(s: &str) -> i32 {
    let v: u32 = s.parse().expect("date");
    days_from_civil((v / 10_000) as i32, v / 100 % 100, v % 100)
}

#[test]
fn rfm_summary_matches_lifetimes_on_cdnow_sample() {
    let text = fs::read_to_string(format!("{DATA}/cdnow/CDNOW_sample.txt")).expect("sample");
    let (mut ids, mut days, mut dollars) = (Vec::new(), Vec::new(), Vec::new());
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        let f: Vec<&str> = line.split_whitespace().collect();
        ids.push(f[0].parse::<u32>().expect("id"));
        days.push(yyyymmdd(f[2]));
        dollars.push(f[4].parse::<f64>().expect("dollars"));
    }
    assert_eq!(days_from_civil(1970, 1, 1), 0);
    let end = days_from_civil(1998, 6, 30);
    for (freq, name) in [(Freq::Day, "D"), (Freq::Week, "W")] {
        let ours = rfm_summary(&ids, &days, Some(&dollars), end, freq).unwrap();
        let want = read_csv(&format!("{FIXTURES}/lifetimes_cdnow_rfm_{name}.csv"));
        let ids_want: Vec<u32> = want["customer"].iter().map(|&v| v as u32).collect();
        assert_eq!(ours.customer, ids_want, "{name}: customers");
        assert_eq!(ours.frequency, want["frequency"], "{name}: frequency");
        assert_eq!(ours.recency, want["recency"], "{name}: recency");
        assert_eq!(ours.t, want["T"], "{name}: T");
        let money = ours.monetary_value.expect("monetary");
        for (i, (g, w)) in money.iter().zip(&want["monetary_value"]).enumerate() {
            assert!(
                (g - w).abs() <= 1e-9 * w.abs().max(1.0),
                "{name}: monetary of row {i}: {g} vs {w}"
            );
        }
    }
}

#[test]
fn rfm_summary_reproduces_the_published_calibration_summary() {
    // cdnow_customers_summary.csv is the 39-week calibration period (to 1997-09-30) in days / 7.
    let text = fs::read_to_string(format!("{DATA}/cdnow/CDNOW_sample.txt")).expect("sample");
    let (mut ids, mut days) = (Vec::new(), Vec::new());
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        let f: Vec<&str> = line.split_whitespace().collect();
        ids.push(f[1].parse::<u32>().expect("sample id"));
        days.push(yyyymmdd(f[2]));
    }
    let ours = rfm_summary(&ids, &days, None, days_from_civil(1997, 9, 30), Freq::Day).unwrap();
    let d = cdnow();
    assert_eq!(ours.len(), d.x.len());
    for i in 0..ours.len() {
        assert_eq!(ours.frequency[i], d.x[i], "row {i}");
        assert!((ours.recency[i] / 7.0 - d.tx[i]).abs() < 0.006, "row {i}");
        assert!((ours.t[i] / 7.0 - d.t[i]).abs() < 0.006, "row {i}");
    }
}

#[test]
fn fits_accept_weights_and_reject_bad_rows() {
    let d = cdnow();
    let plain = BetaGeo::new()
        .fit(&RfmData::new(&d.x, &d.tx, &d.t))
        .unwrap();
    // Doubling every customer leaves the estimates and halves the variances.
    let twos = vec![2.0; d.x.len()];
    let doubled = BetaGeo::new()
        .fit(&RfmData::new(&d.x, &d.tx, &d.t).with_weights(&twos))
        .unwrap();
    for (a, b) in plain.estimates().iter().zip(doubled.estimates()) {
        assert!(rel(a.value, b.value) < 1e-6);
        let ratio = a.std_error.unwrap() / b.std_error.unwrap();
        assert!((ratio - 2f64.sqrt()).abs() < 1e-3, "se ratio {ratio}");
    }
    assert!((doubled.log_likelihood() - 2.0 * plain.log_likelihood()).abs() < 1e-6);
    let mut tx = d.tx.clone();
    tx[17] = d.t[17] + 1.0;
    let err = BetaGeo::new()
        .fit(&RfmData::new(&d.x, &tx, &d.t))
        .unwrap_err();
    assert!(err.to_string().contains("row 17: recency"), "{err}");
    let mut x = d.x.clone();
    x[3] = f64::NAN;
    let err = ParetoNBD::new()
        .fit(&RfmData::new(&x, &d.tx, &d.t))
        .unwrap_err();
    assert!(err.to_string().contains("row 3: frequency NaN"), "{err}");
    let zeros = vec![0.0; 5];
    let err = BetaGeo::new()
        .fit(&RfmData::new(&zeros, &zeros, &[5.0; 5]))
        .unwrap_err();
    assert!(err.to_string().contains("repeat purchases"), "{err}");
}

#[test]
fn a_fit_that_cannot_converge_is_an_error() {
    let d = cdnow();
    let err = BetaGeo::new()
        .max_iterations(2)
        .fit(&RfmData::new(&d.x, &d.tx, &d.t))
        .unwrap_err();
    let msg = err.to_string();
    assert!(
        msg.contains("BG/NBD fit failed") && msg.contains("did not converge after 2 iterations"),
        "{msg}"
    );
}

#[test]
fn predictions_are_stable_for_extreme_histories() {
    let bg = BetaGeoParams {
        r: 0.243,
        alpha: 4.414,
        a: 0.793,
        b: 2.426,
    };
    let pnbd = ParetoNBDParams {
        r: 0.553,
        alpha: 10.578,
        s: 0.606,
        beta: 11.669,
    };
    // Many purchases, long histories, long horizons: finite, in range, monotone in the horizon.
    for model in [&bg as &dyn TransactionModel, &pnbd] {
        for (x, tx, t) in [
            (500.0, 3000.0, 3000.0),
            (500.0, 10.0, 3000.0),
            (0.0, 0.0, 1e5),
            (1.0, 0.0, 1e-9),
        ] {
            let alive = model.p_alive(x, tx, t).unwrap();
            assert!(
                (0.0..=1.0).contains(&alive),
                "p_alive({x}, {tx}, {t}) = {alive}"
            );
            let (e1, e2) = (
                model.expected_purchases(52.0, x, tx, t).unwrap(),
                model.expected_purchases(520.0, x, tx, t).unwrap(),
            );
            assert!(
                e1.is_finite() && e2.is_finite() && 0.0 <= e1 && e1 <= e2,
                "E = {e1}, {e2} for ({x}, {tx}, {t})"
            );
        }
    }
    // Pareto/NBD with very different alpha and beta pushes its 2F1 argument towards 1.
    let skewed = ParetoNBDParams {
        r: 0.5,
        alpha: 0.01,
        s: 0.8,
        beta: 5e4,
    };
    let ll = skewed.log_likelihood(3.0, 10.0, 50.0).unwrap();
    assert!(ll.is_finite());
    assert!(
        BetaGeoParams {
            r: 1.0,
            alpha: 1.0,
            a: 1.0,
            b: 2.0
        }
        .expected_purchases(5.0, 2.0, 3.0, 4.0)
        .unwrap()
            > 0.0
    );
}

/// Σ ln L over customers at given BG/NBD parameters.
fn total_log_likelihood(p: &BetaGeoParams, x: &[f64], tx: &[f64], t: &[f64]) -> f64 {
    (0..x.len())
        .map(|i| p.log_likelihood(x[i], tx[i], t[i]).expect("valid customer"))
        .sum()
}

#[test]
fn mbg_and_pareto_fits_reach_the_maximum_on_simulated_data() {
    // A few realistic populations in weeks: every fit succeeds and is at least as likely as
    // the parameters that generated the data.
    let mut rng = StdRng::seed_from_u64(11);
    for case in 0..4 {
        let t: Vec<f64> = (0..2000)
            .map(|_| (78.0 - rng.random_range(0.0..52.0f64)).round())
            .collect();
        let round = |v: &[f64]| {
            v.iter()
                .map(|r| (r * 7.0).floor() / 7.0)
                .collect::<Vec<_>>()
        };
        let truth = ModifiedBetaGeoParams {
            r: 0.3 + 0.4 * case as f64,
            alpha: 4.0 + 3.0 * case as f64,
            a: 0.7,
            b: 2.5,
        };
        let sim = simulate::modified_beta_geo(&truth, &t, &mut rng).unwrap();
        let recency = round(&sim.recency);
        let fit = ModifiedBetaGeo::new()
            .fit(&RfmData::new(&sim.frequency, &recency, &t))
            .unwrap();
        let at_truth: f64 = (0..t.len())
            .map(|i| {
                truth
                    .log_likelihood(sim.frequency[i], recency[i], t[i])
                    .unwrap()
            })
            .sum();
        assert!(
            fit.log_likelihood() >= at_truth - 1e-6,
            "MBG {truth:?}: {} < {at_truth}",
            fit.log_likelihood()
        );

        let truth = ParetoNBDParams {
            r: 0.4 + 0.3 * case as f64,
            alpha: 5.0 + 2.0 * case as f64,
            s: 0.6,
            beta: 8.0 + 4.0 * case as f64,
        };
        let sim = simulate::pareto_nbd(&truth, &t, &mut rng).unwrap();
        let recency = round(&sim.recency);
        let fit = ParetoNBD::new()
            .fit(&RfmData::new(&sim.frequency, &recency, &t))
            .unwrap();
        let at_truth: f64 = (0..t.len())
            .map(|i| {
                truth
                    .log_likelihood(sim.frequency[i], recency[i], t[i])
                    .unwrap()
            })
            .sum();
        assert!(
            fit.log_likelihood() >= at_truth - 1e-6,
            "Pareto {truth:?}: {} < {at_truth}",
            fit.log_likelihood()
        );
        assert!(fit
            .params()
            .to_vec()
            .iter()
            .all(|v| v.is_finite() && *v > 0.0));
    }
}

/// Cases of the recovery property; PROPTEST_CASES overrides.
fn recovery_cases() -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(200)
}

/// Log-uniform draws over realistic BG/NBD populations, time in weeks.
fn population() -> impl Strategy<Value = (BetaGeoParams, u64)> {
    let log_uniform = |lo: f64, hi: f64| (lo.ln()..hi.ln()).prop_map(f64::exp);
    (
        log_uniform(0.25, 2.0),
        log_uniform(2.0, 15.0),
        log_uniform(0.4, 2.0),
        log_uniform(1.0, 6.0),
        any::<u64>(),
    )
        .prop_map(|(r, alpha, a, b, seed)| (BetaGeoParams { r, alpha, a, b }, seed))
}

#[test]
fn bg_nbd_recovers_simulated_populations() {
    const CUSTOMERS: usize = 5000;
    let seed = match ProptestConfig::default().rng_seed {
        RngSeed::Random => RngSeed::Fixed(20_240_404),
        chosen => chosen,
    };
    let config = ProptestConfig {
        cases: recovery_cases(),
        rng_seed: seed,
        failure_persistence: None,
        ..ProptestConfig::default()
    };
    let checks = AtomicUsize::new(0);
    let within_2se = AtomicUsize::new(0);
    let mut runner = TestRunner::new(config);
    let result = runner.run(&population(), |(truth, seed)| {
        let mut rng = StdRng::seed_from_u64(seed);
        // Cohorts acquired over a year, observed for a year and a half after the first.
        let t: Vec<f64> = (0..CUSTOMERS)
            .map(|_| 78.0 - rng.random_range(0.0..52.0))
            .collect();
        let sim = simulate::beta_geo(&truth, &t, &mut rng).unwrap();
        let fit = BetaGeo::new()
            .fit(&RfmData::new(&sim.frequency, &sim.recency, &t))
            .map_err(|e| TestCaseError::fail(format!("{truth:?}: {e}")))?;
        // The maximum is at least as likely as the truth (no optimiser shortfall).
        let at_truth = total_log_likelihood(&truth, &sim.frequency, &sim.recency, &t);
        prop_assert!(
            fit.log_likelihood() >= at_truth - 1e-6,
            "{truth:?}: {} < {at_truth}",
            fit.log_likelihood()
        );
        for (est, want) in fit.estimates().iter().zip(truth.to_vec()) {
            prop_assert!(est.value.is_finite(), "{truth:?}: {est:?}");
            let se_log = est
                .std_error
                .map(|s| s / est.value)
                .unwrap_or(f64::INFINITY);
            let z = (est.value.ln() - want.ln()).abs() / se_log;
            prop_assert!(
                z <= 4.0,
                "{truth:?}: {} = {} is {z:.1} standard errors from {want}",
                est.name,
                est.value
            );
            checks.fetch_add(1, Ordering::Relaxed);
            if z <= 2.0 {
                within_2se.fetch_add(1, Ordering::Relaxed);
            }
        }
        Ok(())
    });
    if let Err(e) = result {
        panic!("{e}");
    }
    // The standard errors are honest: about 95% of estimates lie within two of them.
    let (n, k) = (
        checks.load(Ordering::Relaxed),
        within_2se.load(Ordering::Relaxed),
    );
    let coverage = k as f64 / n as f64;
    println!(
        "BG/NBD recovery: {n} estimates, {:.1}% within 2 SE",
        100.0 * coverage
    );
    assert!(coverage > 0.88, "coverage {coverage}");
}
