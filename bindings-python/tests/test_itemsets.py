"""frequent_itemsets and association_rules: inputs, outputs and errors, and the groceries data
against the mlxtend 0.25 fixture (tests/fixtures/itemsets, made by make_mlxtend_fixture.py)."""

from __future__ import annotations

import math
import pathlib

import pandas as pd
import polars as pl
import pyarrow as pa
import pytest
import salespulse
from salespulse import InvalidArgumentError, SchemaError

REPO = pathlib.Path(__file__).resolve().parents[2]
FIXTURES = REPO / "tests" / "fixtures" / "itemsets"
GROCERIES = (
    REPO.parent / "shared" / "data" / "groceries-kaggle" / "Groceries_dataset.csv"
)

METRICS = [
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

RECEIPTS = [["beer", "chips", "salsa"], ["beer", "chips"], ["chips", "salsa"], ["milk"]]


def as_dict(frame: pd.DataFrame) -> dict:
    return dict(zip(frame["itemsets"], frame["support"]))


def test_lists_in_frozensets_out():
    sets = salespulse.frequent_itemsets(RECEIPTS, 0.5)
    assert list(sets.columns) == ["support", "itemsets"]
    assert as_dict(sets) == {
        frozenset({"chips"}): 0.75,
        frozenset({"beer"}): 0.5,
        frozenset({"salsa"}): 0.5,
        frozenset({"beer", "chips"}): 0.5,
        frozenset({"chips", "salsa"}): 0.5,
    }


def test_rules_as_mlxtend_columns():
    sets = salespulse.frequent_itemsets(RECEIPTS, 0.5)
    rules = salespulse.association_rules(sets, metric="confidence", min_threshold=0.8)
    assert list(rules.columns) == ["antecedents", "consequents", *METRICS]
    assert list(rules["antecedents"]) == [frozenset({"beer"}), frozenset({"salsa"})]
    assert list(rules["consequents"]) == [frozenset({"chips"})] * 2
    assert rules["confidence"].tolist() == [1.0, 1.0]
    assert rules["conviction"].tolist() == [math.inf, math.inf]
    assert rules["lift"].iloc[0] == pytest.approx(1 / 0.75)


def test_table_input_with_basket_columns_and_int_items():
    table = pd.DataFrame(
        {
            "member": [1, 1, 2, 2, 3],
            "day": ["d1", "d1", "d1", "d1", "d2"],
            "sku": [10, 20, 10, 20, 10],
        }
    )
    sets = salespulse.frequent_itemsets(
        table, 0.6, basket_col=["member", "day"], item_col="sku"
    )
    assert as_dict(sets) == {
        frozenset({"10"}): 1.0,
        frozenset({"20"}): pytest.approx(2 / 3),
        frozenset({"10", "20"}): pytest.approx(2 / 3),
    }
    default_names = table.rename(columns={"member": "basket_id", "sku": "item"})
    assert len(salespulse.frequent_itemsets(default_names, 0.6)) == 3


def test_max_len_and_polars_and_arrow_outputs():
    baskets = [["a", "b", "c"]] * 3
    assert len(salespulse.frequent_itemsets(baskets, 0.5)) == 7
    assert len(salespulse.frequent_itemsets(baskets, 0.5, max_len=2)) == 6
    polars = salespulse.frequent_itemsets(baskets, 0.5, to="polars")
    assert isinstance(polars, pl.DataFrame)
    assert polars["itemsets"].dtype == pl.List(pl.String)
    arrow = salespulse.frequent_itemsets(baskets, 0.5, to="arrow")
    assert isinstance(arrow, pa.Table)
    # Polars and Arrow tables go back in as they are.
    for sets in (polars, arrow):
        rules = salespulse.association_rules(
            sets, metric="lift", min_threshold=0.0, to="polars"
        )
        assert rules.height == 12


def test_empty_inputs():
    sets = salespulse.frequent_itemsets([], 0.5)
    assert len(sets) == 0 and list(sets.columns) == ["support", "itemsets"]
    rules = salespulse.association_rules(sets)
    assert len(rules) == 0 and list(rules.columns) == [
        "antecedents",
        "consequents",
        *METRICS,
    ]


def test_bad_arguments_raise_typed_errors():
    with pytest.raises(InvalidArgumentError, match=r"\(0, 1\]"):
        salespulse.frequent_itemsets(RECEIPTS, 0.0)
    with pytest.raises(InvalidArgumentError, match=r"\(0, 1\]"):
        salespulse.frequent_itemsets(RECEIPTS, 1.5)
    with pytest.raises(InvalidArgumentError, match="max_len"):
        salespulse.frequent_itemsets(RECEIPTS, 0.5, max_len=0)
    with pytest.raises(InvalidArgumentError, match="list of items"):
        salespulse.frequent_itemsets(["beer", "chips"], 0.5)
    with pytest.raises(SchemaError, match="basket_id"):
        salespulse.frequent_itemsets(pd.DataFrame({"item": ["a"]}), 0.5)
    sets = salespulse.frequent_itemsets(RECEIPTS, 0.5)
    with pytest.raises(InvalidArgumentError, match="kulczynski"):
        salespulse.association_rules(sets, metric="Lift")
    with pytest.raises(InvalidArgumentError, match="missing"):
        salespulse.association_rules(
            sets[sets["itemsets"].map(len) > 1], min_threshold=0.0
        )
    with pytest.raises(SchemaError, match="itemsets"):
        salespulse.association_rules(pd.DataFrame({"support": [0.5]}))


def read_fixture(name: str) -> pd.DataFrame:
    return pd.read_csv(FIXTURES / name, dtype=str, keep_default_na=False)


def joined(items) -> str:
    return "|".join(sorted(items))


@pytest.mark.skipif(
    not GROCERIES.exists(), reason="needs ../shared/data/groceries-kaggle"
)
def test_groceries_equal_mlxtend_fixture():
    rows = pd.read_csv(GROCERIES)
    sets = salespulse.frequent_itemsets(
        rows, 0.001, basket_col=["Member_number", "Date"], item_col="itemDescription"
    )
    want = read_fixture("groceries_itemsets.csv")
    assert {joined(s): v for s, v in as_dict(sets).items()} == {
        s: float(v) for s, v in zip(want["itemset"], want["support"])
    }
    rules = salespulse.association_rules(sets, metric="confidence", min_threshold=0.1)
    expected = read_fixture("groceries_rules.csv")
    expected.index = [
        (a, c) for a, c in zip(expected["antecedents"], expected["consequents"])
    ]
    rules.index = [
        (joined(a), joined(c))
        for a, c in zip(rules["antecedents"], rules["consequents"])
    ]
    assert sorted(rules.index) == sorted(expected.index)
    for metric in METRICS:
        ours = rules[metric].loc[expected.index].to_numpy()
        theirs = expected[metric].astype(float).to_numpy()
        assert ours == pytest.approx(theirs, rel=0, abs=1e-9), metric
