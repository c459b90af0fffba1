"""Type stubs of the native module ``salespulse._salespulse`` (import ``salespulse`` instead)."""

from __future__ import annotations

import datetime
import os
from typing import Any, Dict, List, Literal, Mapping, Optional, Tuple, Union

import pandas
import pyarrow

__version__: str

#: A date argument: ISO text ("2024-03-31", "20240331", "2024-03-31T10:00:00+02:00"), a
#: datetime.date or datetime (aware ones are converted to the engine's zone), a pandas Timestamp
#: or a numpy datetime64.
DateLike = Union[str, datetime.date, datetime.datetime, Any]
#: A table: anything with ``__arrow_c_stream__`` or ``__arrow_c_array__`` (pandas or polars
#: DataFrame, pyarrow Table, RecordBatch or RecordBatchReader), or the path of a CSV file.
TableLike = Union[str, os.PathLike, Any]
#: What results come back as.
To = Literal["pandas", "polars", "arrow"]
DateFormat = Literal["auto", "day_first", "month_first", "excel"]
GroupBy = Literal["rep", "segment", "region"]

class Config:
    """Engine settings. Every argument is optional; an omitted one keeps its default.

    Args:
        timezone: IANA zone in which timestamps become calendar days (default "UTC").
        week_start: first day of the business week, "monday".."sunday" (default "monday").
        tasks_per_rep: tasks per rep in the weekly brief, 5..7 (default 7).
        horizon_days: how far ahead value at stake is counted, 1..3650 (default 90).
        currency: ISO code of all amounts (default: the first currency seen in the orders).
        stages: CRM deal stages in pipeline order (default: learned from the deals).
        thresholds: dict with active_window_days (default 90) and regular_min_purchases
            (default 2).

    Raises:
        ConfigError: a value is out of range or a key is unknown.
    """

    def __init__(
        self,
        *,
        timezone: Optional[str] = None,
        week_start: Optional[str] = None,
        tasks_per_rep: Optional[int] = None,
        horizon_days: Optional[int] = None,
        currency: Optional[str] = None,
        stages: Optional[List[str]] = None,
        thresholds: Optional[Mapping[str, int]] = None,
    ) -> None: ...
    @property
    def timezone(self) -> str:
        """The IANA time zone, such as "UTC"."""
    @property
    def week_start(self) -> str:
        """The first day of the week, "monday".."sunday"."""
    @property
    def tasks_per_rep(self) -> int:
        """Tasks per rep in the weekly brief."""
    @property
    def horizon_days(self) -> int:
        """Value horizon in days."""
    @property
    def currency(self) -> Optional[str]:
        """The currency of all amounts, or None when taken from the orders."""
    @property
    def stages(self) -> List[str]:
        """Deal stages in pipeline order (empty: learned from the deals)."""
    @property
    def thresholds(self) -> Dict[str, int]:
        """Detection thresholds as a dict."""
    def to_dict(self) -> Dict[str, Any]:
        """All settings as a dict (what ``Config(**d)`` and ``Engine(d)`` take back)."""
    def __eq__(self, other: object) -> bool: ...

class IngestReport:
    """What an ingest call did with its rows.

    Attributes:
        accepted: rows taken into the engine.
        duplicates: rows seen before, counted once.
        rejected: a pandas DataFrame of the unusable rows: row (0-based position in the input),
            column (the canonical name of the column at fault) and reason.
    """

    @property
    def accepted(self) -> int:
        """Rows taken into the engine."""
    @property
    def duplicates(self) -> int:
        """Rows seen before, counted once."""
    @property
    def rejected(self) -> pandas.DataFrame:
        """The rejected rows as a pandas DataFrame: row, column, reason."""
    @property
    def is_clean(self) -> bool:
        """Whether no row was rejected."""
    def rejected_as(self, to: To = "pandas") -> Any:
        """The rejected rows as a "pandas" or "polars" DataFrame, or an "arrow" Table."""
    def to_dict(self) -> Dict[str, int]:
        """The counts as a dict: accepted, duplicates, rejected (the number of rejected rows)."""
    def __eq__(self, other: object) -> bool: ...

