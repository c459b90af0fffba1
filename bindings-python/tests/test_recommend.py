"""Engine.recommend (next-best offers) and its tie to the cross_sell signals."""

from __future__ import annotations

import pandas as pd
import polars as pl
import pytest
import salespulse
from salespulse import Engine, InvalidArgumentError

COLUMNS = ["customer_id", "rank", "product_id", "score", "suggested_price", "evidence"]


@pytest.fixture(scope="module")
def setup():
    data = salespulse.synth.distributor(customers=300, years=2, seed=42)
    engine = Engine()
    for name in ("customers", "products", "orders"):
        getattr(engine, f"ingest_{name}")(getattr(data, name))
    return engine, data.end


def test_top_k_never_bought_products_per_customer(setup):
    engine, end = setup
    offers = engine.recommend(end, k=3)
    assert isinstance(offers, pd.DataFrame)
    assert list(offers.columns[: len(COLUMNS)]) == COLUMNS
    assert (
        offers.groupby("customer_id")["rank"]
        .apply(list)
        .map(lambda r: r == [1, 2, 3])
        .all()
    )
    assert offers["score"].between(0, 1).all()
    orders = salespulse.synth.distributor(customers=300, years=2, seed=42).orders
    bought = set(zip(orders["customer_id"], orders["product_id"]))
    assert not any(
        (c, p) in bought for c, p in zip(offers["customer_id"], offers["product_id"])
    )


def test_cross_sells_are_the_strongest_rows(setup):
    engine, end = setup
    offers = engine.recommend(end)
    signals = engine.signals(end)
    cross = signals[signals["kind"] == "cross_sell"]
    flagged = offers[offers["cross_sell"]]
    assert set(zip(cross["customer_id"], cross["product_id"])) == set(
        zip(flagged["customer_id"], flagged["product_id"])
    )
    assert (flagged["rank"] <= 2).all()
    if len(cross):
        assert cross["evidence"].str.startswith("buys ").all()
        assert cross["suggested_price"].notna().all()


def test_some_customers_and_other_formats(setup):
    engine, end = setup
    offers = engine.recommend(end, 2, customers=["C000001", "C000007"], to="polars")
    assert isinstance(offers, pl.DataFrame)
    assert offers["customer_id"].to_list() == ["C000001"] * 2 + ["C000007"] * 2


def test_errors_say_what_to_do(setup):
    engine, end = setup
    with pytest.raises(InvalidArgumentError, match="unknown"):
        engine.recommend(end, customers=["nobody"])
    with pytest.raises(InvalidArgumentError, match="k is 0"):
        engine.recommend(end, k=0)
