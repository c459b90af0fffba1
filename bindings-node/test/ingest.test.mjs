import { test } from 'node:test'
import assert from 'node:assert/strict'
import {
  Table, tableFromArrays, tableToIPC, vectorFromArray, makeVector,
  DateDay, TimestampMillisecond, Dictionary, Utf8, Int32, TimeUnit, Timestamp
} from 'apache-arrow'
import { Engine, orders, customers, reps, products, deals, snake, counts, customersAt } from '../test-support/fixtures.mjs'

/** Asserts that `promise` rejects with an Error whose code is `code` and whose message matches. */
async function rejectsWith (promise, code, message) {
  await assert.rejects(promise, (err) => {
    assert.ok(err instanceof Error, 'an Error')
    assert.equal(err.code, code, err.message)
    if (message) assert.match(err.message, message)
    return true
  })
}

function throwsWith (fn, code, message) {
  assert.throws(fn, (err) => {
    assert.ok(err instanceof Error, 'an Error')
    assert.equal(err.code, code, err.message)
    if (message) assert.match(err.message, message)
    return true
  })
}

// ---- every table, every input form ----------------------------------------------------------

test('every table from plain objects with camelCase keys', async () => {
  const engine = new Engine()
  assert.equal((await engine.ingestReps(reps())).accepted, 3)
  assert.equal((await engine.ingestCustomers(customers())).accepted, 3)
  assert.equal((await engine.ingestProducts(products())).accepted, 3)
  const report = await engine.ingestOrders(orders())
  assert.deepEqual(report, { accepted: 6, duplicates: 0, rejected: [] })
  assert.equal((await engine.ingestDeals(deals())).accepted, 2)
  const stats = engine.stats()
  assert.equal(stats.customers, 3)
  assert.equal(stats.products, 3)
  assert.equal(stats.reps, 3)
  assert.equal(stats.lines, 6)
  assert.equal(stats.orders, 5)
  assert.equal(stats.deals, 2)
  assert.ok(stats.heapBytes > 0)
})

test('snake_case keys give the same engine as camelCase keys', async () => {
  const camel = new Engine()
  const snaked = new Engine()
  await camel.ingestCustomers(customers())
  await snaked.ingestCustomers(snake(customers()))
  await camel.ingestOrders(orders())
  const report = await snaked.ingestOrders(snake(orders()))
  assert.equal(report.accepted, 6)
  assert.deepEqual(snaked.kpis('2024-03-31', 'segment'), camel.kpis('2024-03-31', 'segment'))
  assert.equal((await snaked.ingestDeals(snake(deals()))).accepted, 2)
})

test('Date objects and ISO strings are the same days', async () => {
  const iso = new Engine()
  await iso.ingestOrders(orders())
  const dated = new Engine()
  const rows = orders().map((r) => ({ ...r, date: new Date(r.date + 'T12:00:00Z') }))
  assert.equal((await dated.ingestOrders(rows)).accepted, 6)
  assert.deepEqual(dated.kpis('2024-03-31'), iso.kpis('2024-03-31'))
  assert.deepEqual(dated.kpis('2024-03-10'), iso.kpis('2024-03-10'))
})

test('a Date is an instant: its day is taken in the engine zone', async () => {
  const late = [{ orderId: 'SO-1', customerId: 'C1', productId: 'P1', date: new Date('2024-03-31T23:30:00Z'), quantity: 1, netAmount: 10 }]
  const jerusalem = new Engine({ timezone: 'Asia/Jerusalem' })
  assert.equal(jerusalem.ingestOrdersSync(late).accepted, 1)
  assert.equal(customersAt(jerusalem, '2024-03-31'), 0)
  assert.equal(customersAt(jerusalem, '2024-04-01'), 1)
  const utc = new Engine()
  utc.ingestOrdersSync(late)
  assert.equal(customersAt(utc, '2024-03-31'), 1)
})

test('ingest is idempotent', async () => {
  const engine = new Engine()
  await engine.ingestOrders(orders())
  const again = await engine.ingestOrders(orders())
  assert.equal(again.accepted, 0)
  assert.equal(again.duplicates, 6)
  assert.equal(engine.stats().lines, 6)
})

