"""Itemset tables across the boundary: frozensets in pandas, lists of text in Arrow.

Conversion only: mining and rules live in the engine (``salespulse::itemsets``).
"""

from __future__ import annotations

from typing import Any

ITEMSET_COLUMNS = ("itemsets", "antecedents", "consequents")


def from_arrow(table: Any, to: str) -> Any:
    """A result ``pyarrow.Table`` as pandas (itemset columns as frozensets, as mlxtend gives
    them), polars or Arrow (itemset columns as lists of text)."""
    from ._convert import from_arrow as plain

    frame = plain(table, to)
    if to == "pandas":
        for name in ITEMSET_COLUMNS:
            if name in frame.columns:
                frame[name] = [frozenset(items) for items in frame[name]]
    return frame


def itemsets_table(itemsets: Any) -> Any:
    """An itemsets table (``support`` and ``itemsets``) as something Arrow can read: a pandas
    DataFrame whose itemsets are frozensets, sets, tuples, lists or arrays becomes a pyarrow
    Table with a list-of-text column; polars and pyarrow tables pass through."""
    if type(itemsets).__module__.split(".")[0] != "pandas":
        return itemsets
    import pyarrow as pa

    missing = [c for c in ("support", "itemsets") if c not in itemsets.columns]
    if missing:
        from ._errors import SchemaError

        raise SchemaError(
            f"the itemsets table has no column {missing[0]!r}; its columns are "
            f"{list(map(str, itemsets.columns))}. Pass the table frequent_itemsets returned"
        )
    sets = [sorted(str(item) for item in items) for items in itemsets["itemsets"]]
    return pa.table(
        {
            "support": pa.array(
                itemsets["support"].to_numpy(dtype="float64"), type=pa.float64()
            ),
            "itemsets": pa.array(sets, type=pa.list_(pa.string())),
        }
    )
