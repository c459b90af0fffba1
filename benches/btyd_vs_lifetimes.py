"""BG/NBD and Pareto/NBD fit times: salespulse against lifetimes 0.11.3, in the same run.

Usage, from the repository root, with a Python that has lifetimes 0.11.3 (see
tests/fixtures/btyd/make_lifetimes_fixture.py for the environment):

    python benches/btyd_vs_lifetimes.py [--rounds 3] [--samples 7] [--fits 3]

Both sides fit the same CDNOW summary (2,357 customers, raw columns: grouping them is part of
our fit) with default options. lifetimes' BetaGeoFitter/ParetoNBDFitter run scipy.optimize.
minimize with its defaults (BFGS on autograd's gradient, tol 1e-7) and then autograd's
Hessian for the standard errors; ours runs Newton's method with the analytic Hessian
(Pareto/NBD: BFGS on a dual-number gradient), the Hessian also giving the standard errors.

Each round runs the `btyd_timing` example (release build), which times 21 samples of 200
back-to-back fits and reports the median time per fit, then times lifetimes the same way
(--samples samples of --fits fits each, median per fit). The ratio is formed within each
round, from measurements taken a few seconds apart, so that load from other processes on a
shared machine affects both sides alike; the summary gives the median and the range over the
rounds. The first round also reports our fit of 1,000,000 synthetic customers.
"""

import argparse
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CDNOW = ROOT.parent / "shared" / "data" / "cdnow" / "cdnow_customers_summary.csv"


def per_call_ms(samples, calls, fit):
    """Median over `samples` samples of the time per call of `calls` back-to-back calls."""
    times = []
    for _ in range(samples):
        start = time.perf_counter()
        for _ in range(calls):
            fit()
        times.append((time.perf_counter() - start) * 1e3 / calls)
    return statistics.median(times)


def load_cdnow():
    import pandas as pd

    data = pd.read_csv(CDNOW)
    return data["frequency"], data["recency"], data["T"]


def lifetimes_times(columns, samples, fits, pnbd_runs):
    import numpy as np
    from lifetimes import BetaGeoFitter, ParetoNBDFitter

    f, r, t = columns
    bg = per_call_ms(samples, fits, lambda: BetaGeoFitter().fit(f, r, t))
    np.random.seed(0)
    pnbd = per_call_ms(pnbd_runs, 1, lambda: ParetoNBDFitter().fit(f, r, t))
    return bg, pnbd


def salespulse_times(synthetic):
    cmd = ["cargo", "run", "--quiet", "--release", "-p", "salespulse", "--example", "btyd_timing", "--", str(CDNOW)]
    if not synthetic:
        cmd.append("--no-synthetic")
    out = subprocess.run(cmd, cwd=ROOT, check=True, capture_output=True, text=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def load_average():
    try:
        return float(Path("/proc/loadavg").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return float("nan")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=3, help="rounds of (salespulse, lifetimes) timings")
    parser.add_argument("--samples", type=int, default=7, help="lifetimes BG/NBD: samples per round (median)")
    parser.add_argument("--fits", type=int, default=3, help="lifetimes BG/NBD: back-to-back fits per sample")
    parser.add_argument("--pnbd-runs", type=int, default=3, help="lifetimes Pareto/NBD: fits per round (median)")
    args = parser.parse_args()
    columns = load_cdnow()
    rounds = []
    synthetic = None
    for i in range(args.rounds):
        load = load_average()
        ours = salespulse_times(synthetic=i == 0)
        if i == 0:
            synthetic = ours
        lt_bg, lt_pnbd = lifetimes_times(columns, args.samples, args.fits, args.pnbd_runs)
        rounds.append(
            {
                "load_average": load,
                "lifetimes_bg_ms": lt_bg,
                "lifetimes_pnbd_ms": lt_pnbd,
                "salespulse_bg_ms": ours["cdnow_bg_fit_ms"],
                "salespulse_bg_ms_quartiles": ours["cdnow_bg_fit_ms_quartiles"],
                "salespulse_pnbd_ms": ours["cdnow_pnbd_fit_ms"],
                "bg_speedup": lt_bg / ours["cdnow_bg_fit_ms"],
                "pnbd_speedup": lt_pnbd / ours["cdnow_pnbd_fit_ms"],
            }
        )
    print(f"{'':34} {'load':>5} {'lifetimes ms':>13} {'salespulse ms':>14} {'speed-up':>9}")
    for i, r in enumerate(rounds, 1):
        q1, q3 = r["salespulse_bg_ms_quartiles"]
        print(
            f"{f'BG/NBD fit, CDNOW, round {i}':34} {r['load_average']:5.1f} {r['lifetimes_bg_ms']:13.1f} "
            f"{r['salespulse_bg_ms']:14.3f} {r['bg_speedup']:8.0f}x   (ours: quartiles {q1:.3f}-{q3:.3f} ms)"
        )
    for i, r in enumerate(rounds, 1):
        print(
            f"{f'Pareto/NBD fit, CDNOW, round {i}':34} {r['load_average']:5.1f} {r['lifetimes_pnbd_ms']:13.1f} "
            f"{r['salespulse_pnbd_ms']:14.2f} {r['pnbd_speedup']:8.0f}x"
        )
    bg = [r["bg_speedup"] for r in rounds]
    pnbd = [r["pnbd_speedup"] for r in rounds]
    print(
        f"BG/NBD speed-up: median {statistics.median(bg):.0f}x, range {min(bg):.0f}x-{max(bg):.0f}x over {len(bg)} rounds; "
        f"Pareto/NBD: median {statistics.median(pnbd):.0f}x, range {min(pnbd):.0f}x-{max(pnbd):.0f}x"
    )
    s = synthetic
    print(
        f"BG/NBD fit, {s['synthetic_customers']:,} synthetic customers ({s['synthetic_patterns']:,} distinct patterns): "
        f"{s['synthetic_fit_ms']:.0f} ms (grouping {s['synthetic_group_ms']:.0f} ms, fit on groups "
        f"{s['synthetic_grouped_fit_ms']:.0f} ms); true {s['synthetic_true_params']}, fitted {s['synthetic_fitted_params']}"
    )
    print(
        json.dumps(
            {
                "lifetimes_bg_ms": statistics.median(r["lifetimes_bg_ms"] for r in rounds),
                "lifetimes_pnbd_ms": statistics.median(r["lifetimes_pnbd_ms"] for r in rounds),
                "bg_speedup_median": statistics.median(bg),
                "bg_speedup_min": min(bg),
                "pnbd_speedup_median": statistics.median(pnbd),
                "rounds": rounds,
                "salespulse": synthetic,
            }
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
