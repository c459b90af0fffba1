"""Type stubs of the native module ``salespulse._salespulse`` (import ``salespulse`` instead)."""

from __future__ import annotations

import datetime
import os
from typing import Any, Dict, List, Literal, Mapping, Optional, Sequence, Tuple, Union

import numpy
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
#: A column of numbers for the models: a list, tuple, numpy array, pandas or polars Series or
#: pyarrow array (a single number stands for every row).
Numbers = Union[float, Sequence[float], Any]
#: A result of the models: a numpy float64 array, or a float when every input was a number.
NumbersOut = Union[float, "numpy.ndarray"]
#: Initial parameters of a fit: a dict of name -> value, or the values in order.
InitialParams = Union[Mapping[str, float], Sequence[float], None]

class Config:
    """Engine settings. Every argument is optional; an omitted one keeps its default.

    Args:
        timezone: IANA zone in which timestamps become calendar days (default "UTC").
        week_start: first day of the business week, "monday".."sunday" (default "monday").
        tasks_per_rep: tasks per rep in the weekly brief, 5..7 (default 7).
        horizon_days: how far ahead value at stake is counted, 1..3650 (default 90).
        currency: ISO code of all amounts (default: the first currency seen in the orders).
        stages: CRM deal stages in pipeline order (default: learned from the deals).
        thresholds: dict of detection cut-offs: active_window_days (default 90),
            regular_min_purchases (2), frequency_drop_alpha (0.005), frequency_drop_ratio (0.5),
            at_risk_p_alive (0.001), item_lapsed_probability (0.7), variety_drop_share (0.25),
            similar_lapse_alpha (0.001), cross_sell_min_probability (0.03),
            cross_sell_min_share (0.25), cross_sell_min_lift (1.5); see the Rust ``Thresholds``
            for each meaning.
        rank: dict of the ranker's weights: escalation_base (10: the 1-10-100 rule),
            escalation_stage_days (90), escalation_cap (100), response_gain (7), response_days
            (1), merge_weight (0.5), diversity (0.85), acting_works_default (0.25) and
            "acting_works.<signal kind>" (P(a contact works) per kind).

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
        thresholds: Optional[Mapping[str, float]] = None,
        rank: Optional[Mapping[str, float]] = None,
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
    def thresholds(self) -> Dict[str, float]:
        """Detection thresholds as a dict."""
    @property
    def rank(self) -> Dict[str, float]:
        """The ranker's weights as a dict."""
    def to_dict(self) -> Dict[str, Any]:
        """All settings as a dict (what ``Config(**d)`` and ``Engine(d)`` take back)."""
    def __eq__(self, other: object) -> bool: ...

class BacktestReport:
    """What ``Engine.backtest`` returns: the history replayed week by week through the real-time
    feed and the weekly brief, scored against what the customers did next."""

    @property
    def kinds(self) -> Any:
        """Per signal kind (pandas): kind, truth, alarms, scored, true_alarms, precision,
        base_rate, median_lead_days, report_flagged, revenue_next_quarter,
        lost_revenue_next_quarter."""
    @property
    def weeks(self) -> Any:
        """Per replayed day (pandas): day, alarms, tasks, scored, lost_total, lost_ours,
        lost_rfm, lost_oracle, share_ours, share_rfm, share_oracle."""
    @property
    def alarms(self) -> Any:
        """Every signal that rose (pandas): day, kind, customer_id, product_id, value_at_stake,
        came_true, lead_days, expected, actual."""
    @property
    def outcomes(self) -> Any:
        """The replay's tasks (pandas): issued, rep_id, rank, customer_id, product_id, signals,
        value, outcome, acted_on, item_returned."""
    @property
    def outcome_rates(self) -> Any:
        """Per rep (pandas): tasks, decided, acted, acted_rate, item_tasks, items_returned,
        return_to_basket_rate."""
    @property
    def summary(self) -> Dict[str, Any]:
        """start, end, every_days, weeks, weeks_scored, tasks, share_ours, share_rfm,
        share_oracle, weeks_ours_ahead, weeks_rfm_ahead."""
    def table(
        self,
        name: Literal["kinds", "weeks", "alarms", "outcomes", "outcome_rates", "summary"],
        to: To = "pandas",
    ) -> Any:
        """One table as pandas, polars or a pyarrow.Table.

        Raises:
            InvalidArgumentError: another name or format.
        """

