// The models that stand alone: rfmSummary and the BTYD classes, against the published CDNOW fits
// (../shared/data/cdnow/PROVENANCE.md) and lifetimes 0.11.3's own outputs
// (tests/fixtures/btyd, made by make_lifetimes_fixture.py), as tests/btyd.rs checks the core.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { dirname, join } from 'node:path'
import { tableFromArrays, tableFromIPC, tableToIPC } from 'apache-arrow'
import { salespulse } from '../test-support/fixtures.mjs'

const { rfmSummary, BetaGeo, ModifiedBetaGeo, ParetoNBD, GammaGamma } = salespulse

const HERE = dirname(fileURLToPath(import.meta.url))
const REPO = join(HERE, '..', '..')
const CDNOW = join(REPO, '..', 'shared', 'data', 'cdnow')
const FIXTURES = join(REPO, 'tests', 'fixtures', 'btyd')

/** A numeric CSV as columns of Float64Array, by header name. */
function readCsv (path) {
  const [header, ...lines] = readFileSync(path, 'utf8').trim().split(/\r?\n/)
  const names = header.split(',')
  const columns = Object.fromEntries(names.map((n) => [n, new Float64Array(lines.length)]))
  lines.forEach((line, i) => {
    line.split(',').forEach((cell, j) => { columns[names[j]][i] = Number(cell) })
  })
  return columns
}

const summary = readCsv(join(CDNOW, 'cdnow_customers_summary.csv'))
const withSpend = readCsv(join(CDNOW, 'cdnow_customers_summary_with_transactions.csv'))
const predictions = readCsv(join(FIXTURES, 'lifetimes_cdnow_predictions.csv'))
const lifetimes = JSON.parse(readFileSync(join(FIXTURES, 'lifetimes_cdnow_params.json'), 'utf8'))
const { frequency, recency, T } = summary

const rel = (got, want) => Math.abs(got - want) / Math.abs(want)

function assertWithin (label, got, want, tolerance) {
  for (const [name, value] of Object.entries(want)) {
    assert.ok(typeof got[name] === 'number', `${label}: ${name} missing in ${JSON.stringify(got)}`)
    assert.ok(rel(got[name], value) < tolerance,
      `${label}: ${name} = ${got[name]}, want ${value} within ${tolerance * 100}%`)
  }
}

function maxAbsDiff (got, want) {
  assert.equal(got.length, want.length)
  let worst = 0
  for (let i = 0; i < got.length; i++) worst = Math.max(worst, Math.abs(got[i] - want[i]))
  return worst
}

function throwsWith (fn, code, message) {
  assert.throws(fn, (err) => {
    assert.ok(err instanceof Error, 'an Error')
    assert.equal(err.code, code, err.message)
    if (message) assert.match(err.message, message)
    return true
  })
}

test('BG/NBD on CDNOW matches the published fit and lifetimes', () => {
  const bg = new BetaGeo()
  assert.equal(bg.isFitted, false)
  assert.equal(bg.fit(frequency, recency, T), bg, 'fit returns the model')
  assert.ok(bg instanceof BetaGeo && bg.isFitted)
  assert.deepEqual(Object.keys(bg.params), ['r', 'alpha', 'a', 'b'])
  assertWithin('BG/NBD', bg.params, { r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 }, 0.005)
  assertWithin('BG/NBD vs lifetimes', bg.params, lifetimes.bg.params, 2e-4)
  assertWithin('BG/NBD standard errors', bg.standardErrors, lifetimes.bg.std_errors, 5e-3)
  assert.ok(Math.abs(bg.logLikelihood - -9582.4) < 0.05, `log-likelihood ${bg.logLikelihood}`)
  assert.ok(Math.abs(bg.logLikelihood - lifetimes.bg.log_likelihood) < 1e-4)
  // Plain arrays give the same fit as Float64Arrays.
  const again = new BetaGeo().fit(Array.from(frequency), Array.from(recency), Array.from(T))
  assert.deepEqual(again.params, bg.params)
  // lifetimes' summary table.
  const rows = bg.summary()
  assert.deepEqual(rows.map((r) => r.parameter), ['r', 'alpha', 'a', 'b'])
  assert.equal(rows[0].coef, bg.params.r)
  assert.equal(rows[0]['se(coef)'], bg.standardErrors.r)
  assert.ok(rows[0]['lower 95% bound'] < bg.params.r && bg.params.r < rows[0]['upper 95% bound'])
  const arrow = tableFromIPC(bg.summary({ format: 'arrow' }))
  assert.equal(arrow.numRows, 4)
})

