//! JS values in: tables (arrays of plain objects or Arrow IPC bytes), options and dates.
//!
//! Owns format conversion only. An array of row objects becomes a core [`Batch`] by collecting
//! each key into a column (text, numbers, instants, or mixed cells when a key holds values of
//! several kinds). Keys are passed on as they are: the core finds `customerId`, `customer_id` and
//! `Customer ID` alike. Which values are usable is the core's decision, never this module's.

use crate::error::Fail;
use napi::bindgen_prelude::*;
use napi::sys;
use salespulse::ingest::{DateFormat, DateReader};
use salespulse::table::{Batch, Cell, CellColumn, Column, Mapping};
use salespulse::{Day, IngestOptions};
use std::collections::HashMap;
use std::ffi::c_char;
use std::ptr;
use std::result::Result;

/// How an ingest call reads its table (`{mapping, dateFormat}`).
#[napi(object, js_name = "IngestOptions")]
#[derive(Default)]
pub struct IngestOptionsInput {
    /// Canonical column name -> your column (or key) name, e.g. `{customerId: 'CustomerID'}`.
    /// Canonical names may be written in camelCase or snake_case.
    pub mapping: Option<HashMap<String, String>>,
    /// How text dates are written: `'auto'` (ISO, YYYYMMDD, Excel serials; the default),
    /// `'day_first'` (dd/mm/yyyy), `'month_first'` (mm/dd/yyyy) or `'excel'`.
    #[napi(ts_type = "'auto' | 'day_first' | 'month_first' | 'excel'")]
    pub date_format: Option<String>,
}

impl IngestOptionsInput {
    /// The core's options.
    pub fn to_core(&self) -> Result<IngestOptions, Fail> {
        let mut options = IngestOptions::default();
        if let Some(mapping) = &self.mapping {
            let mut map = Mapping::new();
            for (canonical, column) in mapping {
                map.insert(snake_case(canonical), column.clone());
            }
            options.mapping = Some(map);
        }
        if let Some(name) = &self.date_format {
            options.date_format = DateFormat::parse(name).ok_or_else(|| {
                Fail::arg(format!(
                    "dateFormat {name:?} is not one of 'auto', 'day_first', 'month_first', 'excel'"
                ))
            })?;
        }
        Ok(options)
    }
}

/// `netAmount` -> `net_amount`; snake_case names are unchanged.
pub fn snake_case(name: &str) -> String {
    let mut out = String::with_capacity(name.len() + 4);
    for c in name.chars() {
        if c.is_ascii_uppercase() {
            if !out.is_empty() && !out.ends_with('_') {
                out.push('_');
            }
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

/// `net_amount` -> `netAmount`.
pub fn camel_case(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut upper = false;
    for c in name.chars() {
        if c == '_' {
            upper = !out.is_empty();
        } else if upper {
            out.push(c.to_ascii_uppercase());
            upper = false;
        } else {
            out.push(c);
        }
    }
    out
}

/// A table handed to an ingest call, owned so that it can cross to a worker thread.
pub enum TableInput {
    /// Row objects, collected into columns.
    Rows(RowTable),
    /// Arrow IPC bytes (stream or file format), shared with JS without a copy.
    Ipc(Uint8Array),
}

/// Row objects collected into named columns.
#[derive(Default)]
pub struct RowTable {
    names: Vec<String>,
    columns: Vec<ColumnBuf>,
    rows: usize,
}

impl RowTable {
    /// Rows in the table.
    pub fn len(&self) -> usize {
        self.rows
    }

    /// Whether the table has no rows.
    pub fn is_empty(&self) -> bool {
        self.rows == 0
    }

    /// The core's borrowed view.
    pub fn batch(&self) -> Batch<'_> {
        let mut batch = Batch::new();
        for (name, column) in self.names.iter().zip(&self.columns) {
            batch.push(name.clone(), column.column());
        }
        batch
    }
}

/// One cell read from JS.
#[derive(Clone, Debug, PartialEq)]
enum Value {
    Null,
    Text(String),
    Number(f64),
    Bool(bool),
    Int(i64),
    /// A `Date`: an instant, microseconds since the epoch (UTC).
    Instant(i64),
}

/// A column being collected: typed while all its values share a kind, mixed otherwise.
enum ColumnBuf {
    Nulls(AllNull),
    Text(Vec<Option<String>>),
    Number(Vec<Option<f64>>),
    Instant(Instants),
    Mixed(Mixed),
}

struct AllNull(usize);
struct Instants(Vec<Option<i64>>);

impl CellColumn for AllNull {
    fn len(&self) -> usize {
        self.0
    }
    fn cell(&self, _row: usize) -> Cell<'_> {
        Cell::Null
    }
}
struct Mixed(Vec<Value>);

impl CellColumn for Instants {
    fn len(&self) -> usize {
        self.0.len()
    }
    fn cell(&self, row: usize) -> Cell<'_> {
        self.0[row].map_or(Cell::Null, Cell::UtcMicros)
    }
}

