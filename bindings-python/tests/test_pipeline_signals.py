"""The seasonal, discount and pipeline signals come out of the signals table on a synthetic
distributor (seasonal_due, discount_spike, deal_stalled are planted there) and on a hand-made
pipeline whose conversion falls (pipeline_slowdown)."""

from __future__ import annotations

import datetime

import pandas as pd
import pytest

import salespulse
from salespulse import Engine


@pytest.fixture(scope="module")
def distributor():
    return salespulse.synth.distributor(customers=1000, years=2, seed=42)


@pytest.fixture(scope="module")
def engine(distributor) -> Engine:
    engine = Engine()
    for name in ("reps", "customers", "products", "orders", "deals"):
        getattr(engine, f"ingest_{name}")(getattr(distributor, name))
    return engine


def kinds_on(engine: Engine, days) -> set:
    found = set()
    for day in days:
        found |= set(engine.signals(day)["kind"])
    return found


def test_planted_discount_creep_and_stalled_deals_are_signalled(distributor, engine):
    labels = distributor.labels
    creep = labels[labels["kind"] == "discount_spike"].iloc[0]
    start = pd.Timestamp(creep["start"]).date()
    days = [start + datetime.timedelta(days=d) for d in (7, 14, 21)]
    signals = pd.concat([engine.signals(day) for day in days])
    spikes = signals[signals["kind"] == "discount_spike"]
    assert (spikes["segment"] == creep["segment"]).any(), spikes
    assert spikes["customer_id"].isna().all()
    assert spikes["evidence"].str.contains("usual").all()
    stalled = engine.signals(distributor.end)
    stalled = stalled[stalled["kind"] == "deal_stalled"]
    planted = set(labels[labels["kind"] == "deal_stalled"]["customer_id"])
    assert planted & set(stalled["customer_id"])
    assert {"days_in_stage", "stage_p90_days", "stage_win_rate"} <= set(stalled.columns)


def test_a_skipped_season_is_signalled_while_the_season_runs(distributor, engine):
    labels = distributor.labels
    seasonal = labels[labels["kind"] == "seasonal_due"].head(10)
    assert len(seasonal) > 0
    hits = 0
    for _, label in seasonal.iterrows():
        due = pd.Timestamp(label["due"] if pd.notna(label["due"]) else label["start"]).date()
        for lag in (7, 14, 21, 28, 35):
            s = engine.signals(due + datetime.timedelta(days=lag))
            s = s[(s["kind"] == "seasonal_due") & (s["customer_id"] == label["customer_id"])]
            if (s["product_id"] == label["product_id"]).any():
                hits += 1
                assert (s["season_ends_in_days"] > 0).all()
                break
    assert hits >= len(seasonal) // 2, f"{hits} of {len(seasonal)}"


def test_a_team_whose_conversion_falls_raises_pipeline_slowdown():
    engine = Engine()
    engine.ingest_reps(pd.DataFrame({"rep_id": ["R1", "M1"], "manager_id": ["M1", None]}))
    rows = []
    first = datetime.date(2024, 1, 1)
    for d in range(500):
        entered = first + datetime.timedelta(days=d)
        closed = entered + datetime.timedelta(days=10)
        won = d % 10 < (3 if d >= 400 else 8)
        base = {"deal_id": f"D{d}", "customer_id": "C1", "rep_id": "R1", "amount": 100.0}
        rows.append({**base, "stage": "Proposal", "stage_entered": entered, "outcome": "open", "closed": None})
        rows.append(
            {
                **base,
                "stage": "Won" if won else "Lost",
                "stage_entered": closed,
                "outcome": "won" if won else "lost",
                "closed": closed,
            }
        )
    engine.ingest_deals(pd.DataFrame(rows))
    signals = engine.signals(first + datetime.timedelta(days=500))
    slow = signals[signals["kind"] == "pipeline_slowdown"]
    assert len(slow) == 1, signals
    assert slow["rep_id"].iloc[0] == "M1"
    assert slow["conversion_recent"].iloc[0] < slow["conversion_baseline"].iloc[0]