test('Pareto/NBD on CDNOW matches the published fit', () => {
  const pnbd = new ParetoNBD().fit(frequency, recency, T)
  assert.deepEqual(Object.keys(pnbd.params), ['r', 'alpha', 's', 'beta'])
  assertWithin('Pareto/NBD', pnbd.params, { r: 0.553, alpha: 10.578, s: 0.606, beta: 11.669 }, 0.005)
  assertWithin('Pareto/NBD vs lifetimes', pnbd.params, lifetimes.pnbd.params, 2e-3)
  assert.ok(Math.abs(pnbd.logLikelihood - -9595.0) < 0.05, `log-likelihood ${pnbd.logLikelihood}`)
  for (const [name, se] of Object.entries(pnbd.standardErrors)) {
    assert.ok(se > 0 && se < pnbd.params[name], `se ${name} = ${se}`)
  }
})

test('MBG/NBD on CDNOW matches lifetimes', () => {
  const mbg = new ModifiedBetaGeo().fit(frequency, recency, T)
  assertWithin('MBG/NBD vs lifetimes', mbg.params, lifetimes.mbg.params, 2e-4)
  assert.ok(Math.abs(mbg.logLikelihood - lifetimes.mbg.log_likelihood) < 1e-4)
})

test('Gamma-Gamma on the CDNOW repeat buyers matches the published fit', () => {
  const repeat = [...withSpend.x.keys()].filter((i) => withSpend.x[i] > 0)
  assert.equal(repeat.length, 946)
  const x = Float64Array.from(repeat, (i) => withSpend.x[i])
  const m = Float64Array.from(repeat, (i) => withSpend.zbar[i])
  const gg = new GammaGamma().fit(x, m)
  assert.deepEqual(Object.keys(gg.params), ['p', 'q', 'v'])
  // The papers' gamma is lifetimes' (and salespulse's) v.
  assertWithin('Gamma-Gamma', gg.params, { p: 6.25, q: 3.74, v: 15.44 }, 0.005)
  assertWithin('Gamma-Gamma vs lifetimes', gg.params, lifetimes.gg.params, 2e-4)
  assert.ok(Math.abs(gg.logLikelihood - lifetimes.gg.log_likelihood) < 1e-4)
  // Rows with x = 0 are skipped by the fit itself.
  assert.deepEqual(new GammaGamma().fit(withSpend.x, withSpend.zbar).params, gg.params)
})

