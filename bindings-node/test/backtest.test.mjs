import { test } from 'node:test'
import assert from 'node:assert/strict'
import { tableFromIPC } from 'apache-arrow'
import { salespulse, Engine } from '../test-support/fixtures.mjs'

const data = salespulse.synth.distributor({ customers: 120, years: 2, seed: 3 })

async function engineWithData () {
  const engine = new Engine()
  await engine.ingestReps(data.reps)
  await engine.ingestProducts(data.products)
  await engine.ingestCustomers(data.customers)
  await engine.ingestOrders(data.orders)
  return engine
}

function shift (day, days) {
  const d = new Date(`${day}T00:00:00Z`)
  d.setUTCDate(d.getUTCDate() + days)
  return d.toISOString().slice(0, 10)
}

test('backtest: replays weeks and reports kinds, weeks, outcomes and a summary', async () => {
  const engine = await engineWithData()
  const end = shift(data.end, -120)
  const report = await engine.backtest(shift(end, -28), end, 14)
  const weeks = report.weeks
  assert.equal(weeks.length, 3)
  assert.deepEqual(Object.keys(weeks[0]).slice(0, 4), ['day', 'alarms', 'tasks', 'scored'])
  for (const w of weeks) {
    assert.ok(w.scored)
    assert.ok(w.lostOurs <= w.lostOracle + 1e-6 && w.lostRfm <= w.lostOracle + 1e-6)
  }
  const alarms = weeks.reduce((n, w) => n + w.alarms, 0)
  assert.equal(report.alarms.length, alarms)
  assert.equal(report.kinds.reduce((n, k) => n + k.alarms, 0), alarms)
  const tasks = weeks.reduce((n, w) => n + w.tasks, 0)
  assert.ok(tasks > 0)
  assert.equal(report.outcomes.length, tasks)
  const s = report.summary
  assert.equal(s.weeks, 3)
  assert.equal(s.everyDays, 14)
  assert.ok(s.shareOurs >= 0 && s.shareOurs <= s.shareOracle)
  const arrow = tableFromIPC(report.table('kinds', { format: 'arrow' }))
  assert.equal(arrow.numRows, report.kinds.length)
  assert.match(report.toString(), /RFM/)
  assert.ok(report.outcomeRates.length > 0)
})

test('backtest: the default step is a week; bad arguments reject with the reason', async () => {
  const engine = await engineWithData()
  const end = shift(data.end, -120)
  const report = await engine.backtest(shift(end, -14), end)
  assert.equal(report.summary.everyDays, 7)
  await assert.rejects(engine.backtest(end, shift(end, -30)), /must be before end/)
  await assert.rejects(engine.backtest(shift(end, -30), end, 0), /every_days is 0/)
  await assert.rejects(new Engine().backtest('2024-01-01', '2024-03-01'), /no orders/)
  await assert.rejects(engine.backtest('not a day', end), /start/)
  assert.throws(() => report.table('nope'), /unknown/)
})

test('recordBrief and outcomes: tasks are remembered and judged, also after a snapshot', async () => {
  const engine = await engineWithData()
  const brief = engine.weeklyBrief(shift(data.end, -60))
  assert.equal(engine.recordBrief(brief), brief.tasks.length)
  assert.equal(engine.recordBrief(brief), 0)
  const rows = engine.outcomes(data.end)
  assert.equal(rows.length, brief.tasks.length)
  for (const r of rows) {
    assert.ok(['item_returned', 'ordered', 'deal_moved', 'no_action'].includes(r.outcome))
    assert.equal(r.actedOn == null, r.outcome === 'no_action')
  }
  const rates = engine.outcomeRates(data.end)
  assert.equal(rates.reduce((n, r) => n + r.tasks, 0), brief.tasks.length)
  const back = Engine.restore(engine.snapshot())
  assert.equal(back.outcomes(data.end).length, brief.tasks.length)
})
