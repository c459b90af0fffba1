import { test } from 'node:test'
import assert from 'node:assert/strict'
import { Engine, loaded } from '../test-support/fixtures.mjs'

function throwsWith (fn, code, message) {
  assert.throws(fn, (err) => {
    assert.ok(err instanceof Error, 'an Error')
    assert.equal(err.code, code, err.message)
    if (message) assert.match(err.message, message)
    return true
  })
}

const DEFAULT_THRESHOLDS = {
  activeWindowDays: 90,
  regularMinPurchases: 2,
  frequencyDropAlpha: 0.005,
  frequencyDropRatio: 0.5,
  atRiskPAlive: 0.001,
  itemLapsedProbability: 0.7,
  varietyDropShare: 0.25,
  similarLapseAlpha: 0.001,
  crossSellMinProbability: 0.03,
  crossSellMinShare: 0.25,
  crossSellMinLift: 1.5
}

test('a new engine has the default config', () => {
  const engine = new Engine()
  const { rank, ...rest } = engine.config
  assert.deepEqual(rest, {
    timezone: 'UTC',
    weekStart: 'monday',
    tasksPerRep: 7,
    horizonDays: 90,
    stages: [],
    thresholds: DEFAULT_THRESHOLDS
  })
  // The ranker's weights by their core names: 8 scalars and one P(acting works) per kind.
  assert.equal(Object.keys(rank).length, 8 + 10)
  assert.equal(rank.escalation_base, 10)
  assert.equal(rank['acting_works.item_lapsed'], 0.35)
  assert.equal(engine.clock, null)
  assert.deepEqual(new Engine(null).config, engine.config)
  assert.deepEqual(new Engine({}).config, engine.config)
})

test('every config key is read', () => {
  const config = {
    timezone: 'Asia/Jerusalem',
    weekStart: 'sunday',
    tasksPerRep: 5,
    horizonDays: 60,
    currency: 'ils',
    stages: ['Prospecting', 'Proposal', 'Negotiation'],
    thresholds: { ...DEFAULT_THRESHOLDS, activeWindowDays: 60, regularMinPurchases: 3, itemLapsedProbability: 0.85 },
    rank: { ...new Engine().config.rank, diversity: 0.9, 'acting_works.cross_sell': 0.3 }
  }
  const engine = new Engine(config)
  assert.deepEqual(engine.config, { ...config, currency: 'ILS' })
  assert.equal(new Engine({ weekStart: 'Sun' }).config.weekStart, 'sunday')
  assert.deepEqual(new Engine({ thresholds: { activeWindowDays: 30 } }).config.thresholds, { ...DEFAULT_THRESHOLDS, activeWindowDays: 30 })
})

test('out-of-range settings are ConfigErrors naming the setting', () => {
  throwsWith(() => new Engine({ tasksPerRep: 9 }), 'ConfigError', /tasks_per_rep is 9/)
  throwsWith(() => new Engine({ tasksPerRep: 6.5 }), 'ConfigError', /tasksPerRep is 6.5/)
  throwsWith(() => new Engine({ timezone: 'Mars/Olympus' }), 'ConfigError', /Mars\/Olympus/)
  throwsWith(() => new Engine({ weekStart: 'someday' }), 'ConfigError', /weekStart/)
  throwsWith(() => new Engine({ horizonDays: 0 }), 'ConfigError', /horizon_days/)
  throwsWith(() => new Engine({ stages: ['a', 'b', 'a'] }), 'ConfigError', /"a"/)
  throwsWith(() => new Engine({ thresholds: { activeWindowDays: 3 } }), 'ConfigError', /active_window_days/)
})

test('unknown or misspelt keys are InvalidArgumentErrors', () => {
  throwsWith(() => new Engine({ tasks_per_rep: 6 }), 'InvalidArgumentError', /did you mean "tasksPerRep"/)
  throwsWith(() => new Engine({ timeZone: 'UTC' }), 'InvalidArgumentError', /timeZone/)
  throwsWith(() => new Engine({ thresholds: { activeWindow: 30 } }), 'InvalidArgumentError', /activeWindow/)
  throwsWith(() => new Engine('UTC'), 'InvalidArgumentError', /config must be an object/)
  throwsWith(() => new Engine({ tasksPerRep: 'six' }), 'InvalidArgumentError', /config/)
})

test('errors are Errors with the core code and message', () => {
  try {
    new Engine({ tasksPerRep: 9 }) // eslint-disable-line no-new
    assert.fail('no error')
  } catch (err) {
    assert.ok(err instanceof Error)
    assert.equal(err.code, 'ConfigError')
    assert.equal(err.message, 'invalid configuration: tasks_per_rep is 9, it must be 5, 6 or 7')
  }
})

test('stats has every size', async () => {
  const engine = await loaded()
  const stats = engine.stats()
  assert.deepEqual(Object.keys(stats).sort(), ['customers', 'deals', 'heapBytes', 'lines', 'orders', 'pairs', 'products', 'reps'])
  assert.equal(stats.pairs, 5)
})

test('several engines ingest at once', async () => {
  const engines = Array.from({ length: 4 }, () => new Engine())
  const rows = (k) => Array.from({ length: 2000 }, (_, i) => ({ orderId: `SO-${k}-${i}`, customerId: `C${i % 50}`, productId: `P${i % 7}`, date: '2024-03-01', quantity: 1, netAmount: 2 }))
  const reports = await Promise.all(engines.map((e, k) => e.ingestOrders(rows(k))))
  assert.deepEqual(reports.map((r) => r.accepted), [2000, 2000, 2000, 2000])
  // Two ingests into one engine at once are taken one after the other.
  const one = new Engine()
  const [a, b] = await Promise.all([one.ingestOrders(rows(0)), one.ingestOrders(rows(0))])
  assert.equal(a.accepted + b.accepted, 2000)
  assert.equal(a.duplicates + b.duplicates, 2000)
})