impl CellColumn for Mixed {
    fn len(&self) -> usize {
        self.0.len()
    }
    fn cell(&self, row: usize) -> Cell<'_> {
        match &self.0[row] {
            Value::Null => Cell::Null,
            Value::Text(t) => Cell::Text(t),
            Value::Number(x) => Cell::Float(*x),
            Value::Bool(b) => Cell::Bool(*b),
            Value::Int(n) => Cell::Int(*n),
            Value::Instant(us) => Cell::UtcMicros(*us),
        }
    }
}

impl ColumnBuf {
    fn len(&self) -> usize {
        match self {
            ColumnBuf::Nulls(n) => n.0,
            ColumnBuf::Text(v) => v.len(),
            ColumnBuf::Number(v) => v.len(),
            ColumnBuf::Instant(v) => v.0.len(),
            ColumnBuf::Mixed(v) => v.0.len(),
        }
    }

    fn pad(&mut self, len: usize) {
        while self.len() < len {
            self.push(Value::Null);
        }
    }

    fn push(&mut self, value: Value) {
        match (&mut *self, value) {
            (ColumnBuf::Nulls(n), Value::Null) => n.0 += 1,
            (ColumnBuf::Text(v), Value::Null) => v.push(None),
            (ColumnBuf::Number(v), Value::Null) => v.push(None),
            (ColumnBuf::Instant(v), Value::Null) => v.0.push(None),
            (ColumnBuf::Text(v), Value::Text(t)) => v.push(Some(t)),
            (ColumnBuf::Number(v), Value::Number(x)) => v.push(Some(x)),
            (ColumnBuf::Instant(v), Value::Instant(us)) => v.0.push(Some(us)),
            (ColumnBuf::Mixed(v), value) => v.0.push(value),
            (ColumnBuf::Nulls(n), value) => {
                let n = n.0;
                *self = match value {
                    Value::Text(t) => ColumnBuf::Text(nones(n, Some(t))),
                    Value::Number(x) => ColumnBuf::Number(nones(n, Some(x))),
                    Value::Instant(us) => ColumnBuf::Instant(Instants(nones(n, Some(us)))),
                    other => {
                        let mut cells = vec![Value::Null; n];
                        cells.push(other);
                        ColumnBuf::Mixed(Mixed(cells))
                    }
                };
            }
            (_, value) => {
                let mut cells = self.values();
                cells.push(value);
                *self = ColumnBuf::Mixed(Mixed(cells));
            }
        }
    }

    fn values(&mut self) -> Vec<Value> {
        match std::mem::replace(self, ColumnBuf::Nulls(AllNull(0))) {
            ColumnBuf::Nulls(n) => vec![Value::Null; n.0],
            ColumnBuf::Text(v) => v
                .into_iter()
                .map(|t| t.map_or(Value::Null, Value::Text))
                .collect(),
            ColumnBuf::Number(v) => v
                .into_iter()
                .map(|x| x.map_or(Value::Null, Value::Number))
                .collect(),
            ColumnBuf::Instant(v) => {
                v.0.into_iter()
                    .map(|x| x.map_or(Value::Null, Value::Instant))
                    .collect()
            }
            ColumnBuf::Mixed(v) => v.0,
        }
    }

