#!/usr/bin/env python3
"""Per-order feed latency over several runs of the same workload, with interference filtered.

Reads the dumps of ``LATENCY_ONLY=1 LATENCY_DUMP=PATH cargo bench -p salespulse --bench
realtime`` (one line per order, nanoseconds, in the order the orders came; every run replays
the same orders of the same synthetic distributor). On a shared machine another process's
burst lands on different orders in each run, so each order's median over three or more runs
is its cost without the burst. The median, not the minimum: the fastest of three runs would
also pick each order's luckiest cache state and read low. Prints p50, p99 and max of each run
and of the per-order median.

    python3 scripts/latency_median.py run1.txt run2.txt run3.txt
"""

from __future__ import annotations

import sys


def read(path: str) -> list[int]:
    with open(path, encoding="ascii") as f:
        return [int(line) for line in f if line.strip()]


def percentile(sorted_ns: list[int], q: float) -> float:
    """The value at rank q * (n - 1), rounded half up as the bench rounds it, in us."""
    return sorted_ns[int(q * (len(sorted_ns) - 1) + 0.5)] / 1000.0


def row(name: str, ns: list[int]) -> str:
    s = sorted(ns)
    p50, p99, top = percentile(s, 0.5), percentile(s, 0.99), s[-1] / 1000.0
    return f"| {name} | {len(s)} | {p50:.1f} us | {p99:.1f} us | {top:.0f} us |"


def median(times: tuple[int, ...]) -> int:
    """The middle value (the lower middle of an even count)."""
    return sorted(times)[(len(times) - 1) // 2]


def main() -> int:
    paths = sys.argv[1:]
    if len(paths) < 3:
        print(__doc__, file=sys.stderr)
        return 2
    runs = [read(p) for p in paths]
    if len({len(r) for r in runs}) != 1:
        print("the runs hold different numbers of orders: not one workload", file=sys.stderr)
        return 1
    print("| run | orders | p50 | p99 | max |")
    print("| --- | --- | --- | --- | --- |")
    for path, run in zip(paths, runs):
        print(row(path, run))
    print(row("each order's median run", [median(times) for times in zip(*runs)]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
