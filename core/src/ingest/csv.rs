//! Reading CSV (and whitespace-separated) files into a [`Batch`].
//!
//! Owns: [`CsvOptions`] and [`CsvTable`]: decoding (UTF-8 with or without BOM, Windows-1252),
//! delimiters, CRLF, and rows whose field count is off (rejected with a reason, the rest kept).
//! Cells stay text here; ingest coerces them.

use super::{IngestReport, Rejection};
use crate::error::{Error, Result};
use crate::table::{Batch, Column};
use serde::{Deserialize, Serialize};

/// How fields are separated.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Delimiter {
    /// One byte, such as `b','`, `b';'` or `b'\t'`; quoting as in RFC 4180.
    Byte(u8),
    /// Runs of spaces or tabs (no quoting), as in CDNOW's `CDNOW_master.txt`.
    Whitespace,
}

/// How the file's bytes are text.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum Encoding {
    /// UTF-8 when the bytes are valid UTF-8, else Windows-1252 (what Excel writes on Windows).
    #[default]
    Auto,
    /// UTF-8; invalid bytes are an error.
    Utf8,
    /// Windows-1252 (a superset of Latin-1's printable characters).
    Windows1252,
}

impl Encoding {
    /// Reads "auto", "utf-8"/"utf8", "windows-1252"/"cp1252"/"latin-1".
    pub fn parse(name: &str) -> Option<Encoding> {
        match name.trim().to_ascii_lowercase().replace('_', "-").as_str() {
            "auto" => Some(Encoding::Auto),
            "utf-8" | "utf8" => Some(Encoding::Utf8),
            "windows-1252" | "cp1252" | "latin-1" | "latin1" | "iso-8859-1" => {
                Some(Encoding::Windows1252)
            }
            _ => None,
        }
    }
}

/// Options of the CSV reader.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CsvOptions {
    /// Field separator (default `,`).
    pub delimiter: Delimiter,
    /// Text encoding (default: UTF-8, falling back to Windows-1252).
    pub encoding: Encoding,
    /// Whether the first row names the columns (default true). Without a header, columns are
    /// named `column_1`, `column_2`, ... and need a mapping.
    pub has_header: bool,
}

impl Default for CsvOptions {
    fn default() -> Self {
        CsvOptions {
            delimiter: Delimiter::Byte(b','),
            encoding: Encoding::Auto,
            has_header: true,
        }
    }
}

impl CsvOptions {
    /// Sets the delimiter.
    pub fn with_delimiter(mut self, delimiter: Delimiter) -> Self {
        self.delimiter = delimiter;
        self
    }

    /// Sets the encoding.
    pub fn with_encoding(mut self, encoding: Encoding) -> Self {
        self.encoding = encoding;
        self
    }

    /// Says whether there is a header row.
    pub fn with_header(mut self, has_header: bool) -> Self {
        self.has_header = has_header;
        self
    }
}

/// A CSV file read into text columns. Rows with the wrong number of fields are left out and
/// listed in [`CsvTable::malformed`]; [`CsvTable::restore_rows`] maps a report's row indexes back
/// to the file's data rows.
#[derive(Clone, Debug, Default)]
pub struct CsvTable {
    /// Column names.
    pub headers: Vec<String>,
    /// Cells by column; an empty field is `None`.
    pub columns: Vec<Vec<Option<String>>>,
    /// Data row (0-based, header excluded) of each kept row.
    pub source_rows: Vec<usize>,
    /// Rows that could not be split into the header's fields.
    pub malformed: Vec<Rejection>,
}

impl CsvTable {
    /// Reads a whole file.
    pub fn from_path(path: impl AsRef<std::path::Path>, options: &CsvOptions) -> Result<CsvTable> {
        let path = path.as_ref();
        let bytes = std::fs::read(path).map_err(|source| Error::Io {
            path: path.display().to_string(),
            source,
        })?;
        CsvTable::from_bytes(&bytes, options)
    }

    /// Reads CSV bytes.
    pub fn from_bytes(bytes: &[u8], options: &CsvOptions) -> Result<CsvTable> {
        let text = decode(bytes, options.encoding)?;
        let rows = match options.delimiter {
            Delimiter::Byte(d) => split_csv(&text, d)?,
            Delimiter::Whitespace => text
                .lines()
                .filter(|l| !l.trim().is_empty())
                .map(|l| l.split_whitespace().map(str::to_string).collect())
                .collect(),
        };
        Ok(CsvTable::from_rows(rows, options.has_header))
    }

