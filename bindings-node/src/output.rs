//! JS values out: frames as arrays of row objects (camelCase keys) or Arrow IPC, ingest reports,
//! state sizes.

use crate::error::Fail;
use crate::input::{camel_case, check, Js};
use napi::bindgen_prelude::*;
use napi::sys;
use salespulse::table::{Frame, Series};
use salespulse::IngestReport;
use std::ptr;
use std::result::Result;

/// One row that could not be used, and why.
#[napi(object)]
pub struct Rejection {
    /// The row's index in the input (0-based).
    pub row: u32,
    /// The canonical (snake_case) name of the column at fault, or `"row"`.
    pub column: String,
    /// What is wrong, in words a person can act on.
    pub reason: String,
}

/// What an ingest call did with its rows.
#[napi(object, js_name = "IngestReport")]
pub struct IngestReportOutput {
    /// Rows taken into the state.
    pub accepted: u32,
    /// Rows already seen (same order_id and line_no; same deal, stage and day), counted once.
    pub duplicates: u32,
    /// Rows that could not be used, with reasons.
    pub rejected: Vec<Rejection>,
}

impl From<IngestReport> for IngestReportOutput {
    fn from(r: IngestReport) -> Self {
        IngestReportOutput {
            accepted: r.accepted as u32,
            duplicates: r.duplicates as u32,
            rejected: r
                .rejected
                .into_iter()
                .map(|x| Rejection {
                    row: x.row as u32,
                    column: x.column,
                    reason: x.reason,
                })
                .collect(),
        }
    }
}

/// Sizes and memory of an engine's state.
#[napi(object)]
pub struct Stats {
    /// Customers known (from orders, masters or deals).
    pub customers: u32,
    /// Products known.
    pub products: u32,
    /// Reps known.
    pub reps: u32,
    /// Customer x product pairs with at least one line.
    pub pairs: u32,
    /// Stored order lines.
    pub lines: u32,
    /// Distinct orders.
    pub orders: u32,
    /// Deals.
    pub deals: u32,
    /// Heap bytes held by the state.
    pub heap_bytes: f64,
}

impl From<salespulse::state::StateStats> for Stats {
    fn from(s: salespulse::state::StateStats) -> Self {
        Stats {
            customers: s.customers as u32,
            products: s.products as u32,
            reps: s.reps as u32,
            pairs: s.pairs as u32,
            lines: s.lines as u32,
            orders: s.orders as u32,
            deals: s.deals as u32,
            heap_bytes: s.heap_bytes as f64,
        }
    }
}

/// How a table comes back: `{format: 'rows'}` (the default) or `{format: 'arrow'}`.
#[napi(object)]
#[derive(Default)]
pub struct OutputOptions {
    /// `'rows'`: an array of plain objects with camelCase keys (days as `'YYYY-MM-DD'` strings);
    /// `'arrow'`: a Buffer of Arrow IPC stream bytes (read it with apache-arrow's
    /// `tableFromIPC`), with the core's snake_case column names.
    #[napi(ts_type = "'rows' | 'arrow'")]
    pub format: Option<String>,
}

/// The format a table is returned in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Rows,
    Arrow,
}

impl Format {
    /// The format an options object asks for.
    pub fn of(options: Option<&OutputOptions>) -> Result<Format, Fail> {
        Format::parse(options.and_then(|o| o.format.as_deref()))
    }

    /// The format called `name` (`None`: rows).
    pub fn parse(name: Option<&str>) -> Result<Format, Fail> {
        match name {
            None | Some("rows") | Some("objects") => Ok(Format::Rows),
            Some("arrow") | Some("ipc") => Ok(Format::Arrow),
            Some(other) => Err(Fail::arg(format!(
                "format {other:?} is not 'rows' or 'arrow'"
            ))),
        }
    }
}

/// A frame in the requested format.
pub fn frame(env: &Env, frame: &Frame, format: Format) -> Result<Unknown<'static>, Fail> {
    frame_keyed(env, frame, format, camel_case)
}