test('the sync calls do what the async ones do', async () => {
  const a = new Engine()
  const b = new Engine()
  await a.ingestReps(reps()); b.ingestRepsSync(reps())
  await a.ingestCustomers(customers()); b.ingestCustomersSync(customers())
  await a.ingestProducts(products()); b.ingestProductsSync(products())
  await a.ingestDeals(deals()); b.ingestDealsSync(deals())
  const report = b.ingestOrdersSync(orders())
  assert.deepEqual(report, await a.ingestOrders(orders()))
  assert.deepEqual(counts(a), counts(b))
})

test('numeric and BigInt ids, rows with keys left out, null cells', async () => {
  const rows = orders().map((r, i) => ({ ...r, customerId: [101, 101, 102, 103, 101, 102][i] }))
  rows[0].customerId = 101n
  delete rows[2].lineNo // an optional key missing from one row
  rows[3].repId = 'R9' // an optional key present in one row only
  rows[4].listAmount = null
  const engine = new Engine()
  const report = await engine.ingestOrders(rows)
  assert.equal(report.accepted, 6, JSON.stringify(report))
  assert.equal(engine.stats().customers, 3)
})

test('an empty array is an empty report', async () => {
  assert.deepEqual(await new Engine().ingestOrders([]), { accepted: 0, duplicates: 0, rejected: [] })
})

// ---- Arrow IPC -------------------------------------------------------------------------------

function arrowOrders () {
  const rows = orders()
  return tableFromArrays({
    order_id: rows.map((r) => r.orderId),
    line_no: Int32Array.from(rows.map((r) => r.lineNo)),
    customer_id: rows.map((r) => r.customerId),
    product_id: rows.map((r) => r.productId),
    date: rows.map((r) => r.date),
    quantity: Float64Array.from(rows.map((r) => r.quantity)),
    net_amount: Float64Array.from(rows.map((r) => r.netAmount))
  })
}

test('Arrow IPC from tableToIPC, stream and file format, Buffer or Uint8Array', async () => {
  const table = arrowOrders()
  const stream = tableToIPC(table, 'stream')
  const file = tableToIPC(table, 'file')
  assert.ok(stream instanceof Uint8Array)
  const engine = new Engine()
  assert.equal((await engine.ingestOrders(stream)).accepted, 6)
  assert.equal((await engine.ingestOrders(file)).duplicates, 6)
  assert.equal(engine.ingestOrdersSync(Buffer.from(stream)).duplicates, 6)
  const fromObjects = new Engine()
  await fromObjects.ingestOrders(orders())
  assert.deepEqual(engine.kpis('2024-03-31'), fromObjects.kpis('2024-03-31'))
})

test('Arrow dates, zoned timestamps and dictionary strings', async () => {
  const n = 6
  const rows = orders()
  const days = rows.map((r) => new Date(r.date + 'T00:00:00Z'))
  const dict = vectorFromArray(rows.map((r) => r.customerId), new Dictionary(new Utf8(), new Int32()))
  const asDate32 = new Table({
    order_id: vectorFromArray(rows.map((r) => r.orderId)),
    line_no: vectorFromArray(rows.map((r) => r.lineNo), new Int32()),
    customer_id: dict,
    product_id: vectorFromArray(rows.map((r) => r.productId)),
    date: vectorFromArray(days, new DateDay()),
    quantity: makeVector(Float64Array.from(rows.map((r) => r.quantity))),
    net_amount: makeVector(Float64Array.from(rows.map((r) => r.netAmount)))
  })
  assert.equal(asDate32.numRows, n)
  const engine = new Engine()
  const report = await engine.ingestOrders(tableToIPC(asDate32))
  assert.equal(report.accepted, n, JSON.stringify(report))
  assert.equal(customersAt(engine, '2024-03-31'), 3)

  // 23:30 UTC on March 31 is April 1 in Jerusalem.
  const late = new Table({
    order_id: vectorFromArray(['SO-9']),
    customer_id: vectorFromArray(['C9']),
    product_id: vectorFromArray(['P1']),
    date: vectorFromArray([new Date('2024-03-31T23:30:00Z')], new Timestamp(TimeUnit.MILLISECOND, 'UTC')),
    quantity: makeVector(Float64Array.from([1])),
    net_amount: makeVector(Float64Array.from([10]))
  })
  const jerusalem = new Engine({ timezone: 'Asia/Jerusalem' })
  assert.equal((await jerusalem.ingestOrders(tableToIPC(late))).accepted, 1)
  assert.equal(customersAt(jerusalem, '2024-03-31'), 0)
  assert.equal(customersAt(jerusalem, '2024-04-01'), 1)
  // A timestamp without a zone keeps its wall-clock date.
  const naive = late.getChild('date').toArray()
  assert.ok(naive)
  const wall = new Table({ ...Object.fromEntries(late.schema.fields.map((f) => [f.name, late.getChild(f.name)])), date: vectorFromArray([new Date('2024-03-31T23:30:00Z')], new TimestampMillisecond()) })
  const local = new Engine({ timezone: 'Asia/Jerusalem' })
  await local.ingestOrders(tableToIPC(wall))
  assert.equal(customersAt(local, '2024-03-31'), 1)
})

