"""Values across the boundary: results out as pandas / polars / Arrow, numbers in as Arrow
float64 arrays, numbers out as numpy arrays. Conversion only: no engine logic lives here."""

from __future__ import annotations

import numbers
from typing import Any


def from_arrow(table: Any, to: str) -> Any:
    """``table`` (a pyarrow.Table) as a pandas DataFrame, a polars DataFrame or itself.

    Dates become pandas ``datetime64`` columns (polars ``Date``); text stays text.
    """
    if to == "arrow":
        return table
    if to == "pandas":
        return table.to_pandas(date_as_object=False)
    if to == "polars":
        try:
            import polars as pl
        except ImportError as e:  # pragma: no cover - depends on the environment
            raise ImportError("to='polars' needs polars: pip install polars") from e
        return pl.from_arrow(table)
    raise ValueError(f"unknown result kind {to!r}")


def _numpy_of(values: Any) -> Any:
    """A numpy array of a pandas, polars or pyarrow column (missing values as NaN)."""
    import numpy as np

    module = type(values).__module__.split(".")[0]
    if module == "pandas":
        return values.to_numpy(dtype=np.float64, na_value=np.nan)
    if module == "pyarrow":
        return values.to_numpy(zero_copy_only=False)
    return values.to_numpy()


def floats(values: Any, name: str) -> Any:
    """``values`` for the models: a float for a single number, else a float64 ``pyarrow.Array``
    (shared with numpy where possible; NaN and missing values stay NaN for the engine to refuse
    with the row number).

    Takes numbers, lists, tuples, numpy arrays, pandas and polars Series and pyarrow arrays.
    """
    import numpy as np
    import pyarrow as pa

    if isinstance(values, numbers.Real):
        return float(values)
    if values is None or isinstance(values, (str, bytes)):
        raise _invalid(
            f"{name} must be numbers (a number, list, numpy array, pandas or polars Series), "
            f"not {type(values).__name__}"
        )
    try:
        if not isinstance(values, np.ndarray) and hasattr(values, "to_numpy"):
            values = _numpy_of(values)
        array = np.asarray(values, dtype=np.float64)
    except (TypeError, ValueError) as e:
        raise _invalid(f"{name} must be numbers: {e}") from None
    if array.ndim == 0:
        return float(array)
    if array.ndim != 1:
        raise _invalid(f"{name} must be one-dimensional, not of shape {array.shape}")
    return pa.array(np.ascontiguousarray(array), type=pa.float64())


def float_array(buffer: bytearray) -> Any:
    """A numpy float64 array over ``buffer`` (bytes of native-endian doubles; no copy)."""
    import numpy as np

    return np.frombuffer(buffer, dtype=np.float64)


def _invalid(message: str) -> Exception:
    from ._errors import InvalidArgumentError

    return InvalidArgumentError(f"invalid argument: {message}")