/// A frame in the requested format, its row objects' keys named by `key` from the column names
/// (Arrow keeps the column names).
pub fn frame_keyed(
    env: &Env,
    frame: &Frame,
    format: Format,
    key: impl Fn(&str) -> String,
) -> Result<Unknown<'static>, Fail> {
    match format {
        Format::Rows => rows_keyed(env, frame, key),
        Format::Arrow => {
            let bytes = salespulse::ingest::arrow::frame_to_ipc(frame)?;
            let value = unsafe { Buffer::to_napi_value(env.raw(), Buffer::from(bytes)) }?;
            Ok(unsafe { Unknown::from_raw_unchecked(env.raw(), value) })
        }
    }
}

/// A frame as an array of plain objects with camelCase keys.
pub fn rows(env: &Env, frame: &Frame) -> Result<Unknown<'static>, Fail> {
    rows_keyed(env, frame, camel_case)
}

/// A frame as an array of plain objects whose keys `key` makes from the column names.
pub fn rows_keyed(
    env: &Env,
    frame: &Frame,
    key: impl Fn(&str) -> String,
) -> Result<Unknown<'static>, Fail> {
    let js = Js::new(env);
    let e = js.env;
    let n = frame.len();
    let mut array = ptr::null_mut();
    check(
        unsafe { sys::napi_create_array_with_length(e, n, &mut array) },
        "array",
    )?;
    let mut keys = Vec::with_capacity(frame.columns.len());
    for (name, _) in &frame.columns {
        keys.push(js.create_string(&key(name))?);
    }
    let mut null = ptr::null_mut();
    check(unsafe { sys::napi_get_null(e, &mut null) }, "null")?;
    for row in 0..n {
        let mut object = ptr::null_mut();
        check(unsafe { sys::napi_create_object(e, &mut object) }, "object")?;
        for ((_, series), &key) in frame.columns.iter().zip(&keys) {
            let value = match series {
                Series::Str(v) => v[row].as_deref().map(|s| js.create_string(s)).transpose()?,
                Series::F64(v) => v[row].map(|x| js.create_number(x)).transpose()?,
                Series::I64(v) => v[row].map(|x| js.create_number(x as f64)).transpose()?,
                Series::Day(v) => v[row]
                    .map(|d| js.create_string(&d.to_string()))
                    .transpose()?,
                Series::Bool(v) => v[row].map(|b| js.create_bool(b)).transpose()?,
                Series::StrList(v) => Some(js.create_string_array(&v[row])?),
            };
            check(
                unsafe { sys::napi_set_property(e, object, key, value.unwrap_or(null)) },
                "set property",
            )?;
        }
        check(
            unsafe { sys::napi_set_element(e, array, row as u32, object) },
            "set element",
        )?;
    }
    Ok(unsafe { Unknown::from_raw_unchecked(e, array) })
}

impl Js {
    pub fn create_string(self, s: &str) -> Result<sys::napi_value, Fail> {
        let mut value = ptr::null_mut();
        check(
            unsafe {
                sys::napi_create_string_utf8(
                    self.env,
                    s.as_ptr().cast(),
                    s.len() as isize,
                    &mut value,
                )
            },
            "string",
        )?;
        Ok(value)
    }

    pub fn create_number(self, x: f64) -> Result<sys::napi_value, Fail> {
        let mut value = ptr::null_mut();
        check(
            unsafe { sys::napi_create_double(self.env, x, &mut value) },
            "number",
        )?;
        Ok(value)
    }

    pub fn create_bool(self, b: bool) -> Result<sys::napi_value, Fail> {
        let mut value = ptr::null_mut();
        check(
            unsafe { sys::napi_get_boolean(self.env, b, &mut value) },
            "boolean",
        )?;
        Ok(value)
    }

    pub fn create_string_array(self, items: &[String]) -> Result<sys::napi_value, Fail> {
        let mut array = ptr::null_mut();
        check(
            unsafe { sys::napi_create_array_with_length(self.env, items.len(), &mut array) },
            "array",
        )?;
        for (i, item) in items.iter().enumerate() {
            let s = self.create_string(item)?;
            check(
                unsafe { sys::napi_set_element(self.env, array, i as u32, s) },
                "set element",
            )?;
        }
        Ok(array)
    }
}