test('predictions at lifetimes\' parameters equal lifetimes\' to 1e-6', () => {
  const models = [
    ['bg', BetaGeo.fromParams(lifetimes.bg.params)],
    ['mbg', ModifiedBetaGeo.fromParams(lifetimes.mbg.params)],
    ['pnbd', ParetoNBD.fromParams(lifetimes.pnbd.params)]
  ]
  for (const [prefix, model] of models) {
    assert.ok(model.isFitted)
    const alive = model.pAlive(frequency, recency, T)
    assert.ok(alive instanceof Float64Array)
    assert.equal(alive.length, frequency.length)
    const diffs = {
      p_alive: maxAbsDiff(alive, predictions[`${prefix}_p_alive`]),
      exp_10: maxAbsDiff(model.expectedPurchases(10, frequency, recency, T), predictions[`${prefix}_exp_10`]),
      exp_52: maxAbsDiff(model.expectedPurchases(52, frequency, recency, T), predictions[`${prefix}_exp_52`])
    }
    for (const [name, diff] of Object.entries(diffs)) {
      assert.ok(diff < 1e-6, `${prefix} ${name}: max |ours - lifetimes| = ${diff}`)
    }
    const fresh = model.expectedPurchasesNewCustomer([10, 52])
    assert.ok(Math.abs(fresh[0] - lifetimes[prefix].new_customer['10']) < 1e-9, `${prefix} E[10] new`)
    assert.ok(Math.abs(fresh[1] - lifetimes[prefix].new_customer['52']) < 1e-9, `${prefix} E[52] new`)
    // Given parameters come back as given, without standard errors or a log-likelihood.
    assert.deepEqual(model.params, lifetimes[prefix].params)
    assert.ok(Object.values(model.standardErrors).every((se) => se === null))
    throwsWith(() => model.logLikelihood, 'NotFittedError', /fromParams/)
  }
  // The parameters as numbers in order, and single values standing for every row.
  const { r, alpha, a, b } = lifetimes.bg.params
  const bg = BetaGeo.fromParams([r, alpha, a, b])
  const one = bg.pAlive(frequency[0], recency[0], T[0])
  assert.ok(one instanceof Float64Array && one.length === 1)
  assert.equal(one[0], predictions.bg_p_alive[0])
  const sameT = bg.pAlive([2, 1, 0], [30.43, 1.71, 0], 38.86)
  assert.deepEqual(Array.from(sameT), Array.from(bg.pAlive([2, 1, 0], [30.43, 1.71, 0], [38.86, 38.86, 38.86])))
  // Other typed arrays are widened.
  assert.deepEqual(bg.pAlive(Int32Array.of(2, 1), Float32Array.of(30.5, 1.5), 38.86),
    bg.pAlive([2, 1], [30.5, 1.5], 38.86))
  // A horizon per customer.
  const horizons = bg.expectedPurchases([10, 52], [2, 2], [30.43, 30.43], [38.86, 38.86])
  assert.ok(Math.abs(horizons[0] - predictions.bg_exp_10[0]) < 1e-9)
  assert.ok(Math.abs(horizons[1] - predictions.bg_exp_52[0]) < 1e-9)
})

test('a fit started at lifetimes\' optimum stays there', () => {
  const bg = new BetaGeo({ initialParams: lifetimes.bg.params, maxIterations: 50, tolerance: 1e-9 })
  bg.fit(frequency, recency, T)
  assertWithin('BG/NBD from lifetimes\' start', bg.params, lifetimes.bg.params, 2e-4)
})

test('Gamma-Gamma spend and CLV equal lifetimes\'', () => {
  const gg = GammaGamma.fromParams(lifetimes.gg.params)
  const bg = BetaGeo.fromParams(lifetimes.bg.params)
  const { x, t_x: tx, T: age, zbar } = withSpend
  const spend = gg.expectedSpend(x, zbar)
  assert.ok(maxAbsDiff(spend, predictions.gg_spend) < 1e-9)
  const clv = gg.clv(bg, x, tx, age, zbar, { months: 12, discountRate: 0.01, timeUnit: 'W' })
  assert.ok(clv instanceof Float64Array && clv.length === x.length)
  const diff = maxAbsDiff(clv, predictions.gg_clv_bg)
  assert.ok(diff < 1e-6, `CLV: max |ours - lifetimes| = ${diff}`)
  // Defaults: 12 months, 1% a month, days.
  const days = gg.clv(bg, x, tx, age, zbar)
  const explicit = gg.clv(bg, x, tx, age, zbar, { months: 12, discountRate: 0.01, timeUnit: 'D' })
  assert.deepEqual(Array.from(days), Array.from(explicit))
  // Any transaction model works.
  const pnbd = ParetoNBD.fromParams(lifetimes.pnbd.params)
  assert.equal(gg.clv(pnbd, 2, 30.43, 38.86, 22.35, { timeUnit: 'W' }).length, 1)
})

test('weights stand for repeated rows', () => {
  // The first 500 customers, each row twice, vs once with weight 2.
  const n = 500
  const pick = (c) => c.subarray(0, n)
  const twice = (c) => Float64Array.from([...pick(c), ...pick(c)])
  const doubled = new BetaGeo().fit(twice(frequency), twice(recency), twice(T))
  const weighted = new BetaGeo().fit(pick(frequency), pick(recency), pick(T), 2)
  assertWithin('weighted', weighted.params, doubled.params, 1e-6)
})

