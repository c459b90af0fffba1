import datetime
import pathlib
import threading
import time

import numpy as np
import pandas as pd
import polars as pl
import pyarrow as pa
import pytest

import salespulse
from salespulse import Engine, SchemaError

from conftest import (
    customers_frame,
    deals_frame,
    orders_frame,
    products_frame,
    reps_frame,
)


def active_customers(engine, as_of):
    return int(engine.kpis(as_of)["customers"].iloc[0])


# ---- every table, every input library -------------------------------------------------------


def test_every_table_from_pandas():
    engine = Engine()
    assert engine.ingest_reps(reps_frame()).accepted == 3
    assert engine.ingest_customers(customers_frame()).accepted == 3
    assert engine.ingest_products(products_frame()).accepted == 3
    report = engine.ingest_orders(orders_frame())
    assert (report.accepted, report.duplicates, report.is_clean) == (6, 0, True)
    assert engine.ingest_deals(deals_frame()).accepted == 2
    stats = engine.stats()
    assert stats["customers"] == 3
    assert stats["products"] == 3
    assert stats["lines"] == 6
    assert stats["orders"] == 5
    assert stats["deals"] == 2
    assert stats["heap_bytes"] > 0


def test_ingest_is_idempotent(orders):
    engine = Engine()
    engine.ingest_orders(orders)
    again = engine.ingest_orders(orders)
    assert (again.accepted, again.duplicates) == (0, 6)
    assert engine.stats()["lines"] == 6


def test_polars_input(orders):
    frame = pl.from_pandas(orders)
    engine = Engine()
    assert engine.ingest_orders(frame).accepted == 6
    customers = pl.from_pandas(customers_frame())
    assert engine.ingest_customers(customers).accepted == 3


def test_polars_dates_and_categoricals(orders):
    frame = pl.from_pandas(orders).with_columns(
        pl.col("date").dt.date(),  # polars Date -> Arrow Date32
        pl.col("customer_id").cast(pl.Categorical),
        pl.col("product_id").cast(pl.Enum(["P1", "P2", "P3"])),
    )
    engine = Engine()
    report = engine.ingest_orders(frame)
    assert report.accepted == 6, report
    assert active_customers(engine, "2024-03-31") == 3


def test_pyarrow_table_reader_and_batch(orders):
    table = pa.Table.from_pandas(orders, preserve_index=False)
    assert Engine().ingest_orders(table).accepted == 6
    assert Engine().ingest_orders(table.to_reader()).accepted == 6
    assert Engine().ingest_orders(table.to_batches()[0]).accepted == 6


def test_pandas_object_strings_and_python_dates():
    frame = orders_frame()
    frame["date"] = [d.date() for d in frame["date"]]  # object column of datetime.date
    frame["order_id"] = frame["order_id"].astype(object)
    frame["customer_id"] = frame["customer_id"].astype("string[pyarrow]")
    engine = Engine()
    assert engine.ingest_orders(frame).accepted == 6


def test_iso_text_dates_and_integer_ids():
    frame = orders_frame()
    frame["date"] = frame["date"].dt.strftime("%Y-%m-%d")
    frame["customer_id"] = [101, 101, 102, 103, 101, 102]
    engine = Engine()
    assert engine.ingest_orders(frame).accepted == 6
    assert engine.stats()["customers"] == 3


def test_day_first_text_dates():
    frame = orders_frame()
    frame["date"] = frame["date"].dt.strftime("%d/%m/%Y")
    report = Engine().ingest_orders(frame)
    assert report.accepted == 0
    assert "day_first" in report.rejected["reason"].iloc[0]
    assert Engine().ingest_orders(frame, date_format="day_first").accepted == 6


def test_pandas_categorical_strings(customers):
    customers["segment"] = customers["segment"].astype("category")
    customers["region"] = pd.Categorical(["North", None, "North"])
    engine = Engine()
    assert engine.ingest_customers(customers).accepted == 3
    engine.ingest_orders(orders_frame())
    by_segment = engine.kpis("2024-03-31", by="segment")
    assert list(by_segment["segment"]) == ["Horeca", "Retail"]
    by_region = engine.kpis("2024-03-31", by="region")
    assert by_region["region"].isna().sum() == 1


# ---- timestamps and zones --------------------------------------------------------------------


def one_order(date) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "order_id": ["SO-1"],
            "customer_id": ["C1"],
            "product_id": ["P1"],
            "date": date,
            "quantity": [1.0],
            "net_amount": [10.0],
        }
    )


