//! `frequentItemsets` and `associationRules`: doors to `salespulse::itemsets`.
//!
//! Reads baskets (arrays of item arrays, row objects or Arrow IPC bytes) and itemsets (the rows
//! `frequentItemsets` returned, or Arrow IPC bytes), makes one core call, and answers with rows
//! (camelCase keys: `antecedentSupport`, `zhangsMetric`, ...; itemset columns as arrays of
//! strings) or Arrow IPC. No mining or rule logic lives here.

use crate::engine::read_options;
use crate::error::{sync, CodedError, Fail};
use crate::input::{camel_case, read_table, HandleScope, Js, TableInput};
use crate::output::{self, Format};
use napi::bindgen_prelude::*;
use napi::{sys, Env};
use salespulse::ingest::arrow::read_ipc;
use salespulse::itemsets::arrow::{baskets_from_arrow, itemsets_from_arrow};
use salespulse::itemsets::{self, BasketColumns, Baskets, FrequentItemsets, Metric};
use salespulse::Frame;
use std::result::Result;

/// Rows read under one handle scope.
const ROWS_PER_SCOPE: u32 = 1024;

/// How `frequentItemsets` reads a table of rows and how it answers.
#[napi(object, object_to_js = false)]
pub struct FrequentItemsetsOptions<'a> {
    /// For a table: the key naming the basket, or keys that do together (e.g.
    /// `['memberNumber', 'date']`); default `'basketId'`.
    #[napi(ts_type = "string | string[]")]
    pub basket_col: Option<Unknown<'a>>,
    /// For a table: the key of the item (default `'item'`).
    pub item_col: Option<String>,
    /// `'rows'` (the default) or `'arrow'` (Arrow IPC bytes).
    #[napi(ts_type = "'rows' | 'arrow'")]
    pub format: Option<String>,
}

const ITEMSETS_KEYS: &[&str] = &["basketCol", "itemCol", "format"];

/// How `associationRules` answers.
#[napi(object)]
pub struct AssociationRulesOptions {
    /// `'rows'` (the default) or `'arrow'` (Arrow IPC bytes, mlxtend's column names).
    #[napi(ts_type = "'rows' | 'arrow'")]
    pub format: Option<String>,
}

const RULES_KEYS: &[&str] = &["format"];

/// A column name as a row key: `antecedent support` -> `antecedentSupport`.
fn row_key(name: &str) -> String {
    camel_case(&name.replace(' ', "_"))
}

/// A metric by mlxtend's name or its row key (`'zhangs_metric'` or `'zhangsMetric'`).
fn metric_named(name: &str) -> Result<Metric, Fail> {
    match Metric::ALL.into_iter().find(|m| row_key(m.name()) == name) {
        Some(m) => Ok(m),
        None => Ok(Metric::from_name(name)?),
    }
}

fn answer(env: &Env, frame: &Frame, format: Format) -> Result<Unknown<'static>, Fail> {
    output::frame_keyed(env, frame, format, row_key)
}

/// Whether `baskets` is an array whose first element is an array (lists of items).
fn is_list_of_lists(js: Js, value: sys::napi_value) -> Result<bool, Fail> {
    if !js.is_array(value)? {
        return Ok(false);
    }
    // An empty array is an empty list of baskets.
    if js.array_len(value)? == 0 {
        return Ok(true);
    }
    js.is_array(js.element(value, 0)?)
}

/// One item: a string, or a number as its text (`7`, not `7.0`).
fn item_text(js: Js, value: sys::napi_value, basket: u32) -> Result<String, Fail> {
    match js.type_of(value)? {
        sys::ValueType::napi_string => js.string(value),
        sys::ValueType::napi_number => Ok(js.number(value)?.to_string()),
        _ => Err(Fail::arg(format!(
            "basket {basket} holds an item that is not a string or a number"
        ))),
    }
}

/// Arrays of items, one per basket.
fn read_lists(js: Js, array: sys::napi_value) -> Result<Vec<Vec<String>>, Fail> {
    let n = js.array_len(array)?;
    let mut lists = Vec::with_capacity(n as usize);
    for first in (0..n).step_by(ROWS_PER_SCOPE as usize) {
        let _scope = HandleScope::open(js.env)?;
        for b in first..n.min(first + ROWS_PER_SCOPE) {
            let basket = js.element(array, b)?;
            if !js.is_array(basket)? {
                return Err(Fail::arg(format!(
                    "basket {b} is not an array; give every basket as an array of items"
                )));
            }
            let items = (0..js.array_len(basket)?)
                .map(|i| item_text(js, js.element(basket, i)?, b))
                .collect::<Result<_, _>>()?;
            lists.push(items);
        }
    }
    Ok(lists)
}