class Brief:
    """One week's brief: every rep's ranked tasks and every manager's digest."""

    @property
    def tasks(self) -> Any:
        """The tasks as a pandas DataFrame: rep_id, rank, customer_id, action, talking_points
        (list of str), offer_product_id, offer_price, content, value, due, signals (list)."""
    def tasks_table(self, to: To = "pandas") -> Any:
        """The tasks table as pandas, polars or a pyarrow.Table."""
    @property
    def digests(self) -> List[Dict[str, Any]]:
        """One dict per manager: manager_id, manager_name, reps, team_signals (kind, segment,
        product_id, value_at_stake, probability, value, evidence), kpis (name, this_week,
        last_week), top_tasks (each rep's top three: rep_id, rank, customer_id, action, value,
        due)."""
    @property
    def as_of(self) -> datetime.date:
        """The brief's day."""
    @property
    def week_of(self) -> datetime.date:
        """The first day of the brief's business week."""
    def for_rep(self, rep_id: str) -> Brief:
        """The part for one rep: its tasks, and its digest when it manages a team.

        Raises:
            InvalidArgumentError: the brief has neither tasks nor a digest for ``rep_id``.
        """
    def to_markdown(self, locale: Literal["en", "he"] = "en") -> str:
        """The brief in Markdown ("en" or "he").

        Raises:
            InvalidArgumentError: another locale.
        """
    def to_html(self, locale: Literal["en", "he"] = "en") -> str:
        """A self-contained HTML page ("en", or "he" right to left), each task with an inline
        SVG of the purchase rhythm.

        Raises:
            InvalidArgumentError: another locale.
        """
    def _repr_html_(self) -> str: ...

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
    def signals(self, as_of: Optional[DateLike] = None, to: To = "pandas") -> Any:
        """Every signal active at ``as_of`` (default: the engine's clock, else its last order
        day), highest score first. Only data on or before ``as_of`` is read; the clock does not
        move.

        Returns:
            The signals table: kind, customer_id, product_id, rep_id, segment, detected_on,
            value_at_stake, probability, score, evidence, then kind-specific columns.

        Raises:
            InvalidArgumentError: as_of is not a date, or the engine has no orders and no as_of.
        """
    def recommend(
        self,
        as_of: DateLike,
        k: int = 5,
        customers: Optional[Sequence[str]] = None,
        to: To = "pandas",
    ) -> Any:
        """Next-best offers: per customer the top ``k`` products it never bought (rules, similar
        customers, then popularity); the ``cross_sell`` signals are its strongest rows.

        Returns:
            A table by customer, then rank: customer_id, rank, product_id, score, suggested_price,
            evidence, probability, expected_revenue, similar_share, cross_sell.

        Raises:
            InvalidArgumentError: as_of is not a date, k is not in 1..1000, or a customer id is
                unknown.
        """
    def advance(self, as_of: DateLike, to: To = "pandas") -> Any:
        """Moves the clock to ``as_of`` and returns the signals that rose since the last
        advance (the real-time feed): a signal that stays active is reported once. Same
        columns as ``signals``.

        Raises:
            InvalidArgumentError: as_of is not a date or lies before the engine's clock.
        """
    def weekly_brief(self, as_of: DateLike, tasks_per_rep: Optional[int] = None) -> Brief:
        """The weekly brief at ``as_of``: every rep's 5-7 most valuable tasks and every
        manager's digest. Only data on or before ``as_of`` is read.

        Raises:
            InvalidArgumentError: as_of is not a date, or tasks_per_rep is not 5, 6 or 7.
        """
    def backtest(self, start: DateLike, end: DateLike, every_days: int = 7) -> BacktestReport:
        """Replays the history from ``start`` to ``end`` every ``every_days`` days through the
        real-time feed and the weekly brief, and scores each signal kind and each week's tasks
        (share of next-quarter lost revenue pointed at, against an RFM list of the same length).

        Raises:
            InvalidArgumentError: start >= end, every_days is 0, or the engine has no orders.
        """
    def record_brief(self, brief: Brief) -> int:
        """Remembers a brief's tasks as issued on its day; returns how many were new."""
    def outcomes(self, as_of: DateLike, to: To = "pandas") -> Any:
        """Every recorded task judged at ``as_of``: issued, rep_id, rank, customer_id,
        product_id, signals, value, outcome (item_returned, ordered, deal_moved, pending,
        no_action), acted_on, item_returned."""
    def outcome_rates(self, as_of: DateLike, to: To = "pandas") -> Any:
        """Per rep at ``as_of``: tasks, decided, acted, acted_rate, item_tasks, items_returned,
        return_to_basket_rate."""
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

