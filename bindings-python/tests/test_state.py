import pickle

import pandas as pd
import pytest

import salespulse
from salespulse import Engine, MergeError, SnapshotError


def counts(engine):
    """The stats without heap_bytes, which depends on spare capacity."""
    return {k: v for k, v in engine.stats().items() if k != "heap_bytes"}

from conftest import orders_frame


def test_snapshot_round_trip(loaded):
    data = loaded.snapshot()
    assert isinstance(data, bytes) and len(data) > 0
    restored = Engine.restore(data)
    assert isinstance(restored, Engine)
    assert counts(restored) == counts(loaded)
    assert restored.config == loaded.config
    pd.testing.assert_frame_equal(
        restored.kpis("2024-03-31", by="segment"), loaded.kpis("2024-03-31", by="segment")
    )
    # bytearray and memoryview work as well; the restored engine goes on ingesting.
    assert counts(Engine.restore(bytearray(data))) == counts(loaded)
    assert counts(Engine.restore(memoryview(data))) == counts(loaded)
    assert restored.ingest_orders(orders_frame()).duplicates == 6


def test_snapshot_keeps_the_config():
    engine = Engine({"timezone": "Europe/Berlin", "tasks_per_rep": 5})
    assert Engine.restore(engine.snapshot()).config.timezone == "Europe/Berlin"


@pytest.mark.parametrize(
    "mangle",
    [
        lambda b: b"",
        lambda b: b"not a snapshot at all",
        lambda b: b[: len(b) // 2],
        lambda b: b[:-1] + bytes([b[-1] ^ 0xFF]),
        lambda b: b[:20] + bytes([b[20] ^ 0x01]) + b[21:],
    ],
)
def test_corrupt_snapshot_is_a_snapshot_error(loaded, mangle):
    with pytest.raises(SnapshotError) as info:
        Engine.restore(mangle(loaded.snapshot()))
    assert str(info.value)


def test_restore_wants_bytes():
    with pytest.raises(SnapshotError, match="bytes"):
        Engine.restore(12345)


def test_pickle(loaded):
    clone = pickle.loads(pickle.dumps(loaded))
    assert counts(clone) == counts(loaded)


def split_orders():
    orders = orders_frame()
    return orders[orders.customer_id == "C1"], orders[orders.customer_id != "C1"]


def test_merge_disjoint_partitions():
    first, second = split_orders()
    a, b = Engine(), Engine()
    a.ingest_orders(first)
    b.ingest_orders(second)
    a.merge(b)
    whole = Engine()
    whole.ingest_orders(orders_frame())
    assert a.stats()["lines"] == whole.stats()["lines"]
    assert a.stats()["customers"] == 3
    pd.testing.assert_frame_equal(a.kpis("2024-03-31"), whole.kpis("2024-03-31"))
    # The other engine is left as it was.
    assert b.stats()["customers"] == 2


def test_merge_overlapping_is_a_merge_error_and_changes_nothing():
    a, b = Engine(), Engine()
    a.ingest_orders(orders_frame())
    b.ingest_orders(orders_frame())
    before = a.stats()
    with pytest.raises(MergeError):
        a.merge(b)
    assert a.stats() == before


def test_merge_needs_the_same_config_and_another_engine():
    with pytest.raises(MergeError, match="configuration"):
        Engine().merge(Engine({"timezone": "Europe/Berlin"}))
    engine = Engine()
    with pytest.raises(MergeError, match="itself"):
        engine.merge(engine)
    with pytest.raises(TypeError):
        engine.merge("not an engine")


def test_stats_and_repr(loaded):
    stats = loaded.stats()
    assert set(stats) == {
        "customers", "products", "reps", "pairs", "lines", "orders", "deals", "heap_bytes"
    }
    assert "3 customers" in repr(loaded)