/// The basket key(s) of the options: a string or an array of strings.
fn basket_keys(js: Js, value: Option<Unknown<'_>>) -> Result<Vec<String>, Fail> {
    let Some(value) = value else {
        return Ok(vec!["basketId".to_string()]);
    };
    let raw = value.raw();
    match js.type_of(raw)? {
        sys::ValueType::napi_string => Ok(vec![js.string(raw)?]),
        sys::ValueType::napi_undefined | sys::ValueType::napi_null => {
            Ok(vec!["basketId".to_string()])
        }
        _ if js.is_array(raw)? => (0..js.array_len(raw)?)
            .map(|i| js.string(js.element(raw, i)?))
            .collect(),
        _ => Err(Fail::arg(
            "basketCol must be a key or an array of keys of the rows",
        )),
    }
}

/// Every itemset in at least `minSupport` of the baskets, as mlxtend 0.25's `fpgrowth` (same
/// itemsets, same supports).
///
/// `baskets` is an array of item arrays (one per basket; items strings or numbers), an array of
/// row objects with a basket key and an item key (`options.basketCol`, default `'basketId'`,
/// may be an array of keys that name a basket together, such as `['member', 'date']`;
/// `options.itemCol`, default `'item'`), or a Buffer / Uint8Array of Arrow IPC bytes of such a
/// table. `minSupport` is the least share of baskets, in (0, 1]; `maxLen` the most items in an
/// itemset (`null` or omitted: no limit).
///
/// Returns rows `{support, itemsets}` (itemsets as arrays of strings, sorted), ordered by length,
/// support (highest first) and labels; `{format: 'arrow'}` gives Arrow IPC bytes. Throws an
/// `InvalidArgumentError` for minSupport outside (0, 1], maxLen 0 or a malformed basket, a
/// `SchemaError` for a missing key.
///
/// ```js
/// const sets = frequentItemsets([['tea', 'milk'], ['tea']], 0.5)
/// // [{ support: 1, itemsets: ['tea'] }, { support: 0.5, itemsets: ['milk'] }, ...]
/// ```
#[napi(ts_return_type = "Array<{ support: number, itemsets: string[] }> | Buffer")]
pub fn frequent_itemsets(
    env: Env,
    #[napi(ts_arg_type = "string[][] | Array<Record<string, unknown>> | Uint8Array")]
    baskets: Unknown<'_>,
    min_support: f64,
    max_len: Option<u32>,
    #[napi(ts_arg_type = "FrequentItemsetsOptions")] options: Option<Unknown<'_>>,
) -> Result<Unknown<'static>, CodedError> {
    sync(|| {
        let js = Js::new(&env);
        let o: Option<FrequentItemsetsOptions> =
            read_options(&env, options, ITEMSETS_KEYS, "options")?;
        let (basket_col, item_col, format) = match o {
            Some(o) => (o.basket_col, o.item_col, o.format),
            None => (None, None, None),
        };
        let format = Format::parse(format.as_deref())?;
        let max_len = max_len.map(|m| m as usize);
        let baskets = if is_list_of_lists(js, baskets.raw())? {
            Baskets::from_lists(read_lists(js, baskets.raw())?)
        } else {
            let columns = BasketColumns {
                basket: basket_keys(js, basket_col)?,
                item: item_col.unwrap_or_else(|| "item".to_string()),
            };
            match read_table(&env, baskets)? {
                TableInput::Rows(rows) => Baskets::from_batch(&[rows.batch()], &columns)?,
                TableInput::Ipc(bytes) => {
                    let batches = read_ipc(&bytes)?;
                    let schema = batches[0].schema();
                    let mut reader =
                        arrow_array::RecordBatchIterator::new(batches.into_iter().map(Ok), schema);
                    baskets_from_arrow(&mut reader, &columns)?
                }
            }
        };
        let sets = itemsets::frequent_itemsets(&baskets, min_support, max_len)?;
        answer(&env, &sets.to_frame(), format)
    })
}