def rfm_summary(
    transactions: Any,
    customer_col: str,
    date_col: str,
    observation_end: Optional[DateLike] = None,
    freq: Literal["D", "W"] = "D",
    monetary_col: Optional[str] = None,
    to: To = "pandas",
    *,
    date_format: DateFormat = "auto",
    timezone: str = "UTC",
) -> Any:
    """Frequency, recency, T (and monetary_value) per customer from a transactions table, as
    lifetimes' ``summary_data_from_transaction_data``.

    Definitions (lifetimes 0.11.3): dates become periods of ``freq``; transactions after the
    observation end's period are dropped; purchases in one period count once (values summed).
    frequency = periods with a purchase - 1; recency = last period - first period; T = the
    observation end's period - first period; monetary_value = the mean value of the repeat
    periods, 0 without repeat purchases.

    Args:
        transactions: a pandas or polars DataFrame or a pyarrow Table, one row per transaction.
        customer_col: the name of the customer id column.
        date_col: the name of the date column (dates, timestamps or ISO text).
        observation_end: the end of the observation period; None for the last transaction's
            day.
        freq: "D" (days) or "W" (weeks from Monday to Sunday, pandas' "W").
        monetary_col: the name of the transaction value column, if any.
        to: "pandas" (default), "polars" or "arrow".
        date_format: how text dates are written.
        timezone: the zone in which timezone-aware timestamps become days.

    Returns:
        One row per customer, sorted by id: the customer column, frequency, recency, T and,
        with monetary_col, monetary_value. The customer id is a column, not the index.

    Raises:
        SchemaError: the table lacks a named column.
        InvalidArgumentError: a missing or unreadable id, date or value (row and column named),
            or a bad freq or date.
    """

#: A rule metric, as mlxtend 0.25 names them.
Metric = Literal[
    "antecedent support",
    "consequent support",
    "support",
    "confidence",
    "lift",
    "representativity",
    "leverage",
    "conviction",
    "zhangs_metric",
    "jaccard",
    "certainty",
    "kulczynski",
]

def frequent_itemsets(
    baskets: Any,
    min_support: float,
    max_len: Optional[int] = None,
    *,
    basket_col: Union[str, Sequence[str], None] = None,
    item_col: str = "item",
    to: To = "pandas",
) -> Any:
    """Every itemset in at least ``min_support`` of the baskets, as mlxtend 0.25's ``fpgrowth``
    (same itemsets, same supports).

    Args:
        baskets: a table of (basket, item) rows (pandas or polars DataFrame, pyarrow Table), or
            a list of item lists, one per basket (items str or int).
        min_support: the least share of baskets an itemset must appear in, in (0, 1].
        max_len: the most items in an itemset; None for no limit.
        basket_col: for a table, the basket column or a list of columns that name a basket
            together, e.g. ``["Member_number", "Date"]`` (default "basket_id").
        item_col: for a table, the item column (default "item").
        to: "pandas" (default), "polars" or "arrow".

    Returns:
        ``support`` (float) and ``itemsets`` (frozensets in pandas, lists otherwise), ordered by
        length, support (highest first) and labels.

    Raises:
        InvalidArgumentError: min_support outside (0, 1], max_len 0, a basket that is not a list.
        SchemaError: the table lacks a named column.
    """