    fn from_rows(mut rows: Vec<Vec<String>>, has_header: bool) -> CsvTable {
        let headers: Vec<String> = if has_header && !rows.is_empty() {
            rows.remove(0)
                .into_iter()
                .map(|h| h.trim().to_string())
                .collect()
        } else {
            let width = rows.first().map_or(0, Vec::len);
            (1..=width).map(|i| format!("column_{i}")).collect()
        };
        let width = headers.len();
        let mut table = CsvTable {
            columns: vec![Vec::with_capacity(rows.len()); width],
            headers,
            ..CsvTable::default()
        };
        for (row, fields) in rows.into_iter().enumerate() {
            if fields.len() != width {
                table.malformed.push(Rejection {
                    row,
                    column: "row".into(),
                    reason: format!(
                        "the row has {} fields; the header has {width}",
                        fields.len()
                    ),
                });
                continue;
            }
            table.source_rows.push(row);
            for (column, field) in table.columns.iter_mut().zip(fields) {
                column.push((!field.trim().is_empty()).then_some(field));
            }
        }
        table
    }

    /// The kept rows as a batch of text columns.
    pub fn batch(&self) -> Batch<'_> {
        let mut batch = Batch::new();
        for (name, column) in self.headers.iter().zip(&self.columns) {
            batch.push(name.clone(), Column::Text(column));
        }
        batch
    }

    /// Turns a report on [`CsvTable::batch`] into a report on the file: row indexes become data
    /// rows of the file, and malformed rows join the rejections.
    pub fn restore_rows(&self, mut report: IngestReport) -> IngestReport {
        for r in &mut report.rejected {
            r.row = self.source_rows[r.row];
        }
        report.rejected.extend(self.malformed.iter().cloned());
        report.rejected.sort_by_key(|r| r.row);
        report
    }
}

fn decode(bytes: &[u8], encoding: Encoding) -> Result<String> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    match (std::str::from_utf8(bytes), encoding) {
        (Ok(text), Encoding::Auto | Encoding::Utf8) => Ok(text.to_string()),
        (Err(e), Encoding::Utf8) => Err(Error::Csv(format!(
            "the file is not valid UTF-8 (byte {}); pass encoding=\"windows-1252\" if it was saved by Excel on Windows",
            e.valid_up_to()
        ))),
        _ => Ok(encoding_rs::WINDOWS_1252.decode_without_bom_handling(bytes).0.into_owned()),
    }
}

fn split_csv(text: &str, delimiter: u8) -> Result<Vec<Vec<String>>> {
    let mut reader = ::csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut rows = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| Error::Csv(e.to_string()))?;
        rows.push(record.iter().map(str::to_string).collect());
    }
    Ok(rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_crlf_bom_quotes_and_flags_ragged_rows() {
        let bytes = b"\xEF\xBB\xBFid,name\r\n1,\"a, b\"\r\n2\r\n3,\r\n";
        let t = CsvTable::from_bytes(bytes, &CsvOptions::default()).unwrap();
        assert_eq!(t.headers, ["id", "name"]);
        assert_eq!(t.columns[1], [Some("a, b".to_string()), None]);
        assert_eq!(t.source_rows, [0, 2]);
        assert_eq!(t.malformed.len(), 1);
        assert_eq!(t.malformed[0].row, 1);
    }

    #[test]
    fn windows_1252_is_decoded_in_auto_mode_and_refused_in_utf8_mode() {
        let bytes = b"name\nCaf\xE9\xA0Bar\n";
        let t = CsvTable::from_bytes(bytes, &CsvOptions::default()).unwrap();
        assert_eq!(t.columns[0][0].as_deref(), Some("Café\u{a0}Bar"));
        let strict = CsvOptions::default().with_encoding(Encoding::Utf8);
        assert!(CsvTable::from_bytes(bytes, &strict)
            .unwrap_err()
            .to_string()
            .contains("windows-1252"));
    }

    #[test]
    fn whitespace_delimited_files_split_on_runs_of_blanks() {
        let bytes =
            b" customer_id  date number_of_cds  dollar_value\r\n 00001 19970101  1   11.77\r\n";
        let t = CsvTable::from_bytes(
            bytes,
            &CsvOptions::default().with_delimiter(Delimiter::Whitespace),
        )
        .unwrap();
        assert_eq!(
            t.headers,
            ["customer_id", "date", "number_of_cds", "dollar_value"]
        );
        assert_eq!(t.columns[3][0].as_deref(), Some("11.77"));
    }
}