def test_zone_aware_timestamps_take_the_date_in_the_engine_zone():
    # 23:30 UTC on March 31 is already April 1 in Jerusalem.
    utc = pd.to_datetime(["2024-03-31T23:30:00Z"])
    engine = Engine({"timezone": "Asia/Jerusalem"})
    assert engine.ingest_orders(one_order(utc)).accepted == 1
    assert active_customers(engine, "2024-03-31") == 0
    assert active_customers(engine, "2024-04-01") == 1
    # The same instant given in New York's zone is the same instant.
    ny = utc.tz_convert("America/New_York")
    engine = Engine({"timezone": "Asia/Jerusalem"})
    engine.ingest_orders(one_order(ny))
    assert active_customers(engine, "2024-03-31") == 0
    # In a UTC engine it is still March 31.
    engine = Engine()
    engine.ingest_orders(one_order(utc))
    assert active_customers(engine, "2024-03-31") == 1


def test_naive_timestamps_keep_their_wall_clock_date():
    naive = pd.to_datetime(["2024-03-31T23:30:00"])
    engine = Engine({"timezone": "Asia/Jerusalem"})
    engine.ingest_orders(one_order(naive))
    assert active_customers(engine, "2024-03-31") == 1


@pytest.mark.parametrize("unit", ["s", "ms", "us", "ns"])
def test_every_timestamp_unit(unit):
    stamps = pa.array([datetime.datetime(2024, 3, 31, 23, 30)], pa.timestamp(unit, tz="UTC"))
    table = pa.table(
        {
            "order_id": ["SO-1"],
            "customer_id": ["C1"],
            "product_id": ["P1"],
            "date": stamps,
            "quantity": [1.0],
            "net_amount": [10.0],
        }
    )
    engine = Engine({"timezone": "Asia/Jerusalem"})
    assert engine.ingest_orders(table).accepted == 1
    assert active_customers(engine, "2024-04-01") == 1
    assert active_customers(engine, "2024-03-31") == 0


def test_polars_zoned_datetimes():
    frame = pl.from_pandas(one_order(pd.to_datetime(["2024-03-31T23:30:00Z"])))
    frame = frame.with_columns(pl.col("date").dt.convert_time_zone("Europe/Berlin"))
    engine = Engine({"timezone": "Asia/Jerusalem"})
    engine.ingest_orders(frame)
    assert active_customers(engine, "2024-04-01") == 1


# ---- bad inputs ------------------------------------------------------------------------------


def test_missing_column_is_a_schema_error_naming_it(orders):
    engine = Engine()
    with pytest.raises(SchemaError) as info:
        engine.ingest_orders(orders.drop(columns=["net_amount"]))
    assert '"net_amount"' in str(info.value)
    assert engine.stats()["lines"] == 0
    with pytest.raises(SchemaError, match="customer_id"):
        engine.ingest_customers(pd.DataFrame({"segment": ["Retail"]}))


def test_empty_tables_are_checked_too(orders):
    engine = Engine()
    assert engine.ingest_orders(orders.iloc[:0]).accepted == 0
    with pytest.raises(SchemaError, match="net_amount"):
        engine.ingest_orders(orders.drop(columns=["net_amount"]).iloc[:0])


def test_mapping_renames_columns(orders):
    renamed = orders.rename(columns={"customer_id": "CustomerID", "net_amount": "Sales"})
    engine = Engine()
    report = engine.ingest_orders(renamed, mapping={"net_amount": "Sales"})
    # "CustomerID" is found without a mapping (case and punctuation are ignored).
    assert report.accepted == 6
    with pytest.raises(SchemaError, match="Umsatz"):
        Engine().ingest_orders(renamed, mapping={"net_amount": "Umsatz"})
    with pytest.raises(SchemaError, match="not a column"):
        Engine().ingest_orders(renamed, mapping={"turnover": "Sales"})


def test_bad_rows_are_rejected_and_good_rows_kept(orders):
    orders.loc[1, "quantity"] = np.nan
    orders.loc[3, "customer_id"] = None
    orders.loc[4, "net_amount"] = -29.7  # opposite sign to the quantity
    dates = orders["date"].astype(object)
    dates[5] = "next tuesday"
    orders["date"] = dates.astype(str)
    engine = Engine()
    report = engine.ingest_orders(orders)
    assert report.accepted == 2
    rejected = report.rejected
    assert list(rejected.columns) == ["row", "column", "reason"]
    assert list(rejected["row"]) == [1, 3, 4, 5]
    assert list(rejected["column"]) == ["quantity", "customer_id", "net_amount", "date"]
    assert all(isinstance(r, str) and r for r in rejected["reason"])
    assert "next tuesday" in rejected["reason"].iloc[3]
    assert engine.stats()["lines"] == 2
    text = repr(report)
    assert "2 accepted" in text and "4 rejected" in text and "row 1, quantity" in text
    assert report.to_dict() == {"accepted": 2, "duplicates": 0, "rejected": 4}
    assert isinstance(report.rejected_as("polars"), pl.DataFrame)
    assert isinstance(report.rejected_as("arrow"), pa.Table)


