import { test } from 'node:test'
import assert from 'node:assert/strict'
import { start, repSignals, createHandler } from '../../examples/crm_hook.mjs'
import { Engine, customers, orders, salespulse } from '../test-support/fixtures.mjs'

test('importing the hook starts no server', () => {
  assert.equal(typeof start, 'function')
  assert.equal(typeof createHandler, 'function')
})

test('the hook takes order events and answers a rep', async () => {
  const hook = await start({ port: 0 })
  try {
    assert.match(hook.url, /^http:\/\/127\.0\.0\.1:\d+$/)
    const post = (path, body) => fetch(hook.url + path, { method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json' } })

    let res = await post('/customers', { rows: customers() })
    assert.equal(res.status, 200)
    assert.equal((await res.json()).accepted, 3)
    // Events one at a time and in a batch.
    const [first, ...rest] = orders()
    res = await post('/orders', first)
    assert.deepEqual(await res.json(), { accepted: 1, duplicates: 0, rejected: [] })
    res = await post('/orders', rest)
    assert.equal((await res.json()).accepted, 5)
    res = await post('/orders', rest) // a webhook retry is counted once
    assert.equal((await res.json()).duplicates, 5)

    res = await fetch(`${hook.url}/reps/R1/signals?asOf=2024-03-31`)
    assert.equal(res.status, 200)
    const answer = await res.json()
    assert.equal(answer.repId, 'R1')
    assert.equal(answer.asOf, '2024-03-31')
    assert.ok(Array.isArray(answer.signals))
    assert.deepEqual(answer, repSignals(hook.engine, 'R1', '2024-03-31'))
    assert.equal(answer.kpis.customers, 2) // C1 and C2 belong to R1
    res = await fetch(`${hook.url}/reps/R404/signals?asOf=2024-03-31`)
    assert.deepEqual(await res.json(), { repId: 'R404', asOf: '2024-03-31', signals: [], kpis: null })

    res = await fetch(`${hook.url}/health`)
    assert.equal((await res.json()).lines, 6)
  } finally {
    await hook.close()
  }
})

test('bad requests get the engine error code', async () => {
  const hook = await start({ port: 0, engine: new Engine() })
  try {
    let res = await fetch(`${hook.url}/orders`, { method: 'POST', body: '{not json' })
    assert.equal(res.status, 400)
    assert.equal((await res.json()).error.code, 'BadJson')
    res = await fetch(`${hook.url}/orders`, { method: 'POST', body: JSON.stringify([{ orderId: 'SO-1' }]) })
    assert.equal(res.status, 400)
    const { error } = await res.json()
    assert.equal(error.code, 'SchemaError')
    assert.match(error.message, /customer_id/)
    res = await fetch(`${hook.url}/reps/R1/signals?asOf=someday`)
    assert.equal(res.status, 400)
    assert.equal((await res.json()).error.code, 'InvalidArgumentError')
    res = await fetch(`${hook.url}/nowhere`)
    assert.equal(res.status, 404)
  } finally {
    await hook.close()
  }
})

test('a rep with signals gets them, highest score first', async () => {
  const data = salespulse.synth.distributor({ customers: 1000, years: 2, seed: 42, format: 'arrow' })
  const engine = new Engine()
  await engine.ingestCustomers(data.customers)
  await engine.ingestOrders(data.orders)
  const asOf = '2025-09-30'
  const [top] = engine.signals(asOf)
  assert.ok(top, 'the synthetic data has signals on ' + asOf)
  const hook = await start({ port: 0, engine })
  try {
    const res = await fetch(`${hook.url}/reps/${encodeURIComponent(top.repId)}/signals?asOf=${asOf}`)
    const answer = await res.json()
    assert.equal(res.status, 200)
    assert.ok(answer.signals.length > 0)
    assert.deepEqual(answer.signals[0], top)
    assert.ok(answer.signals.every((s) => s.repId === top.repId))
    assert.ok(answer.kpis.customers > 0)
  } finally {
    await hook.close()
  }
})
