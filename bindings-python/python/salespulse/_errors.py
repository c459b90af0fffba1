"""The exceptions of salespulse.

Every failure the engine reports is a :class:`salespulse.Error`; its subclass says what kind
(it is chosen by the core error's code, so Python and Node agree). Row-level problems during
ingest are not exceptions: they are the ``rejected`` rows of an :class:`IngestReport`.
"""

from __future__ import annotations

__all__ = [
    "Error",
    "SchemaError",
    "ConfigError",
    "SnapshotError",
    "MergeError",
    "CsvError",
    "InvalidArgumentError",
    "IoError",
]


class Error(Exception):
    """Base class of every salespulse error (also raised for internal errors, which are bugs)."""

    __module__ = "salespulse"


class SchemaError(Error):
    """A table lacks a required column (the message names it and lists the table's columns),
    has several columns that could be it, or has a column of a type that cannot be read."""

    __module__ = "salespulse"


class ConfigError(Error):
    """A configuration value is out of range, inconsistent, or an unknown key."""

    __module__ = "salespulse"


class SnapshotError(Error):
    """Snapshot bytes are not a salespulse snapshot, are truncated or corrupt, or come from a
    newer version."""

    __module__ = "salespulse"


class MergeError(Error):
    """Two engines cannot be merged: overlapping customers, different configurations or
    conflicting master data."""

    __module__ = "salespulse"


class CsvError(Error):
    """A CSV file is malformed beyond a single row (for example its header cannot be read)."""

    __module__ = "salespulse"


class InvalidArgumentError(Error, ValueError):
    """An argument of a call is out of its range (also a ValueError)."""

    __module__ = "salespulse"


class IoError(Error, OSError):
    """A file could not be read (also an OSError, with ``errno`` and ``filename``)."""

    __module__ = "salespulse"

    def __str__(self) -> str:
        return self.strerror if self.strerror is not None else super().__str__()
