import { test } from 'node:test'
import assert from 'node:assert/strict'
import { tableFromIPC } from 'apache-arrow'
import { salespulse, Engine } from '../test-support/fixtures.mjs'

const data = salespulse.synth.distributor({ customers: 300, years: 2, seed: 42 })
const END = data.end

async function engineWithData () {
  const engine = new Engine()
  await engine.ingestCustomers(data.customers)
  await engine.ingestProducts(data.products)
  await engine.ingestOrders(data.orders)
  return engine
}

test('recommend: the top k never-bought products per customer', async () => {
  const engine = await engineWithData()
  const offers = engine.recommend(END, 3)
  assert.ok(offers.length > 250 * 3)
  for (const key of ['customerId', 'rank', 'productId', 'score', 'suggestedPrice', 'evidence', 'crossSell']) {
    assert.ok(key in offers[0], key)
  }
  assert.deepEqual(offers.slice(0, 3).map((o) => o.rank), [1, 2, 3])
  const bought = new Set(data.orders.map((o) => `${o.customerId}|${o.productId}`))
  for (const o of offers) assert.ok(!bought.has(`${o.customerId}|${o.productId}`), `${o.customerId} buys ${o.productId}`)
  assert.equal(engine.recommend(END).length, offers.length / 3 * 5, 'k defaults to 5')
  const bytes = engine.recommend(END, 2, null, { format: 'arrow' })
  assert.equal(tableFromIPC(bytes).numRows, offers.length / 3 * 2)
})

test('recommend: cross_sell signals are its strongest rows', async () => {
  const engine = await engineWithData()
  const flagged = engine.recommend(END).filter((o) => o.crossSell)
  const signals = engine.signals(END).filter((s) => s.kind === 'cross_sell')
  const key = (x) => `${x.customerId}|${x.productId}`
  assert.deepEqual(new Set(signals.map(key)), new Set(flagged.map(key)))
  for (const o of flagged) assert.ok(o.rank <= 2)
})

test('recommend: some customers, and errors that say what to do', async () => {
  const engine = await engineWithData()
  const some = engine.recommend(new Date(END), 2, ['C000001', 'C000007'])
  assert.deepEqual(some.map((o) => o.customerId), ['C000001', 'C000001', 'C000007', 'C000007'])
  assert.throws(() => engine.recommend(END, 5, ['nobody']), /"nobody" is unknown/)
  assert.throws(() => engine.recommend(END, 0), /k is 0/)
})
