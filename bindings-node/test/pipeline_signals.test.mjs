import { test } from 'node:test'
import assert from 'node:assert/strict'
import { salespulse, Engine } from '../test-support/fixtures.mjs'

// The seasonal, discount and pipeline signals come out of signals() on a synthetic distributor
// (seasonal_due, discount_spike and deal_stalled are planted there) and on a hand-made pipeline
// whose conversion falls (pipeline_slowdown).

const data = salespulse.synth.distributor({ customers: 1000, years: 2, seed: 42 })

async function engineWithData () {
  const engine = new Engine()
  await engine.ingestReps(data.reps)
  await engine.ingestCustomers(data.customers)
  await engine.ingestProducts(data.products)
  await engine.ingestOrders(data.orders)
  await engine.ingestDeals(data.deals)
  return engine
}

const day = (d) => (d instanceof Date ? d : new Date(d)).toISOString().slice(0, 10)
const plus = (d, n) => day(new Date(new Date(d).getTime() + n * 86400000))

test('planted discount creep, stalled deals and skipped seasons are signalled', async () => {
  const engine = await engineWithData()
  const creep = data.labels.find((l) => l.kind === 'discount_spike')
  const spikes = [7, 14, 21].flatMap((n) => engine.signals(plus(creep.start, n)))
    .filter((s) => s.kind === 'discount_spike')
  assert.ok(spikes.some((s) => s.segment === creep.segment), JSON.stringify(spikes))
  assert.ok(spikes.every((s) => s.customerId == null))

  const end = day(data.end)
  const stalled = engine.signals(end).filter((s) => s.kind === 'deal_stalled')
  const planted = new Set(data.labels.filter((l) => l.kind === 'deal_stalled').map((l) => l.customerId))
  assert.ok(stalled.some((s) => planted.has(s.customerId)))

  const seasonal = data.labels.filter((l) => l.kind === 'seasonal_due').slice(0, 10)
  let hits = 0
  for (const label of seasonal) {
    const due = label.due ?? label.start
    const found = [7, 14, 21, 28, 35].some((n) => engine.signals(plus(due, n)).some(
      (s) => s.kind === 'seasonal_due' && s.customerId === label.customerId && s.productId === label.productId))
    if (found) hits++
  }
  assert.ok(hits >= Math.floor(seasonal.length / 2), `${hits} of ${seasonal.length}`)
})

test('a team whose conversion falls raises pipeline_slowdown', async () => {
  const engine = new Engine()
  await engine.ingestReps([{ repId: 'R1', managerId: 'M1' }, { repId: 'M1' }])
  const rows = []
  for (let d = 0; d < 500; d++) {
    const entered = plus('2024-01-01', d)
    const closed = plus(entered, 10)
    const won = d % 10 < (d >= 400 ? 3 : 8)
    const base = { dealId: `D${d}`, customerId: 'C1', repId: 'R1', amount: 100 }
    rows.push({ ...base, stage: 'Proposal', stageEntered: entered, outcome: 'open' })
    rows.push({ ...base, stage: won ? 'Won' : 'Lost', stageEntered: closed, closed, outcome: won ? 'won' : 'lost' })
  }
  await engine.ingestDeals(rows)
  const slow = engine.signals(plus('2024-01-01', 500)).filter((s) => s.kind === 'pipeline_slowdown')
  assert.equal(slow.length, 1)
  assert.equal(slow[0].repId, 'M1')
  assert.ok(slow[0].conversionRecent < slow[0].conversionBaseline)
})
