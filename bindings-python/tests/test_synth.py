import datetime

import pandas as pd
import polars as pl
import pyarrow as pa
import pytest

import salespulse


@pytest.fixture(scope="module")
def small():
    return salespulse.synth.distributor(customers=200, years=1, seed=7)


def test_tables_are_pandas_frames_with_the_api_columns(small):
    assert isinstance(small.end, datetime.date)
    for name in ("orders", "customers", "reps", "products", "deals", "labels"):
        assert isinstance(getattr(small, name), pd.DataFrame), name
    assert {"order_id", "customer_id", "product_id", "date", "quantity", "net_amount"} <= set(
        small.orders.columns
    )
    assert {"kind", "customer_id", "product_id", "segment", "start"} <= set(small.labels.columns)
    assert len(small.customers) == 200
    assert len(small.orders) > 1000


def test_same_seed_same_data(small):
    again = salespulse.synth.distributor(customers=200, years=1, seed=7)
    pd.testing.assert_frame_equal(small.orders, again.orders)
    other = salespulse.synth.distributor(customers=200, years=1, seed=8)
    assert not small.orders.equals(other.orders)


def test_other_kinds():
    data = salespulse.synth.distributor(customers=50, years=1, seed=1, to="polars")
    assert isinstance(data.orders, pl.DataFrame)
    data = salespulse.synth.distributor(customers=50, years=1, seed=1, to="arrow")
    assert isinstance(data.orders, pa.Table)
    with pytest.raises(salespulse.InvalidArgumentError):
        salespulse.synth.distributor(customers=50, to="csv")


def test_the_engine_takes_it_all(small):
    engine = salespulse.Engine()
    for name in ("reps", "customers", "products", "orders", "deals"):
        report = getattr(engine, f"ingest_{name}")(getattr(small, name))
        assert report.is_clean, (name, report)
    kpis = engine.kpis(small.end)
    assert kpis["customers"].iloc[0] > 0