test('bytes that are not Arrow IPC reject with InvalidArgumentError', async () => {
  await rejectsWith(new Engine().ingestOrders(Buffer.from('not arrow at all')), 'InvalidArgumentError', /Arrow IPC/)
  await rejectsWith(new Engine().ingestOrders(new Uint8Array(0)), 'InvalidArgumentError', /empty/)
})

test('a missing Arrow column is a SchemaError naming it, before any row is taken', async () => {
  const table = arrowOrders()
  const without = new Table(Object.fromEntries(table.schema.fields.filter((f) => f.name !== 'net_amount').map((f) => [f.name, table.getChild(f.name)])))
  const engine = new Engine()
  await rejectsWith(engine.ingestOrders(tableToIPC(without)), 'SchemaError', /"net_amount"/)
  assert.equal(engine.stats().lines, 0)
})

// ---- bad input -------------------------------------------------------------------------------

test('a missing column is a SchemaError naming it', async () => {
  const engine = new Engine()
  const rows = orders().map(({ netAmount, ...rest }) => rest)
  await rejectsWith(engine.ingestOrders(rows), 'SchemaError', /"net_amount"/)
  throwsWith(() => engine.ingestOrdersSync(rows), 'SchemaError', /"net_amount"/)
  assert.equal(engine.stats().lines, 0)
  await rejectsWith(engine.ingestCustomers([{ segment: 'Retail' }]), 'SchemaError', /customer_id/)
})

test('bad rows are rejected with row, column and reason; good rows are kept', async () => {
  const rows = orders()
  rows[1].quantity = NaN
  rows[3].customerId = null
  rows[4].netAmount = -29.7 // opposite sign to the quantity
  rows[5].date = 'next tuesday'
  const engine = new Engine()
  const report = await engine.ingestOrders(rows)
  assert.equal(report.accepted, 2)
  assert.deepEqual(report.rejected.map((r) => r.row), [1, 3, 4, 5])
  assert.deepEqual(report.rejected.map((r) => r.column), ['quantity', 'customer_id', 'net_amount', 'date'])
  for (const r of report.rejected) assert.ok(typeof r.reason === 'string' && r.reason.length > 0)
  assert.match(report.rejected[3].reason, /next tuesday/)
  assert.equal(engine.stats().lines, 2)
})

test('an invalid Date is rejected as a row', async () => {
  const rows = orders()
  rows[0].date = new Date('not a date')
  const report = await new Engine().ingestOrders(rows)
  assert.equal(report.accepted, 5)
  assert.deepEqual(report.rejected.map((r) => [r.row, r.column]), [[0, 'date']])
})

test('mapping renames columns; its canonical names may be camelCase or snake_case', async () => {
  const rows = orders().map(({ customerId, netAmount, ...rest }) => ({ ...rest, CustomerID: customerId, Sales: netAmount }))
  // "CustomerID" is found without a mapping (case and punctuation are ignored).
  assert.equal((await new Engine().ingestOrders(rows, { mapping: { netAmount: 'Sales' } })).accepted, 6)
  assert.equal((await new Engine().ingestOrders(rows, { mapping: { net_amount: 'Sales' } })).accepted, 6)
  await rejectsWith(new Engine().ingestOrders(rows, { mapping: { netAmount: 'Umsatz' } }), 'SchemaError', /Umsatz/)
  await rejectsWith(new Engine().ingestOrders(rows, { mapping: { turnover: 'Sales' } }), 'SchemaError', /not a column/)
})

