"""Results out: a pyarrow.Table from the engine as what the caller asked for with ``to=``."""

from __future__ import annotations

from typing import Any


def from_arrow(table: Any, to: str) -> Any:
    """``table`` (a pyarrow.Table) as a pandas DataFrame, a polars DataFrame or itself.

    Dates become pandas ``datetime64`` columns (polars ``Date``); text stays text.
    """
    if to == "arrow":
        return table
    if to == "pandas":
        return table.to_pandas(date_as_object=False)
    if to == "polars":
        try:
            import polars as pl
        except ImportError as e:  # pragma: no cover - depends on the environment
            raise ImportError("to='polars' needs polars: pip install polars") from e
        return pl.from_arrow(table)
    raise ValueError(f"unknown result kind {to!r}")
