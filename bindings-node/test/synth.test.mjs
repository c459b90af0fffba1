import { test } from 'node:test'
import assert from 'node:assert/strict'
import { tableFromIPC } from 'apache-arrow'
import { salespulse, Engine, counts } from '../test-support/fixtures.mjs'

const { synth } = salespulse
const small = synth.distributor({ customers: 200, years: 1, seed: 7 })
const TABLES = ['reps', 'customers', 'products', 'orders', 'deals']

test('the tables are arrays of row objects with the API columns', () => {
  assert.match(small.start, /^\d{4}-\d{2}-\d{2}$/)
  assert.match(small.end, /^\d{4}-\d{2}-\d{2}$/)
  for (const name of [...TABLES, 'labels']) assert.ok(Array.isArray(small[name]), name)
  for (const key of ['orderId', 'customerId', 'productId', 'date', 'quantity', 'netAmount']) {
    assert.ok(key in small.orders[0], key)
  }
  for (const key of ['kind', 'customerId', 'productId', 'segment', 'start']) {
    assert.ok(key in small.labels[0], key)
  }
  assert.equal(small.customers.length, 200)
  assert.ok(small.orders.length > 1000)
  assert.ok(small.labels.length > 0)
})

test('same seed, same data', () => {
  const again = synth.distributor({ customers: 200, years: 1, seed: 7 })
  assert.deepEqual(again.orders, small.orders)
  assert.deepEqual(again.labels, small.labels)
  const other = synth.distributor({ customers: 200, years: 1, seed: 8 })
  assert.notDeepEqual(other.orders, small.orders)
})

test('Arrow IPC on request, with the same rows', async () => {
  const data = synth.distributor({ customers: 200, years: 1, seed: 7, format: 'arrow' })
  for (const name of [...TABLES, 'labels']) {
    assert.ok(Buffer.isBuffer(data[name]), name)
    assert.equal(tableFromIPC(data[name]).numRows, small[name].length, name)
  }
  const fromArrow = new Engine()
  const fromRows = new Engine()
  for (const name of TABLES) {
    const method = `ingest${name[0].toUpperCase()}${name.slice(1)}`
    const a = await fromArrow[method](data[name])
    const r = await fromRows[method](small[name])
    assert.deepEqual(a, r, name)
  }
  assert.deepEqual(counts(fromArrow), counts(fromRows))
  assert.deepEqual(fromArrow.kpis(small.end, 'segment'), fromRows.kpis(small.end, 'segment'))
})

test('bad options are InvalidArgumentErrors', () => {
  for (const options of [{ customers: 50, format: 'csv' }, { customers: -1 }, { customers: 1.5 }, { years: 'two' }, { rows: 5 }]) {
    assert.throws(() => synth.distributor(options), (err) => err.code === 'InvalidArgumentError', JSON.stringify(options))
  }
})

test('the engine takes it all', async () => {
  const engine = new Engine()
  for (const name of TABLES) {
    const report = await engine[`ingest${name[0].toUpperCase()}${name.slice(1)}`](small[name])
    assert.deepEqual(report.rejected, [], name)
    assert.ok(report.accepted > 0, name)
  }
  const [kpis] = engine.kpis(small.end)
  assert.ok(kpis.customers > 0)
  assert.ok(kpis.netRevenue > 0)
})