def association_rules(
    itemsets: Any,
    metric: Metric = "confidence",
    min_threshold: float = 0.8,
    *,
    to: To = "pandas",
) -> Any:
    """Association rules from the table ``frequent_itemsets`` returned, as mlxtend 0.25's
    ``association_rules`` (same rules, same metric columns).

    Args:
        itemsets: the itemsets table (``support`` and ``itemsets``), unfiltered.
        metric: the metric a rule must reach (mlxtend's names).
        min_threshold: its least value (default 0.8).
        to: "pandas" (default), "polars" or "arrow".

    Returns:
        antecedents, consequents (frozensets in pandas, lists otherwise), antecedent support,
        consequent support, support, confidence, lift, representativity, leverage, conviction
        (inf when confidence is 1), zhangs_metric, jaccard, certainty, kulczynski.

    Raises:
        InvalidArgumentError: an unknown metric, a NaN threshold, missing subset supports.
        SchemaError: the table lacks ``support`` or ``itemsets``.
    """

class BetaGeo:
    """The BG/NBD model (Fader, Hardie & Lee 2005). Matches lifetimes' ``BetaGeoFitter``.

    Args (keywords only):
        penalizer: L2 penalty, as lifetimes' ``penalizer_coef`` (default 0.0).
        max_iterations: iteration limit of the optimiser (default 1000).
        tolerance: gradient tolerance (default 1e-9).
        initial_params: a dict of r, alpha, a, b, or the numbers in that order (default: guesses
            from the data).

    Raises:
        InvalidArgumentError: an option is out of range.
    """

    def __init__(
        self,
        *,
        penalizer: float = 0.0,
        max_iterations: int = 1000,
        tolerance: float = 1e-9,
        initial_params: InitialParams = None,
    ) -> None: ...
    @staticmethod
    def from_params(params: Union[Mapping[str, float], Sequence[float]]) -> BetaGeo:
        """A model with given parameters (r, alpha, a, b: a dict, lifetimes' ``params_``, or the
        numbers in that order) instead of fitted ones, for predictions. It has no standard
        errors or log-likelihood.

        Raises:
            InvalidArgumentError: a parameter is missing, unknown or not finite and > 0.
        """
    def fit(
        self, frequency: Numbers, recency: Numbers, T: Numbers, weights: Optional[Numbers] = None
    ) -> BetaGeo:
        """Fits by maximum likelihood on one row per customer (frequency: repeat purchase
        periods; recency: age at the last purchase; T: age at the end of the observation
        period; weights: customers per row). Returns the model itself.

        Raises:
            InvalidArgumentError: lengths differ (named), a bad row (numbered), no repeat
                buyers, or a fit that does not converge.
        """
    @property
    def params(self) -> Dict[str, float]:
        """The fitted parameters: r, alpha, a, b.

        Raises:
            Error: the model is not fitted.
        """
    @property
    def standard_errors(self) -> Dict[str, Optional[float]]:
        """Standard errors of the parameters (None where the information is singular)."""
    @property
    def log_likelihood(self) -> float:
        """The log-likelihood at the fitted parameters (without the penalty)."""
    @property
    def summary(self) -> pandas.DataFrame:
        """coef, se(coef), lower 95% bound, upper 95% bound, indexed by parameter."""
    def p_alive(self, frequency: Numbers, recency: Numbers, T: Numbers) -> NumbersOut:
        """The probability that each customer is still active at T.

        Raises:
            InvalidArgumentError: lengths differ (named) or a row is invalid (numbered).
            Error: the model is not fitted.
        """
    def expected_purchases(
        self, t: Numbers, frequency: Numbers, recency: Numbers, T: Numbers
    ) -> NumbersOut:
        """Expected purchases of each customer in the next ``t`` periods given the history
        (lifetimes' ``conditional_expected_number_of_purchases_up_to_time``)."""
    def expected_purchases_new_customer(self, t: Numbers) -> NumbersOut:
        """Expected repeat purchases in the first ``t`` periods of a new customer (lifetimes'
        ``expected_number_of_purchases_up_to_time``)."""