    fn column(&self) -> Column<'_> {
        match self {
            ColumnBuf::Nulls(n) => Column::Cells(n),
            ColumnBuf::Text(v) => Column::Text(v),
            ColumnBuf::Number(v) => Column::OptFloat(v),
            ColumnBuf::Instant(v) => Column::Cells(v),
            ColumnBuf::Mixed(v) => Column::Cells(v),
        }
    }
}

fn nones<T>(n: usize, last: Option<T>) -> Vec<Option<T>> {
    let mut v: Vec<Option<T>> = Vec::with_capacity(n + 1);
    v.resize_with(n, || None);
    v.push(last);
    v
}

/// Checks a napi status.
pub(crate) fn check(status: sys::napi_status, what: &str) -> Result<(), Fail> {
    if status == sys::Status::napi_ok {
        Ok(())
    } else {
        Err(Fail::Napi(napi::Error::new(
            Status::from(status),
            format!("{what} failed"),
        )))
    }
}

/// Raw access to JS values, for the per-cell loops (one napi call per step, no wrappers).
#[derive(Clone, Copy)]
pub(crate) struct Js {
    pub env: sys::napi_env,
}

impl Js {
    pub fn new(env: &Env) -> Js {
        Js { env: env.raw() }
    }

    pub fn type_of(self, value: sys::napi_value) -> Result<i32, Fail> {
        let mut t = 0;
        check(
            unsafe { sys::napi_typeof(self.env, value, &mut t) },
            "typeof",
        )?;
        Ok(t)
    }

    fn is(f: impl FnOnce(*mut bool) -> sys::napi_status) -> Result<bool, Fail> {
        let mut yes = false;
        check(f(&mut yes), "type check")?;
        Ok(yes)
    }

    pub fn is_array(self, value: sys::napi_value) -> Result<bool, Fail> {
        Js::is(|out| unsafe { sys::napi_is_array(self.env, value, out) })
    }

    pub fn is_typedarray(self, value: sys::napi_value) -> Result<bool, Fail> {
        Js::is(|out| unsafe { sys::napi_is_typedarray(self.env, value, out) })
    }

    pub fn is_date(self, value: sys::napi_value) -> Result<bool, Fail> {
        Js::is(|out| unsafe { sys::napi_is_date(self.env, value, out) })
    }

    pub fn array_len(self, array: sys::napi_value) -> Result<u32, Fail> {
        let mut len = 0;
        check(
            unsafe { sys::napi_get_array_length(self.env, array, &mut len) },
            "array length",
        )?;
        Ok(len)
    }

    pub fn element(self, array: sys::napi_value, index: u32) -> Result<sys::napi_value, Fail> {
        let mut value = ptr::null_mut();
        check(
            unsafe { sys::napi_get_element(self.env, array, index, &mut value) },
            "array element",
        )?;
        Ok(value)
    }

    pub fn property(
        self,
        object: sys::napi_value,
        key: sys::napi_value,
    ) -> Result<sys::napi_value, Fail> {
        let mut value = ptr::null_mut();
        check(
            unsafe { sys::napi_get_property(self.env, object, key, &mut value) },
            "property",
        )?;
        Ok(value)
    }

    /// Own enumerable string keys.
    pub fn keys(self, object: sys::napi_value) -> Result<sys::napi_value, Fail> {
        let mut keys = ptr::null_mut();
        check(
            unsafe {
                sys::napi_get_all_property_names(
                    self.env,
                    object,
                    sys::KeyCollectionMode::own_only,
                    sys::KeyFilter::enumerable | sys::KeyFilter::skip_symbols,
                    sys::KeyConversion::numbers_to_strings,
                    &mut keys,
                )
            },
            "property names",
        )?;
        Ok(keys)
    }

