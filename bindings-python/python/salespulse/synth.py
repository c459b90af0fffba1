"""A synthetic wholesale distributor with labelled events, for demos, tests and benchmarks.

The data comes from the Rust engine, so the same seed gives the same tables in Rust, Python
and Node.
"""

from __future__ import annotations

import datetime
from typing import Any, NamedTuple

from . import _salespulse
from ._convert import from_arrow

__all__ = ["Distributor", "distributor"]


class Distributor(NamedTuple):
    """The tables of a synthetic distributor (pandas DataFrames unless ``to`` said otherwise).

    Attributes:
        orders: ERP order lines (order_id, line_no, customer_id, product_id, date, quantity,
            net_amount, list_amount, rep_id, currency).
        customers: customer_id, rep_id, segment, region, name.
        reps: rep_id, manager_id, name, email, locale.
        products: product_id, family, list_price, name.
        deals: CRM deals (deal_id, customer_id, stage, stage_entered, rep_id, product_id,
            amount, created, closed, outcome).
        labels: the planted events (kind, customer_id, product_id, segment, start): what the
            signals should find.
        end: the last day of the history (a datetime.date): a natural ``as_of``.
    """

    orders: Any
    customers: Any
    reps: Any
    products: Any
    deals: Any
    labels: Any
    end: datetime.date


def distributor(
    customers: int = 10_000, years: int = 2, seed: int = 42, *, to: str = "pandas"
) -> Distributor:
    """Generates a distributor's history.

    Args:
        customers: number of customer accounts.
        years: years of order history, ending at ``end``.
        seed: the random seed; the same seed gives the same data in every language.
        to: "pandas" (default), "polars" or "arrow" for the tables.

    Returns:
        A :class:`Distributor`: orders, customers, reps, products, deals, labels and end.

    Example:
        >>> data = salespulse.synth.distributor(customers=500, years=1)
        >>> engine = salespulse.Engine()
        >>> engine.ingest_customers(data.customers)
        >>> engine.ingest_orders(data.orders)
        >>> engine.kpis(data.end)
    """
    if to not in ("pandas", "polars", "arrow", "pyarrow"):
        raise _invalid(f"to is {to!r}; it must be \"pandas\", \"polars\" or \"arrow\"")
    tables, end = _salespulse.synth_distributor(customers, years, seed)
    kind = "arrow" if to == "pyarrow" else to
    return Distributor(**{name: from_arrow(t, kind) for name, t in tables.items()}, end=end)


def _invalid(message: str) -> Exception:
    from ._errors import InvalidArgumentError

    return InvalidArgumentError(f"invalid argument: {message}")
