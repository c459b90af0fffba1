"""Frequent itemsets and association rules: salespulse against mlxtend 0.25, in the same run.

Usage, from the repository root, with a Python that has mlxtend 0.25 and pandas (see
tests/fixtures/itemsets/make_mlxtend_fixture.py for the environment):

    python benches/itemsets_vs_mlxtend.py [--runs 7] [--rounds 3] [--min-support 0.001]

Both sides do the same work on the Kaggle groceries file (14,963 member x day baskets, 167
items): baskets from the (member, date, item) rows already in memory, frequent itemsets at
--min-support, and the rules with confidence >= 0.1 as a table. mlxtend's side is the usual
pandas route: groupby into item lists, TransactionEncoder's one-hot DataFrame, fpgrowth
(use_colnames=True), association_rules. Ours is the `itemsets_timing` example (release build),
which prints JSON.

Each side runs in its own fresh process, and memory is measured there from a baseline taken
after the imports and after reading the file (so neither side is charged for its interpreter,
libraries or input rows):

- peak RSS above baseline: Linux's VmHWM after resetting it to the current RSS by writing 5 to
  /proc/self/clear_refs, minus VmRSS at that moment (page-granular; memory freed back to the
  allocator's own pools earlier can hide some of a side's use, for both sides alike);
- peak heap above baseline: tracemalloc's peak for Python (numpy and pandas buffers included:
  numpy reports its allocations to tracemalloc), a counting global allocator for Rust (which
  counts a growing realloc as if the block moved: old and new size both live at that moment).

Times are medians of --runs full runs (baskets + itemsets + rules) after the measured one; the
"mining" row leaves out building the baskets (mlxtend: fpgrowth + association_rules on the
ready one-hot DataFrame; ours: the same on the ready Baskets). The two sides run alternately
for --rounds rounds, because the load of a shared machine changes between them; the table
shows the median of the rounds and each round's ratio.
"""

import argparse
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GROCERIES = (
    ROOT.parent / "shared" / "data" / "groceries-kaggle" / "Groceries_dataset.csv"
)
MIN_CONFIDENCE = 0.1


def status_bytes(field):
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(field):
                return int(line.split()[1]) * 1024
    return 0


def reset_peak_rss():
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
        return True
    except OSError:
        return False


def median_ms(runs, work):
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        work()
        times.append((time.perf_counter() - start) * 1e3)
    return statistics.median(times)


def mlxtend_side(runs, min_support):
    """Runs in its own process (``--side mlxtend``); prints JSON."""
    import gc
    import tracemalloc

    import pandas as pd
    from mlxtend.frequent_patterns import association_rules, fpgrowth
    from mlxtend.preprocessing import TransactionEncoder

    rows = pd.read_csv(GROCERIES, dtype=str, keep_default_na=False)

    def onehot():
        lists = (
            rows.groupby(["Member_number", "Date"], sort=False)["itemDescription"]
            .apply(list)
            .tolist()
        )
        encoder = TransactionEncoder()
        return pd.DataFrame(
            encoder.fit(lists).transform(lists), columns=encoder.columns_
        )

    def mine(frame):
        sets = fpgrowth(frame, min_support=min_support, use_colnames=True)
        return sets, association_rules(
            sets, metric="confidence", min_threshold=MIN_CONFIDENCE
        )

    def pipeline():
        frame = onehot()
        sets, rules = mine(frame)
        return len(frame), len(sets), len(rules)

    gc.collect()
    tracemalloc.start()
    rss_reset = reset_peak_rss()
    rss_base = status_bytes("VmRSS:")
    heap_base = tracemalloc.get_traced_memory()[0]
    baskets, itemsets, rules = pipeline()
    rss_peak = status_bytes("VmHWM:")
    heap_peak = tracemalloc.get_traced_memory()[1] - heap_base
    tracemalloc.stop()

    total = median_ms(runs, pipeline)
    frame = onehot()
    mining = median_ms(runs, lambda: mine(frame))
    print(
        json.dumps(
            {
                "baskets": baskets,
                "itemsets": itemsets,
                "rules": rules,
                "total_ms": total,
                "mine_and_rules_ms": mining,
                "heap_peak_bytes": heap_peak,
                "rss_peak_above_base_bytes": max(0, rss_peak - rss_base),
                "rss_reset": rss_reset,
            }
        )
    )


def run_json(cmd):
    out = subprocess.run(
        cmd, cwd=ROOT, check=True, capture_output=True, text=True
    ).stdout
    return json.loads(out.strip().splitlines()[-1])


ROWS = [
    ("time, baskets + itemsets + rules", "total_ms", "ms", 1),
    ("time, itemsets + rules (mining)", "mine_and_rules_ms", "ms", 1),
    ("peak RSS above baseline", "rss_peak_above_base_bytes", "MiB", 2**20),
    ("peak heap above baseline", "heap_peak_bytes", "MiB", 2**20),
]


def one_round(args):
    """Ours, then mlxtend, each in a fresh process."""
    ours = run_json(
        [
            "cargo",
            "run",
            "--quiet",
            "--release",
            "-p",
            "salespulse",
            "--example",
            "itemsets_timing",
            "--",
            str(GROCERIES),
            str(args.min_support),
        ]
    )
    theirs = run_json(
        [
            sys.executable,
            __file__,
            "--side",
            "mlxtend",
            "--runs",
            str(args.runs),
            "--min-support",
            str(args.min_support),
        ]
    )
    return ours, theirs


def main():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--runs", type=int, default=7, help="runs per timing (median)")
    parser.add_argument(
        "--rounds",
        type=int,
        default=3,
        help="alternating rounds of both sides (the machine's load changes between them)",
    )
    parser.add_argument("--min-support", type=float, default=0.001)
    parser.add_argument("--side", choices=["mlxtend"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.side == "mlxtend":
        mlxtend_side(args.runs, args.min_support)
        return 0

    build = ["cargo", "build", "--quiet", "--release", "-p", "salespulse"]
    subprocess.run([*build, "--example", "itemsets_timing"], cwd=ROOT, check=True)
    rounds = [one_round(args) for _ in range(args.rounds)]
    ours = rounds[0][0]
    same = all(
        o[k] == t[k] for o, t in rounds for k in ("baskets", "itemsets", "rules")
    )
    print(
        f"groceries: {ours['baskets']:,} baskets, {ours['itemsets']} itemsets, "
        f"{ours['rules']} rules (same counts on both sides: {same}); {args.rounds} rounds"
    )
    print(
        f"{'median of rounds':34} {'mlxtend':>12} {'salespulse':>12} {'ratio':>9}"
        "  ratio per round"
    )
    for name, key, unit, scale in ROWS:
        a = statistics.median(t[key] for _, t in rounds) / scale
        b = statistics.median(o[key] for o, _ in rounds) / scale
        per_round = ", ".join(
            f"{t[key] / o[key]:.0f}x" if o[key] > 0 else "n/a" for o, t in rounds
        )
        ratio = f"{a / b:8.0f}x" if b > 0 else "      n/a"
        print(f"{name:34} {a:9.2f} {unit:>3} {b:8.2f} {unit:>3} {ratio}  {per_round}")
    print(json.dumps([{"mlxtend": t, "salespulse": o} for o, t in rounds]))
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
