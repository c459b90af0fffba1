#!/usr/bin/env python3
"""Per-order feed latency over several runs of the same workload, with interference filtered.

Reads the dumps of ``LATENCY_ONLY=1 LATENCY_DUMP=PATH cargo bench -p salespulse --bench
realtime`` (one line per order, in the order the orders came: its wall-clock nanoseconds, then
its thread CPU nanoseconds where the bench had that clock; every run replays the same orders of
the same synthetic distributor). ``--cpu`` reads the CPU column instead of the wall clock. On a shared machine another process's
burst lands on different orders in each run, so each order's median over three or more runs
is its cost without the burst. The median, not the minimum: the fastest of three runs would
also pick each order's luckiest cache state and read low. Prints p50, p99 and max of each run
and of the per-order median.

    python3 scripts/latency_median.py [--cpu] run1.txt run2.txt run3.txt
"""

from __future__ import annotations

import sys


def read(path: str, column: int) -> list[int]:
    with open(path, encoding="ascii") as f:
        rows = [line.split() for line in f if line.strip()]
    if any(len(r) <= column for r in rows):
        raise SystemExit(
            f"{path}: no CPU column (a dump from a bench without the CPU clock)"
        )
    return [int(r[column]) for r in rows]


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
    args = sys.argv[1:]
    column = 1 if "--cpu" in args else 0
    paths = [a for a in args if a != "--cpu"]
    if len(paths) < 3:
        print(__doc__, file=sys.stderr)
        return 2
    runs = [read(p, column) for p in paths]
    if len({len(r) for r in runs}) != 1:
        print(
            "the runs hold different numbers of orders: not one workload",
            file=sys.stderr,
        )
        return 1
    print("| run | orders | p50 | p99 | max |")
    print("| --- | --- | --- | --- | --- |")
    for path, run in zip(paths, runs):
        print(row(path, run))
    print(row("each order's median run", [median(times) for times in zip(*runs)]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