class ModifiedBetaGeo:
    """The MBG/NBD model (Batislam, Denizel & Filiztekin 2007). Matches lifetimes'
    ``ModifiedBetaGeoFitter``.

    Args (keywords only):
        penalizer: L2 penalty, as lifetimes' ``penalizer_coef`` (default 0.0).
        max_iterations: iteration limit of the optimiser (default 1000).
        tolerance: gradient tolerance (default 1e-9).
        initial_params: a dict of r, alpha, a, b, or the numbers in that order (default: guesses
            from the data).

    Raises:
        InvalidArgumentError: an option is out of range.
    """

    def __init__(
        self,
        *,
        penalizer: float = 0.0,
        max_iterations: int = 1000,
        tolerance: float = 1e-9,
        initial_params: InitialParams = None,
    ) -> None: ...
    @staticmethod
    def from_params(params: Union[Mapping[str, float], Sequence[float]]) -> ModifiedBetaGeo:
        """A model with given parameters (r, alpha, a, b: a dict, lifetimes' ``params_``, or the
        numbers in that order) instead of fitted ones, for predictions. It has no standard
        errors or log-likelihood.

        Raises:
            InvalidArgumentError: a parameter is missing, unknown or not finite and > 0.
        """
    def fit(
        self, frequency: Numbers, recency: Numbers, T: Numbers, weights: Optional[Numbers] = None
    ) -> ModifiedBetaGeo:
        """Fits by maximum likelihood on one row per customer (frequency: repeat purchase
        periods; recency: age at the last purchase; T: age at the end of the observation
        period; weights: customers per row). Returns the model itself.

        Raises:
            InvalidArgumentError: lengths differ (named), a bad row (numbered), no repeat
                buyers, or a fit that does not converge.
        """
    @property
    def params(self) -> Dict[str, float]:
        """The fitted parameters: r, alpha, a, b.

        Raises:
            Error: the model is not fitted.
        """
    @property
    def standard_errors(self) -> Dict[str, Optional[float]]:
        """Standard errors of the parameters (None where the information is singular)."""
    @property
    def log_likelihood(self) -> float:
        """The log-likelihood at the fitted parameters (without the penalty)."""
    @property
    def summary(self) -> pandas.DataFrame:
        """coef, se(coef), lower 95% bound, upper 95% bound, indexed by parameter."""
    def p_alive(self, frequency: Numbers, recency: Numbers, T: Numbers) -> NumbersOut:
        """The probability that each customer is still active at T.

        Raises:
            InvalidArgumentError: lengths differ (named) or a row is invalid (numbered).
            Error: the model is not fitted.
        """
    def expected_purchases(
        self, t: Numbers, frequency: Numbers, recency: Numbers, T: Numbers
    ) -> NumbersOut:
        """Expected purchases of each customer in the next ``t`` periods given the history
        (lifetimes' ``conditional_expected_number_of_purchases_up_to_time``)."""
    def expected_purchases_new_customer(self, t: Numbers) -> NumbersOut:
        """Expected repeat purchases in the first ``t`` periods of a new customer (lifetimes'
        ``expected_number_of_purchases_up_to_time``)."""

class ParetoNBD:
    """The Pareto/NBD model (Schmittlein, Morrison & Colombo 1987). Matches lifetimes'
    ``ParetoNBDFitter``.

    Args (keywords only):
        penalizer: L2 penalty, as lifetimes' ``penalizer_coef`` (default 0.0).
        max_iterations: iteration limit of the optimiser (default 1000).
        tolerance: gradient tolerance (default 1e-9).
        initial_params: a dict of r, alpha, s, beta, or the numbers in that order (default: guesses
            from the data).

    Raises:
        InvalidArgumentError: an option is out of range.
    """

    def __init__(
        self,
        *,
        penalizer: float = 0.0,
        max_iterations: int = 1000,
        tolerance: float = 1e-9,
        initial_params: InitialParams = None,
    ) -> None: ...
    @staticmethod
    def from_params(params: Union[Mapping[str, float], Sequence[float]]) -> ParetoNBD:
        """A model with given parameters (r, alpha, s, beta: a dict, lifetimes' ``params_``, or the
        numbers in that order) instead of fitted ones, for predictions. It has no standard
        errors or log-likelihood.

        Raises:
            InvalidArgumentError: a parameter is missing, unknown or not finite and > 0.
        """
    def fit(
        self, frequency: Numbers, recency: Numbers, T: Numbers, weights: Optional[Numbers] = None
    ) -> ParetoNBD:
        """Fits by maximum likelihood on one row per customer (frequency: repeat purchase
        periods; recency: age at the last purchase; T: age at the end of the observation
        period; weights: customers per row). Returns the model itself.

        Raises:
            InvalidArgumentError: lengths differ (named), a bad row (numbered), no repeat
                buyers, or a fit that does not converge.
        """
    @property
    def params(self) -> Dict[str, float]:
        """The fitted parameters: r, alpha, s, beta.

        Raises:
            Error: the model is not fitted.
        """
    @property
    def standard_errors(self) -> Dict[str, Optional[float]]:
        """Standard errors of the parameters (None where the information is singular)."""
    @property
    def log_likelihood(self) -> float:
        """The log-likelihood at the fitted parameters (without the penalty)."""
    @property
    def summary(self) -> pandas.DataFrame:
        """coef, se(coef), lower 95% bound, upper 95% bound, indexed by parameter."""
    def p_alive(self, frequency: Numbers, recency: Numbers, T: Numbers) -> NumbersOut:
        """The probability that each customer is still active at T.

        Raises:
            InvalidArgumentError: lengths differ (named) or a row is invalid (numbered).
            Error: the model is not fitted.
        """
    def expected_purchases(
        self, t: Numbers, frequency: Numbers, recency: Numbers, T: Numbers
    ) -> NumbersOut:
        """Expected purchases of each customer in the next ``t`` periods given the history
        (lifetimes' ``conditional_expected_number_of_purchases_up_to_time``)."""
    def expected_purchases_new_customer(self, t: Numbers) -> NumbersOut:
        """Expected repeat purchases in the first ``t`` periods of a new customer (lifetimes'
        ``expected_number_of_purchases_up_to_time``)."""

