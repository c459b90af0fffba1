import pytest

import salespulse

SUBCLASSES = [
    "SchemaError",
    "ConfigError",
    "SnapshotError",
    "MergeError",
    "CsvError",
    "InvalidArgumentError",
    "IoError",
]


def test_hierarchy():
    assert issubclass(salespulse.Error, Exception)
    for name in SUBCLASSES:
        cls = getattr(salespulse, name)
        assert issubclass(cls, salespulse.Error), name
        assert cls.__module__ == "salespulse"
        assert cls.__doc__
    assert issubclass(salespulse.IoError, OSError)
    assert issubclass(salespulse.InvalidArgumentError, ValueError)


def test_each_error_is_raised_with_the_core_message(tmp_path):
    import pandas as pd

    engine = salespulse.Engine()
    with pytest.raises(salespulse.SchemaError, match="rep_id"):
        engine.ingest_reps(pd.DataFrame({"x": [1]}))
    with pytest.raises(salespulse.ConfigError, match="invalid configuration"):
        salespulse.Engine({"tasks_per_rep": 1})
    with pytest.raises(salespulse.SnapshotError, match="cannot restore snapshot"):
        salespulse.Engine.restore(b"junk")
    with pytest.raises(salespulse.MergeError, match="cannot merge engines"):
        engine.merge(salespulse.Engine({"horizon_days": 10}))
    with pytest.raises(salespulse.InvalidArgumentError, match="invalid argument"):
        engine.kpis("2024-01-01", by="nope")
    with pytest.raises(salespulse.IoError, match="cannot read"):
        engine.ingest_orders(str(tmp_path / "missing.csv"))
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    with pytest.raises(salespulse.Error):
        engine.ingest_orders(empty)


def test_csv_error(tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_bytes(b"\xff\xfe\x00\x00")
    with pytest.raises(salespulse.CsvError):
        salespulse.Engine().ingest_orders(bad, encoding="utf-8")


def test_errors_can_be_caught_by_the_base_class():
    try:
        salespulse.Engine({"week_start": "caturday"})
    except salespulse.Error as e:
        assert type(e).__name__ == "ConfigError"
    else:  # pragma: no cover
        pytest.fail("no error")
