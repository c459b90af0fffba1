import { test } from 'node:test'
import assert from 'node:assert/strict'
import { tableFromIPC } from 'apache-arrow'
import { salespulse, Engine } from '../test-support/fixtures.mjs'

const data = salespulse.synth.distributor({ customers: 1000, years: 2, seed: 42, format: 'arrow' })
const MONTH_ENDS = ['2025-03-31', '2025-06-30', '2025-09-30', '2025-11-30']

async function engineWithData () {
  const engine = new Engine()
  await engine.ingestCustomers(data.customers)
  await engine.ingestOrders(data.orders)
  return engine
}

test('signals are row objects, highest score first', async () => {
  const engine = await engineWithData()
  const all = MONTH_ENDS.flatMap((day) => engine.signals(day))
  assert.ok(all.length > 0, 'some planted event is found at some month end')
  for (const day of MONTH_ENDS) {
    const signals = engine.signals(new Date(day))
    assert.deepEqual(signals, engine.signals(day))
    for (let i = 1; i < signals.length; i++) assert.ok(signals[i - 1].score >= signals[i].score)
  }
  const [first] = all
  for (const key of ['kind', 'customerId', 'productId', 'repId', 'segment', 'detectedOn', 'valueAtStake', 'probability', 'score', 'evidence']) {
    assert.ok(key in first, key)
  }
  assert.equal(typeof first.evidence, 'string')
  const bytes = engine.signals(MONTH_ENDS[2], { format: 'arrow' })
  assert.equal(tableFromIPC(bytes).numRows, engine.signals(MONTH_ENDS[2]).length)
})

test('advance is the real-time feed: each signal once, and the clock never goes back', async () => {
  const engine = await engineWithData()
  assert.equal(engine.clock, null)
  const first = engine.advance(MONTH_ENDS[2])
  assert.deepEqual(first, engine.signals(MONTH_ENDS[2]))
  assert.equal(engine.clock, MONTH_ENDS[2])
  assert.deepEqual(engine.advance(MONTH_ENDS[2]), [])
  const later = engine.advance(MONTH_ENDS[3])
  const active = engine.signals(MONTH_ENDS[3])
  const key = (s) => `${s.kind}/${s.customerId}/${s.productId}/${s.segment}`
  const activeKeys = new Set(active.map(key))
  for (const s of later) assert.ok(activeKeys.has(key(s)))
  // signals() defaults to the clock.
  assert.deepEqual(engine.signals(), active)
  assert.throws(() => engine.advance(MONTH_ENDS[0]), (err) => err.code === 'InvalidArgumentError' && /clock back/.test(err.message))
  // The clock travels with a snapshot.
  assert.equal(Engine.restore(engine.snapshot()).clock, MONTH_ENDS[3])
})

test('signals need a day when there are no orders', () => {
  assert.throws(() => new Engine().signals(), (err) => err.code === 'InvalidArgumentError' && /as_of/.test(err.message))
  assert.deepEqual(new Engine().signals('2024-03-31'), [])
})
