"""Engine.signals and Engine.advance (the real-time feed) on a small synthetic distributor."""

from __future__ import annotations

import datetime

import pandas as pd
import polars as pl
import pyarrow as pa
import pytest

import salespulse
from salespulse import Engine, InvalidArgumentError

BASE_COLUMNS = [
    "kind",
    "customer_id",
    "product_id",
    "rep_id",
    "segment",
    "detected_on",
    "value_at_stake",
    "probability",
    "score",
    "evidence",
]
KINDS = {
    "customer_at_risk",
    "frequency_drop",
    "variety_drop",
    "item_lapsed",
    "item_lapsed_across_similar",
    "cross_sell",
    "seasonal_due",
    "discount_spike",
    "deal_stalled",
    "pipeline_slowdown",
}


@pytest.fixture(scope="module")
def distributor():
    return salespulse.synth.distributor(customers=300, years=2, seed=1)


@pytest.fixture(scope="module")
def snapshot(distributor) -> bytes:
    """An engine with every table of the distributor, as bytes (each test restores its own)."""
    engine = Engine()
    for name in ("reps", "customers", "products", "orders", "deals"):
        getattr(engine, f"ingest_{name}")(getattr(distributor, name))
    return engine.snapshot()


def keys(table: pa.Table) -> list:
    """What identifies a signal over time (the core's Signal::key): kind, customer, product,
    segment."""
    columns = [table.column(c).to_pylist() for c in ("kind", "customer_id", "product_id", "segment")]
    return list(zip(*columns))


def test_signals_table_columns_and_types(distributor, snapshot):
    engine = Engine.restore(snapshot)
    signals = engine.signals(distributor.end)
    assert isinstance(signals, pd.DataFrame)
    assert list(signals.columns[: len(BASE_COLUMNS)]) == BASE_COLUMNS
    assert len(signals) > 0, "the synthetic distributor should raise some signals"
    assert set(signals["kind"]) <= KINDS
    assert signals["detected_on"].dtype.kind == "M"
    assert (signals["detected_on"] <= pd.Timestamp(distributor.end)).all()
    for column in ("value_at_stake", "probability", "score"):
        assert signals[column].dtype == "float64"
    assert signals["probability"].between(0, 1).all()
    assert (signals["value_at_stake"] >= 0).all()
    assert (signals["evidence"].str.len() > 0).all()
    # Highest score first.
    assert signals["score"].is_monotonic_decreasing
    as_arrow = engine.signals(distributor.end, to="arrow")
    assert isinstance(as_arrow, pa.Table)
    assert as_arrow.schema.field("detected_on").type == pa.date32()
    assert as_arrow.num_rows == len(signals)
    as_polars = engine.signals(distributor.end, to="polars")
    assert isinstance(as_polars, pl.DataFrame) and as_polars.columns == list(signals.columns)
    # The clock did not move.
    assert engine.clock is None


def test_signals_read_only_the_past(distributor, snapshot):
    engine = Engine.restore(snapshot)
    earlier = pd.Timestamp(distributor.end) - pd.Timedelta(days=120)
    signals = engine.signals(earlier.date(), to="arrow")
    days = signals.column("detected_on").to_pylist()
    assert all(d <= earlier.date() for d in days)
    # Without as_of: the engine's last order day (no clock yet).
    assert engine.signals(to="arrow").equals(engine.signals(distributor.end, to="arrow"))


def test_advance_week_by_week_reports_each_signal_once(distributor, snapshot):
    engine = Engine.restore(snapshot)
    end = pd.Timestamp(distributor.end).date()
    weeks = [end - datetime.timedelta(weeks=w) for w in range(30, -1, -1)]
    active: set = set()
    reported = 0
    for week in weeks:
        risen = engine.advance(week, to="arrow")
        assert engine.clock == week
        now = engine.signals(to="arrow")  # as of the clock
        assert now.equals(engine.signals(week, to="arrow"))
        risen_keys = keys(risen)
        assert len(risen_keys) == len(set(risen_keys)), f"{week}: a signal twice in one advance"
        # Exactly the signals that were not active at the previous advance.
        assert set(risen_keys) == set(keys(now)) - active, week
        assert risen.schema.names[: len(BASE_COLUMNS)] == BASE_COLUMNS
        active = set(keys(now))
        reported += risen.num_rows
    assert reported > 0
    # The same day again: nothing new.
    assert engine.advance(weeks[-1]).empty


def test_advance_cannot_go_back_and_checks_its_arguments(distributor, snapshot):
    engine = Engine.restore(snapshot)
    engine.advance(distributor.end)
    with pytest.raises(InvalidArgumentError, match="move the clock back"):
        engine.advance(pd.Timestamp(distributor.end) - pd.Timedelta(days=1))
    with pytest.raises(InvalidArgumentError, match="as_of"):
        engine.advance("next tuesday")
    with pytest.raises(InvalidArgumentError, match="to"):
        engine.signals(to="excel")


def test_an_empty_engine_has_no_signals():
    engine = Engine()
    empty = engine.signals("2024-03-31")
    assert list(empty.columns) == BASE_COLUMNS and empty.empty
    assert engine.advance("2024-03-31").empty
    with pytest.raises(InvalidArgumentError, match="no orders yet"):
        Engine().signals()
