import { test } from 'node:test'
import assert from 'node:assert/strict'
import { EventEmitter } from 'node:events'
import { tableFromIPC } from 'apache-arrow'
import { salespulse, Engine } from '../test-support/fixtures.mjs'

const data = salespulse.synth.distributor({ customers: 600, years: 2, seed: 7, format: 'arrow' })
const DAYS = ['2025-06-30', '2025-08-29', '2025-10-31']

async function engineWithData () {
  const engine = new Engine()
  await engine.ingestCustomers(data.customers)
  await engine.ingestOrders(data.orders)
  return engine
}

test('advance(asOf, callback) calls back once per risen signal, in the order it returns them', async () => {
  const engine = await engineWithData()
  const twin = await engineWithData()
  let total = 0
  for (const day of DAYS) {
    const seen = []
    const rows = engine.advance(day, (signal) => seen.push(signal))
    assert.deepEqual(seen, rows)
    assert.deepEqual(rows, twin.advance(day), 'the callback form reports what the plain form does')
    total += seen.length
  }
  assert.ok(total > 0, 'some signal rose over the three advances')
  // Nothing rose since: no call.
  assert.deepEqual(engine.advance(DAYS[2], () => assert.fail('nothing rose')), [])
})

test('with options first, the callback comes third and still gets row objects', async () => {
  const engine = await engineWithData()
  const seen = []
  const bytes = engine.advance(DAYS[0], { format: 'arrow' }, (signal) => seen.push(signal))
  assert.ok(Buffer.isBuffer(bytes))
  assert.equal(tableFromIPC(bytes).numRows, seen.length)
  assert.ok(seen.length > 0)
  for (const key of ['kind', 'customerId', 'valueAtStake', 'probability', 'evidence']) assert.ok(key in seen[0], key)
})

test('an event per signal for a CRM backend', async () => {
  const engine = await engineWithData()
  const feed = new EventEmitter()
  const byKind = new Map()
  feed.on('signal', (s) => byKind.set(s.kind, (byKind.get(s.kind) ?? 0) + 1))
  const rows = engine.advance(DAYS[1], (s) => feed.emit('signal', s))
  const counted = [...byKind.values()].reduce((a, b) => a + b, 0)
  assert.equal(counted, rows.length)
})

test('a callback that is not a function, or that throws, is a clear error', async () => {
  const engine = await engineWithData()
  assert.throws(() => engine.advance(DAYS[0], null, 42), (err) => err.code === 'InvalidArgumentError' && /onSignal/.test(err.message))
  assert.equal(engine.clock, null, 'a bad argument leaves the clock alone')
  assert.throws(
    () => engine.advance(DAYS[0], () => { throw new Error('CRM is down') }),
    (err) => /onSignal callback threw/.test(err.message)
  )
  assert.equal(engine.clock, DAYS[0], 'the clock has moved: those signals were risen')
})