/** CDNOW_sample.txt: customer, sample id, date YYYYMMDD, cds, dollars (whitespace separated). */
function cdnowTransactions () {
  return readFileSync(join(CDNOW, 'CDNOW_sample.txt'), 'utf8')
    .split(/\r?\n/)
    .filter((line) => line.trim())
    .map((line) => {
      const [customer, , ymd, , dollars] = line.trim().split(/\s+/)
      const date = `${ymd.slice(0, 4)}-${ymd.slice(4, 6)}-${ymd.slice(6, 8)}`
      return { customer: Number(customer), date, dollars: Number(dollars) }
    })
}

function assertSummaryMatches (got, want, label) {
  assert.equal(got.length, want.customer.length, `${label}: customers`)
  for (let i = 0; i < got.length; i++) {
    const row = got[i]
    assert.equal(row.customer, want.customer[i], `${label}: customer of row ${i}`)
    assert.equal(row.frequency, want.frequency[i], `${label}: frequency of row ${i}`)
    assert.equal(row.recency, want.recency[i], `${label}: recency of row ${i}`)
    assert.equal(row.T, want.T[i], `${label}: T of row ${i}`)
    const m = want.monetary_value[i]
    assert.ok(Math.abs(row.monetaryValue - m) <= 1e-9 * Math.max(Math.abs(m), 1),
      `${label}: monetary value of row ${i}: ${row.monetaryValue} vs ${m}`)
  }
}

test('rfmSummary equals lifetimes\' summary_data_from_transaction_data on CDNOW', () => {
  const transactions = cdnowTransactions()
  assert.equal(transactions.length, 6919)
  const options = { customerCol: 'customer', dateCol: 'date', observationEnd: '1998-06-30', monetaryCol: 'dollars' }
  const days = rfmSummary(transactions, { ...options, freq: 'D' })
  assert.deepEqual(Object.keys(days[0]), ['customer', 'frequency', 'recency', 'T', 'monetaryValue'])
  assertSummaryMatches(days, readCsv(join(FIXTURES, 'lifetimes_cdnow_rfm_D.csv')), 'D')
  // 'D' is the default.
  assert.deepEqual(rfmSummary(transactions, options), days)
  const weeks = rfmSummary(transactions, { ...options, freq: 'W' })
  assertSummaryMatches(weeks, readCsv(join(FIXTURES, 'lifetimes_cdnow_rfm_W.csv')), 'W')

  // The same table as Arrow IPC bytes, and the answer as Arrow.
  const ipc = tableToIPC(tableFromArrays({
    customer: Int32Array.from(transactions, (t) => t.customer),
    date: transactions.map((t) => t.date),
    dollars: Float64Array.from(transactions, (t) => t.dollars)
  }))
  assert.deepEqual(rfmSummary(ipc, { ...options, freq: 'D' }), days)
  const table = tableFromIPC(rfmSummary(ipc, { ...options, format: 'arrow' }))
  assert.deepEqual(table.schema.fields.map((f) => f.name), ['customer', 'frequency', 'recency', 'T', 'monetary_value'])
  assert.equal(table.numRows, days.length)
  assert.equal(table.getChild('T').get(0), days[0].T)

  // The summary feeds the models.
  const column = (name) => Float64Array.from(weeks, (row) => row[name])
  const bg = new BetaGeo().fit(column('frequency'), column('recency'), column('T'))
  assert.ok(bg.params.r > 0)
})

