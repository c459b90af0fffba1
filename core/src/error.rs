//! The crate's one error type.
//!
//! Owns: every failure a caller can see, each with a message that says what went wrong and what
//! to do. Row-level problems during ingest are *not* errors: they are [`Rejection`]s in an
//! [`IngestReport`], because one bad row must never cost the good rows of its batch.
//!
//! [`Rejection`]: crate::ingest::Rejection
//! [`IngestReport`]: crate::ingest::IngestReport

/// Everything that can fail in salespulse.
///
/// Bindings map each variant to a typed exception (`salespulse.SchemaError`, ...) or a JS `Error`
/// whose `code` is [`Error::code`].
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A table lacks a required column, or a column has a type that cannot hold its values.
    #[error("{0}")]
    Schema(String),
    /// A configuration value is out of range or inconsistent.
    #[error("invalid configuration: {0}")]
    Config(String),
    /// Snapshot bytes are not a salespulse snapshot, are corrupt, or come from a newer version.
    #[error("cannot restore snapshot: {0}")]
    Snapshot(String),
    /// Two engines cannot be merged (overlapping customers, different configuration, conflicting
    /// master data).
    #[error("cannot merge engines: {0}")]
    Merge(String),
    /// A file could not be read.
    #[error("cannot read {path}: {source}")]
    Io {
        /// The path that was being read.
        path: String,
        /// The operating system's reason.
        #[source]
        source: std::io::Error,
    },
    /// A CSV file is malformed beyond a single row (for example its header cannot be read).
    #[error("CSV: {0}")]
    Csv(String),
    /// An argument of a call is out of its range.
    #[error("invalid argument: {0}")]
    InvalidArgument(String),
}

impl Error {
    /// A stable, machine-readable name of the variant; the bindings use it as the exception class
    /// (Python) and the `code` of the `Error` (Node).
    pub fn code(&self) -> &'static str {
        match self {
            Error::Schema(_) => "SchemaError",
            Error::Config(_) => "ConfigError",
            Error::Snapshot(_) => "SnapshotError",
            Error::Merge(_) => "MergeError",
            Error::Io { .. } => "IoError",
            Error::Csv(_) => "CsvError",
            Error::InvalidArgument(_) => "InvalidArgumentError",
        }
    }
}

/// `Result` with [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;
