"""salespulse: a distributor's ERP order lines and CRM deals in, signals and weekly tasks for
sales reps out."""

from . import synth as synth
from ._errors import (
    ConfigError as ConfigError,
    CsvError as CsvError,
    Error as Error,
    InvalidArgumentError as InvalidArgumentError,
    IoError as IoError,
    MergeError as MergeError,
    SchemaError as SchemaError,
    SnapshotError as SnapshotError,
)
from ._salespulse import (
    BacktestReport as BacktestReport,
    BetaGeo as BetaGeo,
    Brief as Brief,
    Config as Config,
    Engine as Engine,
    GammaGamma as GammaGamma,
    IngestReport as IngestReport,
    ModifiedBetaGeo as ModifiedBetaGeo,
    ParetoNBD as ParetoNBD,
    __version__ as __version__,
    association_rules as association_rules,
    frequent_itemsets as frequent_itemsets,
    rfm_summary as rfm_summary,
)

__all__ = [
    "Config",
    "Engine",
    "Brief",
    "BacktestReport",
    "IngestReport",
    "rfm_summary",
    "BetaGeo",
    "ModifiedBetaGeo",
    "ParetoNBD",
    "GammaGamma",
    "frequent_itemsets",
    "association_rules",
    "Error",
    "SchemaError",
    "ConfigError",
    "SnapshotError",
    "MergeError",
    "CsvError",
    "InvalidArgumentError",
    "IoError",
    "synth",
    "__version__",
]