test('rfmSummary reads Dates and ids as text, and answers without monetary values', () => {
  const rows = [
    { id: 'b', at: new Date(Date.UTC(2024, 0, 1, 12)), amount: 5 },
    { id: 'a', at: new Date(Date.UTC(2024, 0, 3, 23, 30)), amount: 7 },
    { id: 'a', at: new Date(Date.UTC(2024, 0, 10, 8)), amount: 9 },
    { id: 'a', at: new Date(Date.UTC(2024, 0, 10, 9)), amount: 1 }
  ]
  const got = rfmSummary(rows, { customerCol: 'id', dateCol: 'at', observationEnd: new Date(Date.UTC(2024, 0, 31)) })
  assert.deepEqual(got, [
    { id: 'a', frequency: 1, recency: 7, T: 28 },
    { id: 'b', frequency: 0, recency: 0, T: 30 }
  ])
  // Timestamps become days in the given zone (23:30 UTC is the next day in Berlin).
  const berlin = rfmSummary(rows, { customerCol: 'id', dateCol: 'at', observationEnd: '2024-01-31', timezone: 'Europe/Berlin' })
  assert.equal(berlin[0].T, 27)
  // No end: the last transaction's day.
  const open = rfmSummary(rows, { customerCol: 'id', dateCol: 'at', monetaryCol: 'amount' })
  assert.deepEqual(open[0], { id: 'a', frequency: 1, recency: 7, T: 7, monetaryValue: 10 })
  // An empty array is a table without rows.
  assert.deepEqual(rfmSummary([], { customerCol: 'id', dateCol: 'at' }), [])
})

test('bad input throws Errors with a code', () => {
  const rows = cdnowTransactions().slice(0, 20)
  const options = { customerCol: 'customer', dateCol: 'date' }
  throwsWith(() => rfmSummary(rows, { ...options, dateCol: 'day' }), 'SchemaError', /no column "day".*"customer", "date", "dollars"/)
  throwsWith(() => rfmSummary(rows, { ...options, freq: 'M' }), 'InvalidArgumentError', /freq/)
  throwsWith(() => rfmSummary(rows, { ...options, observationEnd: 'soon' }), 'InvalidArgumentError', /observationEnd/)
  throwsWith(() => rfmSummary(rows, { ...options, timezone: 'Mars/Olympus' }), 'InvalidArgumentError', /timezone/)
  throwsWith(() => rfmSummary(rows, { ...options, custmerCol: 'x' }), 'InvalidArgumentError', /no key "custmerCol"/)
  throwsWith(() => rfmSummary(rows, { dateCol: 'date' }), 'InvalidArgumentError', /customerCol/)
  throwsWith(() => rfmSummary(rows), 'InvalidArgumentError', /options/)
  throwsWith(() => rfmSummary('rows', options), 'InvalidArgumentError', /array of row objects/)
  const broken = rows.map((r, i) => (i === 3 ? { ...r, date: 'not a date' } : r))
  throwsWith(() => rfmSummary(broken, options), 'InvalidArgumentError', /row 3: "date"/)
  const noValue = rows.map((r, i) => (i === 5 ? { ...r, dollars: null } : r))
  throwsWith(() => rfmSummary(noValue, { ...options, monetaryCol: 'dollars' }), 'InvalidArgumentError', /row 5: "dollars"/)
  throwsWith(() => rfmSummary(Buffer.from('not arrow'), options), 'InvalidArgumentError', /Arrow IPC/)

  throwsWith(() => new BetaGeo({ penalizer: -1 }), 'InvalidArgumentError', /penalizer/)
  throwsWith(() => new BetaGeo({ maxIterations: 0 }), 'InvalidArgumentError', /max_iterations/)
  throwsWith(() => new BetaGeo({ maxIterations: 2.5 }), 'InvalidArgumentError', /maxIterations/)
  throwsWith(() => new BetaGeo({ max_iterations: 10 }), 'InvalidArgumentError', /did you mean "maxIterations"/)
  throwsWith(() => new BetaGeo({ initialParams: { r: 1, alpha: 1, a: 1 } }), 'InvalidArgumentError', /"b" is missing/)
  throwsWith(() => BetaGeo.fromParams({ r: 1, alpha: 1, a: 1, b: 1, s: 1 }), 'InvalidArgumentError', /unknown parameter "s"/)
  throwsWith(() => ParetoNBD.fromParams({ r: 1, alpha: 1, s: -1, beta: 1 }), 'InvalidArgumentError', /s = -1/)
  throwsWith(() => GammaGamma.fromParams([1, 2]), 'InvalidArgumentError', /p, q, v/)

  const bg = new BetaGeo()
  throwsWith(() => bg.fit([1, 2, 3], [1, 2], [5, 5, 5]), 'InvalidArgumentError', /recency has 2 rows but frequency has 3/)
  throwsWith(() => bg.fit('1,2,3', [1, 2, 3], [5, 5, 5]), 'InvalidArgumentError', /frequency is a string/)
  throwsWith(() => bg.fit([1, null, 3], [1, 2, 3], [5, 5, 5]), 'InvalidArgumentError', /frequency\[1\] is null/)
  throwsWith(() => bg.fit([1, 2, 3], [1, 9, 3], [5, 5, 5]), 'InvalidArgumentError', /row 1/)
  throwsWith(() => bg.fit([0, 0, 0], [0, 0, 0], [5, 5, 5]), 'InvalidArgumentError')
  throwsWith(() => bg.fit([1, 2], [1, 2], [5, 5], [1, -1]), 'InvalidArgumentError', /weight/)
  assert.equal(bg.isFitted, false, 'a failed fit leaves the model unfitted')
  const fitted = new BetaGeo().fit(frequency, recency, T)
  const before = fitted.params
  throwsWith(() => fitted.fit([1], [2], [1]), 'InvalidArgumentError')
  assert.deepEqual(fitted.params, before, 'a failed fit leaves the model as it was')
  throwsWith(() => fitted.pAlive([1, 2], [1, 2, 3], 10), 'InvalidArgumentError', /rows/)
  throwsWith(() => fitted.pAlive(1.5, 1, 10), 'InvalidArgumentError', /frequency/)
  throwsWith(() => fitted.expectedPurchases(-1, 1, 1, 10), 'InvalidArgumentError', /horizon/)

  const gg = GammaGamma.fromParams(lifetimes.gg.params)
  throwsWith(() => gg.clv({}, 1, 1, 10, 5), 'InvalidArgumentError', /model must be a BetaGeo/)
  throwsWith(() => gg.clv(gg, 1, 1, 10, 5), 'InvalidArgumentError', /model must be a BetaGeo/)
  throwsWith(() => gg.clv(Object.create(BetaGeo.prototype), 1, 1, 10, 5), 'InvalidArgumentError', /model must be a BetaGeo/)
  throwsWith(() => gg.clv(fitted, 1, 1, 10, 5, { timeUnit: 'fortnight' }), 'InvalidArgumentError', /time_unit/)
  throwsWith(() => gg.clv(fitted, 1, 1, 10, 5, { months: -1 }), 'InvalidArgumentError', /months/)
  throwsWith(() => gg.clv(fitted, 1, 1, 10, 5, { discountRate: -2 }), 'InvalidArgumentError', /discount rate/)
  throwsWith(() => gg.expectedSpend(2, -5), 'InvalidArgumentError', /monetary value/)
})