    /// The text of a JS string into `buf` (reused between calls).
    pub fn string_into(self, value: sys::napi_value, buf: &mut Vec<u8>) -> Result<(), Fail> {
        // One call for the common short string: napi stops short of a character that does not fit
        // (up to 3 bytes early), so a write that leaves more room than that is complete.
        const SLACK: usize = 5;
        buf.clear();
        if buf.capacity() < 256 {
            buf.reserve(256);
        }
        let mut written = 0;
        check(
            unsafe {
                sys::napi_get_value_string_utf8(
                    self.env,
                    value,
                    buf.as_mut_ptr() as *mut c_char,
                    buf.capacity(),
                    &mut written,
                )
            },
            "string",
        )?;
        if written + SLACK > buf.capacity() {
            let mut len = 0;
            check(
                unsafe {
                    sys::napi_get_value_string_utf8(self.env, value, ptr::null_mut(), 0, &mut len)
                },
                "string length",
            )?;
            buf.reserve(len + 1);
            check(
                unsafe {
                    sys::napi_get_value_string_utf8(
                        self.env,
                        value,
                        buf.as_mut_ptr() as *mut c_char,
                        len + 1,
                        &mut written,
                    )
                },
                "string",
            )?;
        }
        unsafe { buf.set_len(written) };
        Ok(())
    }

    pub fn string(self, value: sys::napi_value) -> Result<String, Fail> {
        let mut buf = Vec::with_capacity(64);
        self.string_into(value, &mut buf)?;
        buf.shrink_to_fit();
        // napi hands out UTF-8; a lone surrogate becomes U+FFFD on the way.
        Ok(String::from_utf8(buf)
            .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned()))
    }

    pub fn number(self, value: sys::napi_value) -> Result<f64, Fail> {
        let mut x = 0.0;
        check(
            unsafe { sys::napi_get_value_double(self.env, value, &mut x) },
            "number",
        )?;
        Ok(x)
    }

    fn coerce_string(self, value: sys::napi_value) -> Result<String, Fail> {
        let mut s = ptr::null_mut();
        check(
            unsafe { sys::napi_coerce_to_string(self.env, value, &mut s) },
            "String()",
        )?;
        self.string(s)
    }

    /// A date value in milliseconds since the epoch (NaN for an invalid `Date`).
    pub fn date_ms(self, value: sys::napi_value) -> Result<f64, Fail> {
        let mut ms = 0.0;
        check(
            unsafe { sys::napi_get_date_value(self.env, value, &mut ms) },
            "Date value",
        )?;
        Ok(ms)
    }

    /// One cell of a row object, of JS type `t` (`typeof`); `scratch` is reused between calls.
    /// `Ok(Err(what))` is a value no table cell can hold.
    fn value(
        self,
        value: sys::napi_value,
        t: i32,
        scratch: &mut Vec<u8>,
    ) -> Result<Result<Value, &'static str>, Fail> {
        use sys::ValueType as T;
        Ok(Ok(match t {
            T::napi_undefined | T::napi_null => Value::Null,
            T::napi_boolean => {
                let mut b = false;
                check(
                    unsafe { sys::napi_get_value_bool(self.env, value, &mut b) },
                    "boolean",
                )?;
                Value::Bool(b)
            }
            T::napi_number => Value::Number(self.number(value)?),
            T::napi_string => {
                self.string_into(value, scratch)?;
                Value::Text(match std::str::from_utf8(scratch) {
                    Ok(text) => text.to_owned(),
                    Err(_) => String::from_utf8_lossy(scratch).into_owned(),
                })
            }
            T::napi_bigint => {
                let mut n = 0i64;
                let mut lossless = false;
                check(
                    unsafe {
                        sys::napi_get_value_bigint_int64(self.env, value, &mut n, &mut lossless)
                    },
                    "BigInt",
                )?;
                if lossless {
                    Value::Int(n)
                } else {
                    Value::Text(self.coerce_string(value)?)
                }
            }
            T::napi_object if self.is_date(value)? => {
                let ms = self.date_ms(value)?;
                if ms.is_finite() {
                    Value::Instant((ms * 1000.0).round() as i64)
                } else {
                    Value::Text("Invalid Date".to_string())
                }
            }
            T::napi_object if self.is_array(value)? => return Ok(Err("an array")),
            T::napi_object => {
                // Objects with their own text form (decimal numbers, ObjectIds, Luxon or Temporal
                // dates) give that text; a plain object is a mistake in the table's shape.
                let text = self.coerce_string(value)?;
                if text.starts_with("[object ") {
                    return Ok(Err("an object"));
                }
                Value::Text(text)
            }
            T::napi_function => return Ok(Err("a function")),
            _ => return Ok(Err("a symbol")),
        }))
    }
}