test('dateFormat reads day-first dates', async () => {
  const rows = orders().map((r) => ({ ...r, date: r.date.split('-').reverse().join('/') }))
  const report = await new Engine().ingestOrders(rows)
  assert.equal(report.accepted, 0)
  assert.match(report.rejected[0].reason, /day_first/)
  assert.equal((await new Engine().ingestOrders(rows, { dateFormat: 'day_first' })).accepted, 6)
  await rejectsWith(new Engine().ingestOrders(rows, { dateFormat: 'yyyy' }), 'InvalidArgumentError', /dateFormat/)
  await rejectsWith(new Engine().ingestOrders(rows, { date_format: 'day_first' }), 'InvalidArgumentError', /dateFormat/)
})

test('what is not a table rejects with InvalidArgumentError (the promise rejects, no throw)', async () => {
  const engine = new Engine()
  for (const table of [undefined, null, 42, 'orders.csv', { orderId: 'SO-1' }, new Float64Array(3)]) {
    const promise = engine.ingestOrders(table)
    assert.ok(promise instanceof Promise)
    await rejectsWith(promise, 'InvalidArgumentError', /array of row objects/)
  }
  await rejectsWith(engine.ingestOrders([orders()[0], 'SO-2']), 'InvalidArgumentError', /row 1/)
  const nested = orders()
  nested[2].customerId = { id: 'C2' }
  await rejectsWith(engine.ingestOrders(nested), 'InvalidArgumentError', /row 2, key "customerId"/)
  throwsWith(() => engine.ingestOrdersSync(42), 'InvalidArgumentError')
  assert.equal(engine.stats().lines, 0)
})

test('ingest runs off the event loop', async () => {
  const n = 200_000
  const ids = Array.from({ length: n }, (_, i) => `SO-${i}`)
  const table = tableFromArrays({
    order_id: ids,
    customer_id: ids.map((_, i) => `C${i % 5000}`),
    product_id: ids.map((_, i) => `P${i % 300}`),
    date: vectorFromArray(ids.map(() => new Date('2024-03-01T00:00:00Z')), new DateDay()),
    quantity: new Float64Array(n).fill(1),
    net_amount: new Float64Array(n).fill(9.5)
  })
  const bytes = tableToIPC(table)
  let ticks = 0
  let running = true
  const tick = () => { ticks++; if (running) setImmediate(tick) }
  setImmediate(tick)
  const started = performance.now()
  const report = await new Engine().ingestOrders(bytes)
  const elapsed = performance.now() - started
  running = false
  assert.equal(report.accepted, n)
  // A call that held the event loop would leave the ticker one or two turns.
  if (elapsed > 50) assert.ok(ticks > 10, `${ticks} ticks in ${elapsed} ms`)
})

test('rows whose keys differ are read key by key, across many rows', async () => {
  const n = 700
  const rows = Array.from({ length: n }, (_, i) => ({ orderId: `SO-${i}`, customerId: `C${i % 40}`, productId: `P${i % 9}`, date: '2024-03-01', quantity: 1, netAmount: 2 }))
  rows[300] = { ...rows[300], repId: 'R7' } // a key first seen late, in a later handle scope
  const { netAmount, ...swapped } = rows[301]
  rows[301] = { ...swapped, listAmount: 2, net_amount: 2 } // as many keys as known, one of them new
  rows[302].quantity = undefined // an explicit undefined is a missing value
  rows[650] = { netAmount: 2, quantity: 1, date: '2024-03-01', productId: 'P1', customerId: 'C1', orderId: 'SO-650' } // another key order
  const engine = new Engine()
  const report = await engine.ingestOrders(rows, { mapping: { net_amount: 'netAmount' } })
  assert.equal(report.accepted, n - 2, JSON.stringify(report.rejected))
  // Row 301 has its amount under another key; row 302 has no quantity.
  assert.deepEqual(report.rejected.map((r) => [r.row, r.column]), [[301, 'net_amount'], [302, 'quantity']])
  // The late key is a column: the rep of row 300 is known.
  assert.equal(engine.stats().reps, 1)
})