class GammaGamma:
    """The Gamma-Gamma spend model; parameters p, q, v. Matches lifetimes'
    ``GammaGammaFitter``.

    Args (keywords only):
        penalizer: L2 penalty, as lifetimes' ``penalizer_coef`` (default 0.0).
        max_iterations: iteration limit (default 1000).
        tolerance: gradient tolerance (default 1e-9).
        initial_params: a dict of p, q, v, or the numbers in that order.
    """

    def __init__(
        self,
        *,
        penalizer: float = 0.0,
        max_iterations: int = 1000,
        tolerance: float = 1e-9,
        initial_params: InitialParams = None,
    ) -> None: ...
    @staticmethod
    def from_params(params: Union[Mapping[str, float], Sequence[float]]) -> GammaGamma:
        """A model with given parameters (p, q, v: a dict, lifetimes' ``params_``, or the
        numbers in that order) instead of fitted ones, for predictions. It has no standard
        errors or log-likelihood.

        Raises:
            InvalidArgumentError: a parameter is missing, unknown or not finite and > 0.
        """
    def fit(
        self, frequency: Numbers, monetary_value: Numbers, weights: Optional[Numbers] = None
    ) -> GammaGamma:
        """Fits on repeat buyers' frequency and mean repeat-purchase value (rows with frequency
        0 are skipped). Returns the model itself.

        Raises:
            InvalidArgumentError: lengths differ, a bad row, no repeat buyers, or no
                convergence.
        """
    @property
    def params(self) -> Dict[str, float]:
        """The fitted parameters p, q, v."""
    @property
    def standard_errors(self) -> Dict[str, Optional[float]]:
        """Standard errors of the parameters."""
    @property
    def log_likelihood(self) -> float:
        """The log-likelihood at the fitted parameters."""
    @property
    def summary(self) -> pandas.DataFrame:
        """coef, se(coef), lower 95% bound, upper 95% bound, indexed by parameter."""
    def expected_spend(self, frequency: Numbers, monetary_value: Numbers) -> NumbersOut:
        """Expected value of a transaction of each customer (lifetimes'
        ``conditional_expected_average_profit``)."""
    def clv(
        self,
        model: Union[BetaGeo, ModifiedBetaGeo, ParetoNBD],
        frequency: Numbers,
        recency: Numbers,
        T: Numbers,
        monetary_value: Numbers,
        months: int = 12,
        discount_rate: float = 0.01,
        time_unit: Literal["H", "D", "W", "M"] = "D",
    ) -> NumbersOut:
        """Customer lifetime value over ``months`` months with a fitted transaction model, as
        lifetimes' ``customer_lifetime_value`` (time_unit is its ``freq``: the model's unit)."""
