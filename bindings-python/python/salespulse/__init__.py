"""salespulse: a distributor's ERP order lines and CRM deals in, signals and weekly tasks for
sales reps out.

The engine is written in Rust; this package is a thin door to it. Tables go in as anything that
speaks the Arrow PyCapsule protocol (pandas, polars, pyarrow) or as CSV files; results come out
as pandas DataFrames (``to="polars"`` or ``to="arrow"`` on request).

>>> import salespulse
>>> engine = salespulse.Engine({"timezone": "Europe/Berlin"})
>>> report = engine.ingest_orders(orders_df)            # doctest: +SKIP
>>> engine.kpis("2024-03-31", by="segment")              # doctest: +SKIP

Classes: :class:`Engine`, :class:`Config`, :class:`IngestReport`, :class:`Brief`,
:class:`BacktestReport`. Models that stand alone:
:func:`rfm_summary` and the :class:`BetaGeo`, :class:`ModifiedBetaGeo`, :class:`ParetoNBD` and
:class:`GammaGamma` customer models, :func:`frequent_itemsets` and :func:`association_rules`
(as mlxtend's). Errors: :class:`Error` and its subclasses. Synthetic data:
:mod:`salespulse.synth`.
"""

from __future__ import annotations

from ._errors import (
    ConfigError,
    CsvError,
    Error,
    InvalidArgumentError,
    IoError,
    MergeError,
    SchemaError,
    SnapshotError,
)
from ._salespulse import (
    BacktestReport,
    BetaGeo,
    Brief,
    Config,
    Engine,
    GammaGamma,
    IngestReport,
    ModifiedBetaGeo,
    ParetoNBD,
    __version__,
    association_rules,
    frequent_itemsets,
    rfm_summary,
)
from . import synth

__all__ = [
    "Config",
    "Engine",
    "Brief",
    "BacktestReport",
    "IngestReport",
    "rfm_summary",
    "BetaGeo",
    "ModifiedBetaGeo",
    "ParetoNBD",
    "GammaGamma",
    "frequent_itemsets",
    "association_rules",
    "Error",
    "SchemaError",
    "ConfigError",
    "SnapshotError",
    "MergeError",
    "CsvError",
    "InvalidArgumentError",
    "IoError",
    "synth",
    "__version__",
]