/// Itemset rows `{support, itemsets}` as `frequentItemsets` returns them.
fn read_itemset_rows(js: Js, array: sys::napi_value) -> Result<FrequentItemsets, Fail> {
    let n = js.array_len(array)?;
    let (mut supports, mut sets) = (
        Vec::with_capacity(n as usize),
        Vec::with_capacity(n as usize),
    );
    for first in (0..n).step_by(ROWS_PER_SCOPE as usize) {
        let _scope = HandleScope::open(js.env)?;
        let (support_key, itemsets_key) =
            (js.create_string("support")?, js.create_string("itemsets")?);
        for row in first..n.min(first + ROWS_PER_SCOPE) {
            let object = js.element(array, row)?;
            let bad = || {
                Fail::arg(format!(
                    "itemset row {row} is not {{support: number, itemsets: string[]}}; pass the \
                     rows frequentItemsets returned"
                ))
            };
            if js.type_of(object)? != sys::ValueType::napi_object {
                return Err(bad());
            }
            let support = js.property(object, support_key)?;
            let items = js.property(object, itemsets_key)?;
            if js.type_of(support)? != sys::ValueType::napi_number || !js.is_array(items)? {
                return Err(bad());
            }
            supports.push(js.number(support)?);
            let labels = (0..js.array_len(items)?)
                .map(|i| item_text(js, js.element(items, i)?, row))
                .collect::<Result<Vec<String>, _>>()?;
            sets.push(labels);
        }
    }
    Ok(FrequentItemsets::from_rows(&supports, &sets)?)
}

/// Association rules from frequent itemsets, as mlxtend 0.25's `association_rules` (same
/// rules, same metrics).
///
/// `itemsets` is what `frequentItemsets` returned (rows `{support, itemsets}` or Arrow IPC
/// bytes), unfiltered: every subset's support is needed. `metric` (default `'confidence'`) is
/// one of mlxtend's names — `'antecedent support'`, `'consequent support'`, `'support'`,
/// `'confidence'`, `'lift'`, `'representativity'`, `'leverage'`, `'conviction'`,
/// `'zhangs_metric'`, `'jaccard'`, `'certainty'`, `'kulczynski'` — or its camelCase row key;
/// `minThreshold` (default 0.8) its least value.
///
/// Returns one row per rule: `antecedents`, `consequents` (arrays of strings), then
/// `antecedentSupport`, `consequentSupport`, `support`, `confidence`, `lift`,
/// `representativity`, `leverage`, `conviction` (`Infinity` when confidence is 1),
/// `zhangsMetric`, `jaccard`, `certainty`, `kulczynski`; `{format: 'arrow'}` gives Arrow IPC
/// bytes with mlxtend's column names. Throws an `InvalidArgumentError` for an unknown metric
/// (listing them), a NaN threshold, or itemsets whose subsets are missing.
///
/// ```js
/// const rules = associationRules(frequentItemsets(baskets, 0.01), 'lift', 1.2)
/// ```
#[napi(ts_return_type = "Array<Record<string, unknown>> | Buffer")]
pub fn association_rules(
    env: Env,
    #[napi(ts_arg_type = "Array<{ support: number, itemsets: string[] }> | Uint8Array")]
    itemsets: Unknown<'_>,
    #[napi(
        ts_arg_type = "'antecedent support' | 'consequent support' | 'support' | 'confidence' | 'lift' | 'representativity' | 'leverage' | 'conviction' | 'zhangs_metric' | 'jaccard' | 'certainty' | 'kulczynski' | 'antecedentSupport' | 'consequentSupport' | 'zhangsMetric' | null"
    )]
    metric: Option<String>,
    min_threshold: Option<f64>,
    #[napi(ts_arg_type = "AssociationRulesOptions")] options: Option<Unknown<'_>>,
) -> Result<Unknown<'static>, CodedError> {
    sync(|| {
        let js = Js::new(&env);
        let o: Option<AssociationRulesOptions> =
            read_options(&env, options, RULES_KEYS, "options")?;
        let format = Format::parse(o.and_then(|o| o.format).as_deref())?;
        let metric = metric_named(metric.as_deref().unwrap_or("confidence"))?;
        let raw = itemsets.raw();
        let sets = if js.is_typedarray(raw)? {
            let bytes = unsafe { Uint8Array::from_napi_value(js.env, raw) }?;
            let batches = read_ipc(&bytes)?;
            let schema = batches[0].schema();
            let mut reader =
                arrow_array::RecordBatchIterator::new(batches.into_iter().map(Ok), schema);
            itemsets_from_arrow(&mut reader)?
        } else if js.is_array(raw)? {
            read_itemset_rows(js, raw)?
        } else {
            return Err(Fail::arg(
                "itemsets must be the rows frequentItemsets returned, or Arrow IPC bytes",
            ));
        };
        let frame = itemsets::association_rules(&sets, metric, min_threshold.unwrap_or(0.8))?;
        answer(&env, &frame, format)
    })
}
