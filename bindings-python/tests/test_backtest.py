"""Engine.backtest and the outcomes of issued tasks: the core's report, as tables."""

from __future__ import annotations

import datetime

import pyarrow as pa
import pytest
import salespulse
from salespulse import BacktestReport, Engine, InvalidArgumentError


@pytest.fixture(scope="module")
def setup():
    data = salespulse.synth.distributor(customers=120, years=2, seed=3)
    engine = Engine()
    for name in ("reps", "products", "customers", "orders"):
        getattr(engine, f"ingest_{name}")(getattr(data, name))
    end = data.end - datetime.timedelta(days=120)
    report = engine.backtest(end - datetime.timedelta(days=28), end, every_days=14)
    return engine, data, report


def test_the_report_has_its_tables_and_a_summary(setup):
    _, _, report = setup
    assert isinstance(report, BacktestReport)
    weeks = report.weeks
    assert len(weeks) == 3
    assert list(weeks.columns[:4]) == ["day", "alarms", "tasks", "scored"]
    assert weeks["scored"].all()
    assert (weeks["lost_ours"] <= weeks["lost_oracle"] + 1e-6).all()
    assert (weeks["lost_rfm"] <= weeks["lost_oracle"] + 1e-6).all()
    kinds = report.kinds
    assert {"kind", "precision", "base_rate", "median_lead_days"} <= set(kinds.columns)
    assert (kinds["true_alarms"] <= kinds["scored"]).all()
    assert kinds["alarms"].sum() == len(report.alarms) == weeks["alarms"].sum()
    outcomes = report.outcomes
    assert len(outcomes) == weeks["tasks"].sum() > 0
    assert set(outcomes["outcome"]) <= {
        "item_returned",
        "ordered",
        "deal_moved",
        "pending",
        "no_action",
    }
    summary = report.summary
    assert summary["weeks"] == 3 and summary["weeks_scored"] == 3
    assert summary["every_days"] == 14
    assert 0.0 <= summary["share_ours"] <= summary["share_oracle"] <= 1.0
    assert isinstance(report.table("kinds", to="arrow"), pa.Table)
    assert "backtest" in str(report) and "RFM" in str(report)
    assert len(report.outcome_rates) > 0


def test_bad_arguments_raise_with_the_reason(setup):
    engine, data, report = setup
    with pytest.raises(InvalidArgumentError, match="must be before end"):
        engine.backtest(data.end, "2024-06-01")
    with pytest.raises(InvalidArgumentError, match="every_days is 0"):
        engine.backtest("2024-06-01", data.end, every_days=0)
    with pytest.raises(InvalidArgumentError, match="no orders"):
        Engine().backtest("2024-01-01", "2024-03-01")
    with pytest.raises(InvalidArgumentError, match="unknown"):
        report.table("nope")


def test_recorded_tasks_get_outcomes_and_survive_a_snapshot(setup):
    engine, data, _ = setup
    engine = Engine.restore(engine.snapshot())
    day = data.end - datetime.timedelta(days=60)
    brief = engine.weekly_brief(day)
    assert engine.record_brief(brief) == len(brief.tasks) > 0
    assert engine.record_brief(brief) == 0
    table = engine.outcomes(data.end)
    assert len(table) == len(brief.tasks)
    assert set(table["outcome"]) <= {
        "item_returned",
        "ordered",
        "deal_moved",
        "no_action",
    }
    acted = table["acted_on"].notna()
    assert (table.loc[acted, "outcome"] != "no_action").all()
    rates = engine.outcome_rates(data.end, to="polars")
    assert rates["tasks"].sum() == len(brief.tasks)
    back = Engine.restore(engine.snapshot())
    assert len(back.outcomes(data.end)) == len(brief.tasks)
