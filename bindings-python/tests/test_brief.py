"""Engine.weekly_brief: tasks per rep, digests per manager, Markdown and HTML in en and he."""

from __future__ import annotations

import pandas as pd
import pytest
import salespulse
from salespulse import Engine, InvalidArgumentError

TASK_COLUMNS = [
    "rep_id",
    "rank",
    "customer_id",
    "action",
    "talking_points",
    "offer_product_id",
    "offer_price",
    "content",
    "value",
    "due",
    "signals",
]


def loaded(config=None):
    data = salespulse.synth.distributor(customers=300, years=2, seed=42)
    engine = Engine(config)
    for name in ("reps", "products", "customers", "orders", "deals"):
        getattr(engine, f"ingest_{name}")(getattr(data, name))
    return engine, data


@pytest.fixture(scope="module")
def setup():
    engine, data = loaded()
    return engine, data, engine.weekly_brief(data.end)


def test_every_rep_gets_its_tasks_ordered_by_value(setup):
    _, data, brief = setup
    tasks = brief.tasks
    assert isinstance(tasks, pd.DataFrame)
    assert list(tasks.columns) == TASK_COLUMNS
    owners = set(data.customers["rep_id"].dropna())
    assert set(tasks["rep_id"]) == owners
    for rep, mine in tasks.groupby("rep_id"):
        assert list(mine["rank"]) == list(range(1, 8)), rep
        assert mine["value"].is_monotonic_decreasing, rep
        assert mine["customer_id"].is_unique, rep
        assert all(len(points) > 0 for points in mine["talking_points"])
        assert all(isinstance(text, str) and text for text in mine["content"])
    # Tasks go to the customer's own rep.
    owner = dict(zip(data.customers["customer_id"], data.customers["rep_id"]))
    assert all(owner[c] == r for c, r in zip(tasks["customer_id"], tasks["rep_id"]))
    assert brief.as_of == data.end


def test_tasks_point_at_planted_events(setup):
    _, data, brief = setup
    labels = data.labels
    started = labels[pd.to_datetime(labels["start"]) <= pd.Timestamp(data.end)]
    labelled = set(started["customer_id"].dropna())
    tasks = brief.tasks
    with_signals = tasks[tasks["signals"].map(len) > 0]
    precision = with_signals["customer_id"].isin(labelled).mean()
    chance = len(labelled) / len(data.customers)
    assert precision > max(0.8, 3 * chance), (precision, chance)


def test_digests_for_every_manager(setup):
    _, data, brief = setup
    managers = set(data.reps["manager_id"].dropna())
    digests = brief.digests
    assert {d["manager_id"] for d in digests} == managers
    for d in digests:
        team = set(data.reps.loc[data.reps["manager_id"] == d["manager_id"], "rep_id"])
        assert set(d["reps"]) == team
        names = [k["name"] for k in d["kpis"]]
        assert "active_customers" in names and "net_revenue" in names
        for s in d["team_signals"]:
            assert s["kind"] in {
                "item_lapsed_across_similar",
                "discount_spike",
                "pipeline_slowdown",
            }


def test_rendering_in_english_and_hebrew(setup):
    _, _, brief = setup
    rep = brief.tasks["rep_id"].iloc[0]
    mine = brief.for_rep(rep)
    assert set(mine.tasks["rep_id"]) == {rep}
    md = mine.to_markdown()
    assert md.startswith("# Weekly brief")
    assert all(c in md for c in mine.tasks["customer_id"])
    assert mine.to_markdown("he").startswith("# תדריך שבועי")
    html = brief.to_html("he")
    assert '<html lang="he" dir="rtl">' in html
    assert html.count('<article class="task"') == len(brief.tasks)
    assert "<svg" in html
    assert brief._repr_html_().startswith('<div class="salespulse-brief"')
    assert "Brief" in repr(brief)


def test_errors_name_what_is_wrong(setup):
    engine, data, brief = setup
    with pytest.raises(InvalidArgumentError, match='"fr"'):
        brief.to_html("fr")
    with pytest.raises(InvalidArgumentError, match="tasks_per_rep is 9"):
        engine.weekly_brief(data.end, tasks_per_rep=9)
    with pytest.raises(InvalidArgumentError, match='"nobody"'):
        brief.for_rep("nobody")
    five = engine.weekly_brief(data.end, tasks_per_rep=5)
    assert five.tasks.groupby("rep_id").size().eq(5).all()


def test_rank_weights_are_configurable():
    config = salespulse.Config(rank={"diversity": 1.0, "acting_works.item_lapsed": 0.9})
    assert config.rank["acting_works.item_lapsed"] == 0.9
    assert salespulse.Config(**config.to_dict()) == config
    with pytest.raises(salespulse.ConfigError, match="diversity"):
        salespulse.Config(rank={"diversity": 2.0})
    with pytest.raises(salespulse.ConfigError, match="not a ranking weight"):
        salespulse.Config(rank={"urgency": 2.0})
    engine, data = loaded({"rank": {"acting_works.item_lapsed": 0.01}})
    tasks = engine.weekly_brief(data.end).tasks
    first = tasks[tasks["rank"] == 1]
    # With item lapses nearly worthless, hardly any list starts with one.
    assert (
        first["signals"].map(lambda s: len(s) > 0 and s[0] == "item_lapsed")
    ).mean() < 0.2