/// A JS handle scope, closed when dropped: handles made inside it die with it.
pub(crate) struct HandleScope {
    env: sys::napi_env,
    scope: sys::napi_handle_scope,
}

impl HandleScope {
    pub(crate) fn open(env: sys::napi_env) -> Result<HandleScope, Fail> {
        let mut scope = ptr::null_mut();
        check(
            unsafe { sys::napi_open_handle_scope(env, &mut scope) },
            "handle scope",
        )?;
        Ok(HandleScope { env, scope })
    }
}

impl Drop for HandleScope {
    fn drop(&mut self) {
        unsafe { sys::napi_close_handle_scope(self.env, self.scope) };
    }
}

const TABLE_TYPE: &str = "an array of row objects, or a Buffer / Uint8Array of Arrow IPC bytes \
                          (e.g. tableToIPC(table) from apache-arrow)";

/// Reads the `table` argument of an ingest call.
pub fn read_table(env: &Env, table: Unknown<'_>) -> Result<TableInput, Fail> {
    let js = Js::new(env);
    let value = table.raw();
    if js.is_typedarray(value)? {
        let bytes = unsafe { Uint8Array::from_napi_value(js.env, value) }.map_err(|_| {
            Fail::arg(format!(
                "table must be {TABLE_TYPE}; got a typed array that is not a Uint8Array"
            ))
        })?;
        return Ok(TableInput::Ipc(bytes));
    }
    if js.is_array(value)? {
        return read_rows(js, value).map(TableInput::Rows);
    }
    Err(Fail::arg(format!("table must be {TABLE_TYPE}")))
}

/// Rows read under one handle scope.
const ROWS_PER_SCOPE: usize = 256;

/// Reads row objects into columns.
///
/// Rows usually share their keys, so a row whose own keys are as many as the keys seen so far is
/// first read by those keys (one napi call per cell, with key handles kept per scope); when one
/// of them is absent, or the row has other keys, it is read key by key.
fn read_rows(js: Js, array: sys::napi_value) -> Result<RowTable, Fail> {
    let rows = js.array_len(array)? as usize;
    let mut table = RowTable {
        rows,
        ..RowTable::default()
    };
    let mut index: HashMap<String, usize> = HashMap::new();
    let mut key_buf = Vec::new();
    // The key strings, kept in a JS array of the caller's scope (handles of a closed scope die).
    let mut key_store = ptr::null_mut();
    check(
        unsafe { sys::napi_create_array(js.env, &mut key_store) },
        "array",
    )?;
    let mut cells: Vec<(usize, Value)> = Vec::new();
    let mut scratch = Vec::with_capacity(256);
    for first in (0..rows).step_by(ROWS_PER_SCOPE) {
        let _scope = HandleScope::open(js.env)?;
        let mut keys: Vec<sys::napi_value> = (0..table.names.len())
            .map(|k| js.element(key_store, k as u32))
            .collect::<Result<_, _>>()?;
        for row in first..rows.min(first + ROWS_PER_SCOPE) {
            let object = js.element(array, row as u32)?;
            if js.type_of(object)? != sys::ValueType::napi_object || js.is_array(object)? {
                return Err(Fail::arg(format!(
                    "row {row} of the table is not an object; a table is an array of objects \
                     such as {{orderId: 'SO-1', customerId: 'C1', ...}}"
                )));
            }
            let own = js.keys(object)?;
            let own_len = js.array_len(own)? as usize;
            cells.clear();
            let mut same_keys = own_len == keys.len();
            if same_keys {
                for (column, &key) in keys.iter().enumerate() {
                    let value = js.property(object, key)?;
                    let t = js.type_of(value)?;
                    if t == sys::ValueType::napi_undefined {
                        same_keys = false; // absent (or undefined): read this row key by key
                        break;
                    }
                    cells.push((
                        column,
                        cell(js, &table, row, column, value, t, &mut scratch)?,
                    ));
                }
            }
            if !same_keys {
                cells.clear();
                for k in 0..own_len {
                    let key = js.element(own, k as u32)?;
                    js.string_into(key, &mut key_buf)?;
                    let name = String::from_utf8_lossy(&key_buf);
                    let column = match index.get(name.as_ref()) {
                        Some(&c) => c,
                        None => {
                            let c = table.columns.len();
                            index.insert(name.to_string(), c);
                            table.names.push(name.into_owned());
                            table.columns.push(ColumnBuf::Nulls(AllNull(0)));
                            check(
                                unsafe { sys::napi_set_element(js.env, key_store, c as u32, key) },
                                "set element",
                            )?;
                            keys.push(key);
                            c
                        }
                    };
                    let value = js.property(object, key)?;
                    let t = js.type_of(value)?;
                    cells.push((
                        column,
                        cell(js, &table, row, column, value, t, &mut scratch)?,
                    ));
                }
            }
            for (column, value) in cells.drain(..) {
                let buf = &mut table.columns[column];
                buf.pad(row);
                buf.push(value);
            }
        }
    }
    for column in &mut table.columns {
        column.pad(rows);
    }
    Ok(table)
}