class Engine:
    """Turns ERP order lines and CRM deals into KPIs, signals and weekly tasks for sales reps.

    Args:
        config: None (defaults), a dict of settings or a ``Config``.

    Tables go in with the ``ingest_*`` methods: anything that speaks the Arrow PyCapsule
    protocol (a pandas or polars DataFrame, a pyarrow Table or RecordBatchReader), or the path of
    a CSV file. Results come out as pandas DataFrames, or polars / pyarrow with ``to="polars"`` /
    ``to="arrow"``. Long calls release the GIL. Engines pickle (through ``snapshot``).
    """

    def __init__(self, config: Union[None, Config, Mapping[str, Any]] = None) -> None: ...
    @property
    def config(self) -> Config:
        """The engine's settings."""
    @property
    def clock(self) -> Optional[datetime.date]:
        """The last day the engine was advanced to, or None."""
    def ingest_orders(
        self,
        table: TableLike,
        mapping: Optional[Mapping[str, str]] = None,
        date_format: DateFormat = "auto",
        *,
        delimiter: str = ",",
        encoding: str = "auto",
    ) -> IngestReport:
        """Ingests ERP order lines (invoices, credit notes; a negative quantity is a return).

        Columns: order_id, customer_id, product_id, date, quantity, net_amount; optional
        line_no, list_amount, rep_id, currency.

        Args:
            table: a pandas or polars DataFrame, a pyarrow Table or RecordBatchReader, or the
                path (str or Path) of a CSV file.
            mapping: {canonical column: your column} for columns named differently.
            date_format: "auto" (ISO, YYYYMMDD, Excel serials), "day_first", "month_first" or
                "excel".
            delimiter: CSV files only: one character or "whitespace".
            encoding: CSV files only: "auto", "utf-8" or "windows-1252".

        Returns:
            IngestReport: accepted, duplicates and rejected (row, column, reason).

        Raises:
            SchemaError: a required column is missing (the message names it) or unreadable.
            CsvError, IoError: a CSV file cannot be read.
        """
    def ingest_customers(
        self,
        table: TableLike,
        mapping: Optional[Mapping[str, str]] = None,
        date_format: DateFormat = "auto",
        *,
        delimiter: str = ",",
        encoding: str = "auto",
    ) -> IngestReport:
        """Ingests customers: customer_id; optional rep_id (account owner), segment, region,
        name. Arguments as for ``ingest_orders``."""
    def ingest_reps(
        self,
        table: TableLike,
        mapping: Optional[Mapping[str, str]] = None,
        date_format: DateFormat = "auto",
        *,
        delimiter: str = ",",
        encoding: str = "auto",
    ) -> IngestReport:
        """Ingests sales reps: rep_id; optional manager_id, name, email, locale. Arguments as
        for ``ingest_orders``."""
    def ingest_products(
        self,
        table: TableLike,
        mapping: Optional[Mapping[str, str]] = None,
        date_format: DateFormat = "auto",
        *,
        delimiter: str = ",",
        encoding: str = "auto",
    ) -> IngestReport:
        """Ingests products: product_id; optional family, list_price, name. Arguments as for
        ``ingest_orders``."""
    def ingest_deals(
        self,
        table: TableLike,
        mapping: Optional[Mapping[str, str]] = None,
        date_format: DateFormat = "auto",
        *,
        delimiter: str = ",",
        encoding: str = "auto",
    ) -> IngestReport:
        """Ingests CRM deals: deal_id, customer_id, stage, stage_entered; optional rep_id,
        product_id, amount, created, closed, outcome. Arguments as for ``ingest_orders``."""
    def kpis(self, as_of: DateLike, by: Optional[GroupBy] = None, to: To = "pandas") -> Any:
        """Key performance indicators at ``as_of``, overall (one row) or by "rep", "segment"
        or "region": active customers, churn rate, product variety per customer, order
        frequency and pace, rate of items returning to the basket, net revenue."""
    def snapshot(self) -> bytes:
        """The whole engine as bytes (versioned and checksummed), for ``Engine.restore``."""
    @staticmethod
    def restore(data: Union[bytes, bytearray, memoryview]) -> Engine:
        """An engine from ``snapshot()`` bytes.

        Raises:
            SnapshotError: the bytes are not a salespulse snapshot, are truncated or corrupt,
                or come from a newer version.
        """
    def merge(self, other: Engine) -> None:
        """Joins an engine built on a disjoint set of customers (``other`` is copied, not
        changed). Raises MergeError when they overlap or differ in configuration."""
    def stats(self) -> Dict[str, int]:
        """Sizes of the state: customers, products, reps, pairs, lines, orders, deals,
        heap_bytes."""
    def __reduce__(self) -> Tuple[Any, ...]: ...

def synth_distributor(
    customers: int, years: int, seed: int
) -> Tuple[Dict[str, pyarrow.Table], datetime.date]:
    """The tables of a synthetic distributor as pyarrow Tables, and its last day (use
    ``salespulse.synth.distributor``)."""
