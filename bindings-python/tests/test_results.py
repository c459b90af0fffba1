import datetime

import numpy as np
import pandas as pd
import polars as pl
import pyarrow as pa
import pytest

import salespulse
from salespulse import Engine, InvalidArgumentError


def test_kpis_as_pandas_by_default(loaded):
    kpis = loaded.kpis("2024-03-31")
    assert isinstance(kpis, pd.DataFrame)
    assert len(kpis) == 1
    row = kpis.iloc[0]
    assert row["customers"] == 3
    assert row["active_customers"] == 3
    assert row["net_revenue"] == pytest.approx(19.8 + 7.5 + 49.5 + 12.0 + 29.7 + 15.0)
    assert pd.Timestamp(row["as_of"]) == pd.Timestamp("2024-03-31")
    assert kpis["as_of"].dtype.kind == "M"


def test_kpis_to_polars_and_arrow(loaded):
    as_polars = loaded.kpis("2024-03-31", to="polars")
    assert isinstance(as_polars, pl.DataFrame)
    assert as_polars["as_of"].dtype == pl.Date
    as_arrow = loaded.kpis("2024-03-31", to="arrow")
    assert isinstance(as_arrow, pa.Table)
    assert as_arrow.schema.field("as_of").type == pa.date32()
    assert as_arrow.column("customers").to_pylist() == [3]


@pytest.mark.parametrize("by, column, groups", [
    ("rep", "rep_id", ["R1", "R2"]),
    ("segment", "segment", ["Horeca", "Retail"]),
    ("region", "region", ["North", "South"]),
])
def test_kpis_by_group(loaded, by, column, groups):
    kpis = loaded.kpis("2024-03-31", by=by)
    assert list(kpis[column]) == groups
    assert kpis["customers"].sum() == 3


@pytest.mark.parametrize(
    "as_of",
    [
        "2024-03-31",
        "20240331",
        "2024-03-31T10:00:00",
        datetime.date(2024, 3, 31),
        datetime.datetime(2024, 3, 31, 18, 0),
        pd.Timestamp("2024-03-31"),
        np.datetime64("2024-03-31"),
        np.datetime64("2024-03-31T12:00:00.123456789"),
    ],
)
def test_as_of_forms(loaded, as_of):
    kpis = loaded.kpis(as_of, to="arrow")
    assert kpis.column("as_of").to_pylist() == [datetime.date(2024, 3, 31)]


def test_aware_as_of_is_converted_to_the_engine_zone():
    engine = Engine({"timezone": "Asia/Jerusalem"})
    late = pd.Timestamp("2024-03-31T23:30:00Z")
    kpis = engine.kpis(late, to="arrow")
    assert kpis.column("as_of").to_pylist() == [datetime.date(2024, 4, 1)]
    aware = datetime.datetime(2024, 3, 31, 23, 30, tzinfo=datetime.timezone.utc)
    assert engine.kpis(aware, to="arrow").column("as_of").to_pylist() == [
        datetime.date(2024, 4, 1)
    ]


@pytest.mark.parametrize("as_of", ["next tuesday", "03/31/2024", 20240331.5, None, pd.NaT])
def test_bad_as_of_is_an_invalid_argument(loaded, as_of):
    with pytest.raises(InvalidArgumentError, match="as_of"):
        loaded.kpis(as_of)


def test_bad_by_and_to_are_invalid_arguments(loaded):
    with pytest.raises(InvalidArgumentError, match="by"):
        loaded.kpis("2024-03-31", by="planet")
    with pytest.raises(InvalidArgumentError, match="to"):
        loaded.kpis("2024-03-31", to="excel")
    with pytest.raises(ValueError):  # InvalidArgumentError is a ValueError too
        loaded.kpis("2024-03-31", to="excel")


def test_empty_engine_kpis():
    kpis = Engine().kpis("2024-03-31")
    assert kpis["customers"].iloc[0] == 0
    assert Engine().clock is None
