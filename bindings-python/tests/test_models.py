"""The models that stand alone: rfm_summary, BetaGeo, ModifiedBetaGeo, ParetoNBD, GammaGamma.

Reference values: the published CDNOW fits (../shared/data/cdnow/PROVENANCE.md) and lifetimes
0.11.3 on the same data (tests/fixtures/btyd, made by make_lifetimes_fixture.py).
"""

from __future__ import annotations

import inspect
import json
import pathlib

import numpy as np
import pandas as pd
import polars as pl
import pyarrow as pa
import pytest

import salespulse
from salespulse import (
    BetaGeo,
    Error,
    GammaGamma,
    InvalidArgumentError,
    ModifiedBetaGeo,
    ParetoNBD,
    SchemaError,
)

REPO = pathlib.Path(__file__).resolve().parents[2]
FIXTURES = REPO / "tests" / "fixtures" / "btyd"
CDNOW = REPO.parent / "shared" / "data" / "cdnow"

# Fader, Hardie & Lee (2005), as listed in PROVENANCE.md and tests/btyd.rs.
PUBLISHED = {
    "bg": ({"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426}, -9582.4),
    "pnbd": ({"r": 0.553, "alpha": 10.578, "s": 0.606, "beta": 11.669}, -9595.0),
    "gg": ({"p": 6.25, "q": 3.74, "v": 15.44}, None),
}
MODELS = {"bg": BetaGeo, "mbg": ModifiedBetaGeo, "pnbd": ParetoNBD}


@pytest.fixture(scope="module")
def summary() -> pd.DataFrame:
    """The 39-week calibration summary of the CDNOW sample (2,357 customers, in weeks)."""
    return pd.read_csv(CDNOW / "cdnow_customers_summary.csv")


@pytest.fixture(scope="module")
def spend() -> pd.DataFrame:
    return pd.read_csv(CDNOW / "cdnow_customers_summary_with_transactions.csv")


@pytest.fixture(scope="module")
def lifetimes() -> dict:
    return json.loads((FIXTURES / "lifetimes_cdnow_params.json").read_text())


@pytest.fixture(scope="module")
def predictions() -> pd.DataFrame:
    return pd.read_csv(FIXTURES / "lifetimes_cdnow_predictions.csv")


@pytest.fixture(scope="module")
def transactions() -> pd.DataFrame:
    """CDNOW_sample.txt: 6,919 transactions of the 2,357 sampled customers."""
    t = pd.read_csv(
        CDNOW / "CDNOW_sample.txt",
        sep=r"\s+",
        header=None,
        names=["customer", "sample_id", "date", "cds", "dollars"],
    )
    t["yyyymmdd"] = t["date"]
    t["date"] = pd.to_datetime(t["date"].astype(str), format="%Y%m%d")
    return t


def within(got: dict, want: dict, rel: float) -> None:
    assert got.keys() == want.keys()
    for name, value in want.items():
        assert got[name] == pytest.approx(value, rel=rel), name


def columns(df: pd.DataFrame):
    return df["frequency"], df["recency"], df["T"]


# ---------------------------------------------------------------- fits against published values


@pytest.mark.parametrize("key", ["bg", "pnbd"])
def test_transaction_models_match_the_published_cdnow_fits(summary, lifetimes, key):
    model = MODELS[key]().fit(*columns(summary))
    params, log_likelihood = PUBLISHED[key]
    within(model.params, params, 0.005)
    assert model.log_likelihood == pytest.approx(log_likelihood, abs=0.05)
    assert list(model.params) == list(lifetimes[key]["params"])
    errors = model.standard_errors
    assert all(e is not None and 0 < e for e in errors.values())
    if lifetimes[key]["std_errors"]:
        within(errors, lifetimes[key]["std_errors"], 0.005)


def test_modified_beta_geo_matches_lifetimes(summary, lifetimes):
    model = ModifiedBetaGeo().fit(*columns(summary))
    within(model.params, lifetimes["mbg"]["params"], 0.005)
    within(model.standard_errors, lifetimes["mbg"]["std_errors"], 0.005)
    assert model.log_likelihood == pytest.approx(lifetimes["mbg"]["log_likelihood"], abs=1e-3)


def test_gamma_gamma_matches_the_published_cdnow_fit(spend, lifetimes):
    model = GammaGamma().fit(spend["x"], spend["zbar"])  # x = 0 rows are skipped
    within(model.params, PUBLISHED["gg"][0], 0.005)
    within(model.params, lifetimes["gg"]["params"], 1e-3)
    within(model.standard_errors, lifetimes["gg"]["std_errors"], 0.005)
    assert model.log_likelihood == pytest.approx(lifetimes["gg"]["log_likelihood"], abs=1e-3)
    assert "946 customers" in repr(model)


def test_summary_is_a_lifetimes_style_table(summary):
    table = BetaGeo().fit(*columns(summary)).summary
    assert list(table.index) == ["r", "alpha", "a", "b"]
    assert list(table.columns) == ["coef", "se(coef)", "lower 95% bound", "upper 95% bound"]
    row = table.loc["alpha"]
    assert row["lower 95% bound"] == pytest.approx(row["coef"] - 1.959964 * row["se(coef)"])


# ---------------------------------------------------------- predictions at lifetimes' parameters


@pytest.mark.parametrize("key", ["bg", "mbg", "pnbd"])
def test_predictions_equal_lifetimes_at_its_parameters(summary, predictions, lifetimes, key):
    model = MODELS[key].from_params(lifetimes[key]["params"])
    f, r, t = columns(summary)
    got = {
        "p_alive": model.p_alive(f, r, t),
        "exp_10": model.expected_purchases(10, f, r, t),
        "exp_52": model.expected_purchases(52, f, r, t),
    }
    for name, values in got.items():
        assert isinstance(values, np.ndarray) and values.dtype == np.float64
        want = predictions[f"{key}_{name}"].to_numpy()
        np.testing.assert_allclose(values, want, rtol=0, atol=1e-6, err_msg=f"{key} {name}")
    new = model.expected_purchases_new_customer(np.array([10.0, 52.0]))
    want = [lifetimes[key]["new_customer"][h] for h in ("10", "52")]
    np.testing.assert_allclose(new, want, rtol=0, atol=1e-9)
    assert model.standard_errors == dict.fromkeys(model.params)
    with pytest.raises(Error, match="given parameters"):
        model.log_likelihood


def test_spend_and_clv_equal_lifetimes(spend, predictions, lifetimes):
    gg = GammaGamma.from_params(lifetimes["gg"]["params"])
    bg = BetaGeo.from_params(lifetimes["bg"]["params"])
    x, m = spend["x"], spend["zbar"]
    np.testing.assert_allclose(
        gg.expected_spend(x, m), predictions["gg_spend"], rtol=1e-12, atol=1e-9
    )
    clv = gg.clv(bg, x, spend["t_x"], spend["T"], m, months=12, discount_rate=0.01, time_unit="W")
    np.testing.assert_allclose(clv, predictions["gg_clv_bg"], rtol=0, atol=1e-6)


def test_per_customer_horizons_and_scalars(summary):
    bg = BetaGeo.from_params({"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426})
    f, r, t = columns(summary)
    horizons = np.full(len(f), 52.0)
    np.testing.assert_array_equal(
        bg.expected_purchases(horizons, f, r, t), bg.expected_purchases(52, f, r, t)
    )
    one = bg.p_alive(2, 30.43, 38.86)
    assert isinstance(one, float) and one == pytest.approx(0.7266, abs=1e-4)
    # A single number stands for every row, as numpy broadcasts a scalar.
    end = np.full(len(f), t.max())
    np.testing.assert_array_equal(bg.p_alive(f, r, t.max()), bg.p_alive(f, r, end))
    out = bg.p_alive([1, 2], [5, 6], [10, 10])
    out += 1  # results are ordinary, writable numpy arrays
    assert isinstance(bg.expected_purchases_new_customer(10), float)


# ----------------------------------------------------------------------------- input kinds


def test_every_column_kind_fits_the_same(summary):
    f, r, t = columns(summary)
    reference = BetaGeo().fit(f, r, t).params
    kinds = [
        (f.to_numpy(), r.to_numpy(), t.to_numpy()),
        (f.tolist(), r.tolist(), t.tolist()),
        (pl.Series(f), pl.Series(r), pl.Series(t)),
        (pa.array(f), pa.chunked_array([r[:1000], r[1000:]]), pa.array(t)),
        (f.astype("int64"), r.astype("Float64"), tuple(t)),
    ]
    for kind in kinds:
        assert BetaGeo().fit(*kind).params == reference
    twice = BetaGeo().fit(f, r, t, weights=np.full(len(f), 2.0))
    within(twice.params, reference, 1e-6)


def test_fit_returns_the_model_and_refits():
    model = BetaGeo()
    f, r, t = [2, 1, 0, 0, 4, 0, 7, 1], [30.4, 1.7, 0, 0, 30.9, 0, 35.0, 12.0], 38.9
    assert model.fit(f, r, t) is model
    first = model.params
    model.fit(f[:6], r[:6], t)
    assert model.params != first


def test_options_and_initial_params(summary, lifetimes):
    start = lifetimes["bg"]["params"]
    for initial in (start, list(start.values()), pd.Series(start)):
        model = BetaGeo(initial_params=initial, max_iterations=500, tolerance=1e-8)
        within(model.fit(*columns(summary)).params, start, 1e-3)
    penalized = BetaGeo(penalizer=0.1).fit(*columns(summary)).params
    assert penalized["a"] < start["a"]
    assert "penalizer=0.1" in repr(BetaGeo(penalizer=0.1))


# ------------------------------------------------------------------------------ bad inputs


def test_length_mismatch_is_named(summary):
    with pytest.raises(InvalidArgumentError, match="recency has 2 rows but frequency has 3"):
        BetaGeo().fit([1, 2, 3], [1, 2], [5, 5, 5])
    with pytest.raises(InvalidArgumentError, match="T has 2 rows but frequency has 3"):
        ParetoNBD().fit([1, 2, 3], [1, 2, 3], [5, 5])
    with pytest.raises(InvalidArgumentError, match="weights has 2 rows"):
        BetaGeo().fit([1, 2, 3], [1, 2, 3], [5, 5, 5], weights=[1, 1])
    bg = BetaGeo.from_params([0.243, 4.414, 0.793, 2.426])
    with pytest.raises(InvalidArgumentError, match="recency has 2 rows but frequency has 3"):
        bg.p_alive([1, 2, 3], [1, 2], [5, 5, 5])
    with pytest.raises(InvalidArgumentError, match="t has 2 rows but frequency has 3"):
        bg.expected_purchases([1, 2], [1, 2, 3], [1, 2, 3], 5)
    gg = GammaGamma.from_params({"p": 6.25, "q": 3.74, "v": 15.44})
    with pytest.raises(InvalidArgumentError, match="monetary_value has 2 rows but frequency has 3"):
        gg.expected_spend([1, 2, 3], [10.0, 20.0])


def test_nan_and_bad_rows_are_errors_naming_the_row(summary):
    f, r, t = (c.to_numpy(dtype=float) for c in columns(summary))
    f[3] = np.nan
    with pytest.raises(InvalidArgumentError, match="row 3: frequency NaN"):
        BetaGeo().fit(f, r, t)
    with pytest.raises(InvalidArgumentError, match="row 1: recency NaN"):
        BetaGeo.from_params([0.243, 4.414, 0.793, 2.426]).p_alive([1, 1], [1, None], [5, 5])
    with pytest.raises(InvalidArgumentError, match="row 0: recency 9 is greater than T 5"):
        ModifiedBetaGeo().fit([1], [9], [5])
    with pytest.raises(InvalidArgumentError, match="row 1"):
        GammaGamma().fit(pd.Series([1, 2], dtype="Float64"), pd.Series([3.0, pd.NA], dtype="Float64"))
    with pytest.raises(InvalidArgumentError, match="repeat purchases"):
        BetaGeo().fit([0, 0], [0, 0], [5, 5])


@pytest.mark.parametrize(
    "value, message",
    [
        ("abc", "frequency must be numbers"),
        (["a", "b"], "frequency must be numbers"),
        (None, "frequency must be numbers"),
        (np.ones((2, 2)), "one-dimensional"),
    ],
)
def test_non_numbers_are_invalid_arguments(value, message):
    with pytest.raises(InvalidArgumentError, match=message):
        BetaGeo().fit(value, [1, 1], [2, 2])


def test_a_fit_that_cannot_converge_raises(summary):
    with pytest.raises(InvalidArgumentError, match="did not converge after 2 iterations"):
        BetaGeo(max_iterations=2).fit(*columns(summary))


def test_predicting_before_fitting_raises_a_clear_error():
    for model, call in [
        (BetaGeo(), lambda m: m.p_alive(1, 1, 2)),
        (ParetoNBD(), lambda m: m.expected_purchases(1, 1, 1, 2)),
        (ModifiedBetaGeo(), lambda m: m.params),
        (GammaGamma(), lambda m: m.expected_spend(1, 10.0)),
    ]:
        with pytest.raises(Error, match=r"is not fitted yet: call \.fit\("):
            call(model)
    gg = GammaGamma.from_params({"p": 6.25, "q": 3.74, "v": 15.44})
    with pytest.raises(Error, match="BetaGeo is not fitted"):
        gg.clv(BetaGeo(), 1, 1, 2, 10.0)
    assert "not fitted" in repr(BetaGeo())


def test_bad_options_are_refused_when_the_model_is_made():
    with pytest.raises(InvalidArgumentError, match="penalizer -1"):
        BetaGeo(penalizer=-1)
    with pytest.raises(InvalidArgumentError, match="max_iterations"):
        ParetoNBD(max_iterations=0)
    with pytest.raises(InvalidArgumentError, match="tolerance"):
        GammaGamma(tolerance=float("nan"))
    with pytest.raises(InvalidArgumentError, match='"alpha" is missing'):
        BetaGeo(initial_params={"r": 1.0})
    with pytest.raises(InvalidArgumentError, match='unknown parameter "s"'):
        BetaGeo.from_params({"r": 1, "alpha": 1, "a": 1, "b": 1, "s": 1})
    with pytest.raises(InvalidArgumentError, match="must be finite and > 0"):
        GammaGamma.from_params([1.0, -2.0, 3.0])
    with pytest.raises(TypeError):
        BetaGeo(0.1)  # options are keywords
    gg = GammaGamma.from_params({"p": 6.25, "q": 3.74, "v": 15.44})
    bg = BetaGeo.from_params([0.243, 4.414, 0.793, 2.426])
    with pytest.raises(InvalidArgumentError, match="time_unit"):
        gg.clv(bg, 1, 1, 2, 10.0, time_unit="Y")
    with pytest.raises(InvalidArgumentError, match="model must be"):
        gg.clv(gg, 1, 1, 2, 10.0)


# ------------------------------------------------------------------------------ rfm_summary


@pytest.mark.parametrize("freq", ["D", "W"])
def test_rfm_summary_equals_lifetimes(transactions, freq):
    want = pd.read_csv(FIXTURES / f"lifetimes_cdnow_rfm_{freq}.csv")
    got = salespulse.rfm_summary(
        transactions, "customer", "date", "1998-06-30", freq=freq, monetary_col="dollars"
    )
    assert list(got.columns) == ["customer", "frequency", "recency", "T", "monetary_value"]
    assert got["customer"].dtype == np.int64
    for name in ("customer", "frequency", "recency", "T"):
        np.testing.assert_array_equal(got[name].to_numpy(), want[name].to_numpy(), err_msg=name)
    np.testing.assert_allclose(got["monetary_value"], want["monetary_value"], rtol=1e-12)


def test_rfm_summary_reads_every_table_and_date_kind(transactions):
    reference = salespulse.rfm_summary(transactions, "customer", "date", "1998-06-30", freq="W")
    text_ids = transactions.assign(customer=transactions["customer"].map("C{:05d}".format))
    as_polars = pl.from_pandas(transactions).with_columns(pl.col("date").cast(pl.Date))
    variants = [
        as_polars,
        pa.Table.from_pandas(transactions).to_batches(max_chunksize=1000),  # several batches
        transactions.drop(columns="date").rename(columns={"yyyymmdd": "date"}),  # 19970101
        transactions.assign(date=transactions["date"].dt.strftime("%Y-%m-%d")),
    ]
    for variant in variants:
        if isinstance(variant, list):
            variant = pa.Table.from_batches(variant)
        got = salespulse.rfm_summary(variant, "customer", "date", "1998-06-30", freq="W")
        pd.testing.assert_frame_equal(got, reference)
    got = salespulse.rfm_summary(text_ids, "customer", "date", "1998-06-30", freq="W", to="arrow")
    assert got.column("customer").to_pylist()[:2] == ["C00004", "C00018"]
    as_polars_out = salespulse.rfm_summary(as_polars, "customer", "date", "1998-06-30", to="polars")
    assert isinstance(as_polars_out, pl.DataFrame)
    # Without an end, the last transaction's day is the end (lifetimes' default).
    pd.testing.assert_frame_equal(
        salespulse.rfm_summary(transactions, "customer", "date"),
        salespulse.rfm_summary(transactions, "customer", "date", transactions["date"].max()),
    )


def test_rfm_summary_bad_inputs(transactions):
    with pytest.raises(SchemaError, match='no column "cust" \\(customer_col\\).*"customer"'):
        salespulse.rfm_summary(transactions, "cust", "date", "1998-06-30")
    with pytest.raises(SchemaError, match="monetary_col"):
        salespulse.rfm_summary(transactions, "customer", "date", monetary_col="usd")
    gaps = transactions.copy()
    gaps.loc[5, "dollars"] = np.nan
    with pytest.raises(InvalidArgumentError, match='row 5: "dollars": missing value'):
        salespulse.rfm_summary(gaps, "customer", "date", monetary_col="dollars")
    bad_date = transactions.assign(date=transactions["date"].dt.strftime("%Y-%m-%d"))
    bad_date.loc[7, "date"] = "next tuesday"
    with pytest.raises(InvalidArgumentError, match='row 7: "date"'):
        salespulse.rfm_summary(bad_date, "customer", "date")
    with pytest.raises(InvalidArgumentError, match="freq"):
        salespulse.rfm_summary(transactions, "customer", "date", freq="M")
    with pytest.raises(InvalidArgumentError, match="observation_end"):
        salespulse.rfm_summary(transactions, "customer", "date", "someday")
    with pytest.raises(TypeError, match="expected a table"):
        salespulse.rfm_summary([1, 2], "customer", "date")


def test_rfm_summary_feeds_the_models(transactions):
    weekly = salespulse.rfm_summary(
        transactions, "customer", "date", "1998-06-30", freq="W", monetary_col="dollars"
    )
    bg = BetaGeo().fit(weekly["frequency"], weekly["recency"], weekly["T"])
    repeat = weekly[weekly["frequency"] > 0]
    gg = GammaGamma().fit(repeat["frequency"], repeat["monetary_value"])
    clv = gg.clv(bg, weekly["frequency"], weekly["recency"], weekly["T"],
                 weekly["monetary_value"], time_unit="W")
    assert clv.shape == (len(weekly),) and (clv >= 0).all()


# ---------------------------------------------------------------------------- help and names


def test_models_read_well_in_help():
    assert str(inspect.signature(BetaGeo.fit)) == "(self, /, frequency, recency, T, weights=None)"
    assert str(inspect.signature(BetaGeo.expected_purchases)) == "(self, /, t, frequency, recency, T)"
    assert str(inspect.signature(GammaGamma.clv)) == (
        "(self, /, model, frequency, recency, T, monetary_value, months=12, "
        "discount_rate=0.01, time_unit='D')"
    )
    assert str(inspect.signature(salespulse.rfm_summary)).startswith(
        "(transactions, customer_col, date_col, observation_end=None, freq='D', "
        "monetary_col=None, to='pandas'"
    )
    for cls in (BetaGeo, ModifiedBetaGeo, ParetoNBD, GammaGamma):
        assert "penalizer" in cls.__doc__ and "Example" in cls.__doc__
        assert "initial_params=None" in str(inspect.signature(cls))
        for name in [n for n in dir(cls) if not n.startswith("_")]:
            assert getattr(cls, name).__doc__, f"{cls.__name__}.{name}"
    assert "lifetimes" in salespulse.rfm_summary.__doc__
