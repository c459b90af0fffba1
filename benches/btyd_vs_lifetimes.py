"""BG/NBD and Pareto/NBD fit times: salespulse against lifetimes 0.11.3, in the same run.

Usage, from the repository root, with a Python that has lifetimes 0.11.3 (see
tests/fixtures/btyd/make_lifetimes_fixture.py for the environment):

    python benches/btyd_vs_lifetimes.py [--runs 7]

It builds and runs the `btyd_timing` example (release), which prints its timings as JSON,
times lifetimes' fitters on the same CDNOW summary (median of --runs fits), and prints both
with the ratio. The Rust side also reports the fit of 1,000,000 synthetic customers.
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


def median_ms(runs, fit):
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fit()
        times.append((time.perf_counter() - start) * 1e3)
    return statistics.median(times)


def lifetimes_times(runs):
    import numpy as np
    import pandas as pd
    from lifetimes import BetaGeoFitter, ParetoNBDFitter

    data = pd.read_csv(CDNOW)
    f, r, t = data["frequency"], data["recency"], data["T"]
    bg = median_ms(runs, lambda: BetaGeoFitter().fit(f, r, t))
    np.random.seed(0)
    pnbd = median_ms(max(1, runs // 3), lambda: ParetoNBDFitter().fit(f, r, t))
    return bg, pnbd


def salespulse_times():
    cmd = ["cargo", "run", "--quiet", "--release", "-p", "salespulse", "--example", "btyd_timing", "--", str(CDNOW)]
    out = subprocess.run(cmd, cwd=ROOT, check=True, capture_output=True, text=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=7, help="fits per timing (median)")
    args = parser.parse_args()
    ours = salespulse_times()
    lt_bg, lt_pnbd = lifetimes_times(args.runs)
    rows = [
        ("BG/NBD fit, CDNOW (2,357 customers)", lt_bg, ours["cdnow_bg_fit_ms"]),
        ("Pareto/NBD fit, CDNOW", lt_pnbd, ours["cdnow_pnbd_fit_ms"]),
    ]
    print(f"{'':40} {'lifetimes ms':>14} {'salespulse ms':>14} {'speed-up':>9}")
    for name, theirs, mine in rows:
        print(f"{name:40} {theirs:14.1f} {mine:14.2f} {theirs / mine:8.0f}x")
    print(
        f"BG/NBD fit, {ours['synthetic_customers']:,} synthetic customers ({ours['synthetic_patterns']:,} distinct patterns): "
        f"{ours['synthetic_fit_ms']:.0f} ms (grouping {ours['synthetic_group_ms']:.0f} ms, fit on groups "
        f"{ours['synthetic_grouped_fit_ms']:.0f} ms); true {ours['synthetic_true_params']}, fitted {ours['synthetic_fitted_params']}"
    )
    print(json.dumps({"lifetimes_bg_ms": lt_bg, "lifetimes_pnbd_ms": lt_pnbd, "salespulse": ours}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
