"""Ingest of 1M order lines from pandas, against the same ingest in native Rust.

Run from the repository root after installing the package (``bash bindings-python/test.sh``
builds and installs a release wheel):

    python3 benches/python_ingest.py [--rows 1000000] [--repeat 3]

It builds a pandas DataFrame of order lines (string ids, datetime64 dates, float quantities and
amounts), times ``Engine.ingest_orders(df)`` end to end (pandas -> Arrow -> engine), writes the
same table as an Arrow IPC file, and runs ``examples/ingest_native.rs`` (a release build) on it,
which times the same ingest from native Rust columns. It prints every time and the ratio of the
Python path to the native columnar one (target: within 1.5x). CPU time is the steadier measure
on a shared machine; both are printed.
"""

from __future__ import annotations

import argparse
import json
import os
import pathlib
import subprocess
import sys
import tempfile
import time

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.feather

import salespulse

ROOT = pathlib.Path(__file__).resolve().parents[1]


def ids(prefix: str, numbers: np.ndarray) -> pd.Series:
    """Text ids such as "SO-17" (pandas' str dtype; object columns are timed separately)."""
    return prefix + pd.Series(numbers).astype("str")


def order_lines(rows: int, seed: int = 7) -> pd.DataFrame:
    """``rows`` order lines: 3 lines an order, 10,000 customers, 2,000 products, 2 years."""
    rng = np.random.default_rng(seed)
    orders = np.arange(rows) // 3
    customers = (orders * 7919) % 10_000
    products = rng.integers(0, 2_000, rows)
    day0 = np.datetime64("2023-01-01")
    dates = day0 + ((orders * 730) // max(1, orders[-1] + 1)).astype("timedelta64[D]")
    quantity = rng.integers(1, 20, rows).astype("float64")
    price = np.round(rng.uniform(1.0, 50.0, rows), 2)
    return pd.DataFrame(
        {
            "order_id": ids("SO-", orders),
            "line_no": (np.arange(rows) % 3).astype("int64"),
            "customer_id": ids("C", customers),
            "product_id": ids("P", products),
            "date": pd.to_datetime(dates),
            "quantity": quantity,
            "net_amount": np.round(quantity * price, 2),
        }
    )


def best(repeat: int, run) -> dict:
    """The best wall-clock and CPU (all threads of this process) seconds of ``repeat`` runs."""
    wall, cpu = [], []
    for _ in range(repeat):
        started, used = time.perf_counter(), time.process_time()
        run()
        wall.append(time.perf_counter() - started)
        cpu.append(time.process_time() - used)
    return {"wall": min(wall), "cpu": min(cpu)}


def native(ipc: pathlib.Path, repeat: int, binary: str | None) -> dict | None:
    """The native timings: ``binary`` if given, else ``cargo run`` of examples/ingest_native.rs."""
    command = [binary] if binary else [
        "cargo", "run", "--release", "--quiet", "-p", "salespulse", "--features", "arrow",
        "--example", "ingest_native", "--",
    ]
    command += [str(ipc), "--repeat", str(repeat)]
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True)
    if done.returncode != 0:
        print("native run failed:", " ".join(command), file=sys.stderr)
        print(done.stderr[-2000:], file=sys.stderr)
        return None
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--native-bin", help="a built ingest_native example (default: cargo run)")
    args = parser.parse_args()

    frame = order_lines(args.rows)
    print(f"salespulse {salespulse.__version__}, pandas {pd.__version__}, pyarrow {pa.__version__}")
    print(f"{args.rows:,} order lines; best of {args.repeat} runs, a fresh engine each\n")

    def ingest(table):
        report = salespulse.Engine().ingest_orders(table)
        assert report.accepted == args.rows, report

    table = pa.Table.from_pandas(frame, preserve_index=False).combine_chunks()
    objects = frame.astype({c: object for c in ("order_id", "customer_id", "product_id")})
    results = {
        "python: pandas DataFrame (str columns)": best(args.repeat, lambda: ingest(frame)),
        "python: pandas DataFrame (object columns)": best(args.repeat, lambda: ingest(objects)),
        "python: pyarrow Table": best(args.repeat, lambda: ingest(table)),
        "  of which pandas -> Arrow (str columns)": best(
            args.repeat, lambda: pa.Table.from_pandas(frame, preserve_index=False)
        ),
    }

    with tempfile.TemporaryDirectory() as tmp:
        ipc = pathlib.Path(tmp) / "orders.arrow"
        # One record batch, as the pandas DataFrame gives.
        pyarrow.feather.write_feather(
            table, ipc, compression="uncompressed", chunksize=max(1, args.rows)
        )
        measured = native(ipc, args.repeat, args.native_bin)
    if measured:
        results["rust: native columns (Vec<String>, days, f64)"] = measured["columnar"]
        results["rust: typed OrderLine rows"] = measured["rows_typed"]
        results["rust: Arrow record batch"] = measured["arrow"]

    width = max(map(len, results))
    print(f"{'':<{width}}  {'wall':>9}  {'cpu':>9}  {'M lines/s (cpu)':>15}")
    for name, t in results.items():
        rate = args.rows / t["cpu"] / 1e6 if t["cpu"] > 0 else float("inf")
        print(f"{name:<{width}}  {t['wall']:7.3f} s  {t['cpu']:7.3f} s  {rate:15.2f}")
    if measured:
        python = results["python: pandas DataFrame (str columns)"]
        rust = measured["columnar"]
        print(
            f"\nratio python (pandas) / rust (native columns): {python['cpu'] / rust['cpu']:.2f}x "
            f"on CPU time, {python['wall'] / rust['wall']:.2f}x wall-clock (target <= 1.5x)"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