def test_rejected_rows_count_across_record_batches(orders):
    table = pa.Table.from_pandas(orders, preserve_index=False)
    quantity = table.column("quantity").to_pylist()
    quantity[4] = float("nan")
    table = table.set_column(table.schema.get_field_index("quantity"), "quantity", pa.array(quantity))
    reader = pa.RecordBatchReader.from_batches(table.schema, table.to_batches(max_chunksize=2))
    report = Engine().ingest_orders(reader)
    assert report.accepted == 5
    assert list(report.rejected["row"]) == [4]


def test_unreadable_column_type_is_a_schema_error_naming_it(orders):
    table = pa.Table.from_pandas(orders, preserve_index=False)
    lists = pa.array([["x"]] * len(orders))
    as_customer = table.set_column(1, "customer_id", lists)
    with pytest.raises(SchemaError) as info:
        Engine().ingest_orders(as_customer)
    assert "customer_id" in str(info.value) and "List" in str(info.value)
    # An extra column of that type that the table does not use is ignored.
    assert Engine().ingest_orders(table.append_column("tags", lists)).accepted == 6


def test_mixed_object_column_is_a_schema_error(orders):
    orders["customer_id"] = ["C1", 2, "C3", 4.5, "C1", "C2"]
    orders["customer_id"] = orders["customer_id"].astype(object)
    with pytest.raises(SchemaError, match="customer_id"):
        Engine().ingest_orders(orders)


def test_not_a_table_is_a_type_error():
    with pytest.raises(TypeError, match="__arrow_c_stream__"):
        Engine().ingest_orders([{"order_id": "SO-1"}])
    with pytest.raises(TypeError, match="collect"):
        Engine().ingest_orders(pl.from_pandas(orders_frame()).lazy())


def test_bad_date_format_is_an_invalid_argument(orders):
    with pytest.raises(salespulse.InvalidArgumentError, match="date_format"):
        Engine().ingest_orders(orders, date_format="yyyy")


# ---- CSV files -------------------------------------------------------------------------------


def test_csv_paths(tmp_path: pathlib.Path, orders):
    path = tmp_path / "orders.csv"
    orders.to_csv(path, index=False)
    engine = Engine()
    assert engine.ingest_orders(path).accepted == 6
    assert engine.ingest_orders(str(path)).duplicates == 6


def test_csv_delimiter_and_encoding(tmp_path: pathlib.Path):
    path = tmp_path / "customers.csv"
    path.write_bytes("customer_id;name\r\nC1;Café Müller\r\nC2;Señor\r\n".encode("cp1252"))
    engine = Engine()
    report = engine.ingest_customers(path, delimiter=";", encoding="windows-1252")
    assert report.accepted == 2
    with pytest.raises(salespulse.InvalidArgumentError, match="delimiter"):
        engine.ingest_customers(path, delimiter=";;")
    with pytest.raises(salespulse.InvalidArgumentError, match="encoding"):
        engine.ingest_customers(path, encoding="ebcdic")


def test_csv_bad_rows_keep_their_file_row_index(tmp_path: pathlib.Path):
    path = tmp_path / "orders.csv"
    path.write_text(
        "order_id,customer_id,product_id,date,quantity,net_amount\n"
        "SO-1,C1,P1,2024-03-01,1,10\n"
        "SO-2,C2,P1,2024-03-02,abc,10\n"
    )
    report = Engine().ingest_orders(path)
    assert report.accepted == 1
    assert list(report.rejected["row"]) == [1]


def test_missing_csv_file_is_an_io_error(tmp_path: pathlib.Path):
    with pytest.raises(salespulse.IoError) as info:
        Engine().ingest_orders(tmp_path / "nope.csv")
    assert isinstance(info.value, OSError)
    assert isinstance(info.value, salespulse.Error)
    assert info.value.errno == 2
    assert info.value.filename.endswith("nope.csv")
    assert "nope.csv" in str(info.value)


# ---- the GIL ---------------------------------------------------------------------------------


def test_ingest_releases_the_gil():
    n = 200_000
    table = pa.table(
        {
            "order_id": [f"SO-{i}" for i in range(n)],
            "customer_id": [f"C{i % 5000}" for i in range(n)],
            "product_id": [f"P{i % 300}" for i in range(n)],
            "date": pa.array(np.full(n, 19_800, dtype="int32"), pa.date32()),
            "quantity": np.ones(n),
            "net_amount": np.full(n, 9.5),
        }
    )
    ticks = 0
    stop = False

    def tick():
        nonlocal ticks
        while not stop:
            ticks += 1
            time.sleep(0)

    thread = threading.Thread(target=tick)
    thread.start()
    try:
        time.sleep(0.05)
        before = ticks
        started = time.perf_counter()
        report = Engine().ingest_orders(table)
        elapsed = time.perf_counter() - started
        during = ticks - before
    finally:
        stop = True
        thread.join()
    assert report.accepted == n
    # Holding the GIL for the whole call would leave the other thread at most a few ticks.
    if elapsed > 0.05:
        assert during > 100, (during, elapsed)