fn cell(
    js: Js,
    table: &RowTable,
    row: usize,
    column: usize,
    value: sys::napi_value,
    t: i32,
    scratch: &mut Vec<u8>,
) -> Result<Value, Fail> {
    js.value(value, t, scratch)?.map_err(|what| {
        Fail::arg(format!(
            "row {row}, key {:?}: {what} cannot be a table cell; use a string, number, boolean, \
             Date or null",
            table.names[column]
        ))
    })
}

/// Reads an optional day argument: `undefined` or `null` is `None`.
pub fn read_optional_day(
    env: &Env,
    value: Option<Unknown<'_>>,
    name: &str,
    config: &salespulse::Config,
) -> Result<Option<Day>, Fail> {
    let Some(value) = value else { return Ok(None) };
    match Js::new(env).type_of(value.raw())? {
        sys::ValueType::napi_undefined | sys::ValueType::napi_null => Ok(None),
        _ => read_day(env, value, name, config).map(Some),
    }
}

/// Reads a day argument (`asOf`): a `Date` or an ISO string, in the engine's time zone.
pub fn read_day(
    env: &Env,
    value: Unknown<'_>,
    name: &str,
    config: &salespulse::Config,
) -> Result<Day, Fail> {
    let js = Js::new(env);
    let raw = value.raw();
    let reader = DateReader::new(DateFormat::Auto, config.timezone);
    let day = match js.type_of(raw)? {
        sys::ValueType::napi_string => reader.text(&js.string(raw)?),
        sys::ValueType::napi_object if js.is_date(raw)? => {
            let ms = js.date_ms(raw)?;
            if !ms.is_finite() {
                return Err(Fail::arg(format!("{name} is an invalid Date")));
            }
            reader.utc_micros((ms * 1000.0).round() as i64)
        }
        _ => {
            return Err(Fail::arg(format!(
                "{name} must be a Date or an ISO date string such as '2024-03-31'"
            )))
        }
    };
    day.map_err(|reason| Fail::arg(format!("{name}: {reason}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_convert_between_cases() {
        assert_eq!(snake_case("netAmount"), "net_amount");
        assert_eq!(snake_case("net_amount"), "net_amount");
        assert_eq!(snake_case("customerId"), "customer_id");
        assert_eq!(camel_case("net_amount"), "netAmount");
        assert_eq!(camel_case("active_customers"), "activeCustomers");
        assert_eq!(camel_case("rep"), "rep");
    }

    #[test]
    fn columns_stay_typed_until_values_differ() {
        let mut c = ColumnBuf::Nulls(AllNull(0));
        c.push(Value::Null);
        c.push(Value::Text("a".into()));
        assert!(matches!(&c, ColumnBuf::Text(v) if v == &[None, Some("a".to_string())]));
        c.push(Value::Number(2.0));
        c.pad(4);
        let column = c.column();
        assert_eq!(column.len(), 4);
        assert_eq!(column.cell(1), Cell::Text("a"));
        assert_eq!(column.cell(2), Cell::Float(2.0));
        assert_eq!(column.cell(3), Cell::Null);
    }
}