test('predictions before a fit throw NotFittedError', () => {
  for (const Model of [BetaGeo, ModifiedBetaGeo, ParetoNBD]) {
    const model = new Model()
    throwsWith(() => model.pAlive(1, 1, 10), 'NotFittedError', new RegExp(`${Model.name} is not fitted yet.*\\.fit\\(`))
    throwsWith(() => model.expectedPurchases(10, 1, 1, 10), 'NotFittedError')
    throwsWith(() => model.expectedPurchasesNewCustomer(10), 'NotFittedError')
    throwsWith(() => model.params, 'NotFittedError')
    throwsWith(() => model.standardErrors, 'NotFittedError')
    throwsWith(() => model.logLikelihood, 'NotFittedError')
    throwsWith(() => model.summary(), 'NotFittedError')
  }
  const gg = new GammaGamma()
  throwsWith(() => gg.expectedSpend(1, 10), 'NotFittedError', /GammaGamma is not fitted yet/)
  throwsWith(() => gg.params, 'NotFittedError')
  const bg = BetaGeo.fromParams(lifetimes.bg.params)
  throwsWith(() => gg.clv(bg, 1, 1, 10, 5), 'NotFittedError')
  // An unfitted transaction model cannot value customers either.
  throwsWith(() => GammaGamma.fromParams(lifetimes.gg.params).clv(new BetaGeo(), 1, 1, 10, 5), 'NotFittedError', /BetaGeo/)
})
