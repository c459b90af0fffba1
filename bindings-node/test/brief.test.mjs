import { test } from 'node:test'
import assert from 'node:assert/strict'
import { tableFromIPC } from 'apache-arrow'
import { salespulse, Engine } from '../test-support/fixtures.mjs'

const data = salespulse.synth.distributor({ customers: 300, years: 2, seed: 42 })
const END = data.end

async function engineWithData (config) {
  const engine = new Engine(config)
  await engine.ingestReps(data.reps)
  await engine.ingestProducts(data.products)
  await engine.ingestCustomers(data.customers)
  await engine.ingestOrders(data.orders)
  await engine.ingestDeals(data.deals)
  return engine
}

const KEYS = ['repId', 'rank', 'customerId', 'action', 'talkingPoints', 'offerProductId', 'offerPrice', 'content', 'value', 'due', 'signals']

test('weeklyBrief: every rep gets its tasks, ordered by value, for its own customers', async () => {
  const engine = await engineWithData()
  const brief = engine.weeklyBrief(END)
  const tasks = brief.tasks
  assert.deepEqual(Object.keys(tasks[0]), KEYS)
  const owner = new Map(data.customers.map((c) => [c.customerId, c.repId]))
  const byRep = new Map()
  for (const t of tasks) {
    assert.equal(owner.get(t.customerId), t.repId)
    assert.ok(Array.isArray(t.talkingPoints) && t.talkingPoints.length > 0)
    assert.ok(t.content.length > 0)
    assert.ok(t.due > END)
    if (!byRep.has(t.repId)) byRep.set(t.repId, [])
    byRep.get(t.repId).push(t)
  }
  assert.deepEqual(new Set(byRep.keys()), new Set(data.customers.map((c) => c.repId)))
  for (const [rep, mine] of byRep) {
    assert.deepEqual(mine.map((t) => t.rank), [1, 2, 3, 4, 5, 6, 7], rep)
    for (let i = 1; i < mine.length; i++) assert.ok(mine[i - 1].value >= mine[i].value, rep)
    assert.equal(new Set(mine.map((t) => t.customerId)).size, 7, rep)
  }
  assert.equal(brief.asOf, END)
  const bytes = brief.tasksTable({ format: 'arrow' })
  assert.equal(tableFromIPC(bytes).numRows, tasks.length)
})

test('weeklyBrief: digests, rendering in en and he, and errors', async () => {
  const engine = await engineWithData()
  const brief = engine.weeklyBrief(new Date(END), 6)
  assert.ok(brief.tasks.every((t) => t.rank <= 6))
  const managers = new Set(data.reps.filter((r) => r.managerId).map((r) => r.managerId))
  assert.deepEqual(new Set(brief.digests.map((d) => d.managerId)), managers)
  for (const d of brief.digests) {
    assert.ok(d.kpis.some((k) => k.name === 'active_customers' && k.thisWeek > 0))
    for (const s of d.teamSignals) assert.ok(['item_lapsed_across_similar', 'discount_spike', 'pipeline_slowdown'].includes(s.kind))
  }
  const rep = brief.tasks[0].repId
  const mine = brief.forRep(rep)
  assert.ok(mine.tasks.every((t) => t.repId === rep))
  assert.ok(mine.toMarkdown().startsWith('# Weekly brief'))
  assert.ok(mine.toMarkdown('he').startsWith('# תדריך שבועי'))
  const html = brief.toHtml('he')
  assert.ok(html.includes('<html lang="he" dir="rtl">'))
  assert.equal(html.split('<article class="task"').length - 1, brief.tasks.length)
  assert.ok(html.includes('<svg'))
  assert.throws(() => brief.toHtml('fr'), (e) => e.code === 'InvalidArgumentError' && /"fr"/.test(e.message))
  assert.throws(() => engine.weeklyBrief(END, 9), /tasks_per_rep is 9/)
  assert.throws(() => brief.forRep('nobody'), /"nobody"/)
})

test('the ranker weights are set in the config', async () => {
  assert.throws(() => new Engine({ rank: { diversity: 2 } }), /diversity/)
  const engine = new Engine({ rank: { 'acting_works.item_lapsed': 0.5 } })
  assert.equal(engine.config.rank['acting_works.item_lapsed'], 0.5)
  assert.equal(engine.config.rank.escalation_base, 10)
})
