import { test } from 'node:test'
import assert from 'node:assert/strict'
import { tableFromIPC } from 'apache-arrow'
import { Engine, loaded, TOTAL_NET } from '../test-support/fixtures.mjs'

function throwsWith (fn, code, message) {
  assert.throws(fn, (err) => {
    assert.ok(err instanceof Error, 'an Error')
    assert.equal(err.code, code, err.message)
    if (message) assert.match(err.message, message)
    return true
  })
}

test('kpis are plain row objects with camelCase keys', async () => {
  const engine = await loaded()
  const kpis = engine.kpis('2024-03-31')
  assert.ok(Array.isArray(kpis))
  assert.equal(kpis.length, 1)
  const [row] = kpis
  assert.equal(row.asOf, '2024-03-31')
  assert.equal(row.customers, 3)
  assert.equal(row.activeCustomers, 3)
  assert.ok(Math.abs(row.netRevenue - TOTAL_NET) < 1e-9)
  assert.equal(row.churnRate, null)
  assert.ok('ordersPerCustomer30d' in row && 'returnToBasketRate' in row)
  assert.ok(Object.keys(row).every((k) => !k.includes('_')), Object.keys(row).join())
})

test('kpis as Arrow IPC keep the core column names and types', async () => {
  const engine = await loaded()
  const bytes = engine.kpis('2024-03-31', null, { format: 'arrow' })
  assert.ok(Buffer.isBuffer(bytes))
  const table = tableFromIPC(bytes)
  assert.equal(table.numRows, 1)
  assert.equal(String(table.schema.fields.find((f) => f.name === 'as_of').type), 'Date32<DAY>')
  assert.equal(Number(table.getChild('customers').get(0)), 3)
  assert.equal(new Date(table.getChild('as_of').get(0)).toISOString().slice(0, 10), '2024-03-31')
})

for (const [by, column, groups] of [['rep', 'repId', ['R1', 'R2']], ['segment', 'segment', ['Horeca', 'Retail']], ['region', 'region', ['North', 'South']]]) {
  test(`kpis by ${by}`, async () => {
    const kpis = (await loaded()).kpis('2024-03-31', by)
    assert.deepEqual(kpis.map((r) => r[column]), groups)
    assert.equal(kpis.reduce((n, r) => n + r.customers, 0), 3)
  })
}

test('asOf is a Date or an ISO string', async () => {
  const engine = await loaded()
  for (const asOf of ['2024-03-31', '20240331', '2024-03-31T10:00:00', new Date('2024-03-31T18:00:00Z'), new Date(Date.UTC(2024, 2, 31))]) {
    assert.equal(engine.kpis(asOf)[0].asOf, '2024-03-31', String(asOf))
  }
})

test('a Date asOf is taken in the engine zone', () => {
  const engine = new Engine({ timezone: 'Asia/Jerusalem' })
  assert.equal(engine.kpis(new Date('2024-03-31T23:30:00Z'))[0].asOf, '2024-04-01')
})

test('a bad asOf, by or format is an InvalidArgumentError', async () => {
  const engine = await loaded()
  for (const asOf of ['next tuesday', '03/31/2024', 20240331.5, null, undefined, new Date(NaN)]) {
    throwsWith(() => engine.kpis(asOf), 'InvalidArgumentError', /asOf/)
  }
  throwsWith(() => engine.kpis('2024-03-31', 'planet'), 'InvalidArgumentError', /by/)
  throwsWith(() => engine.kpis('2024-03-31', null, { format: 'excel' }), 'InvalidArgumentError', /format/)
  throwsWith(() => engine.kpis('2024-03-31', null, { to: 'arrow' }), 'InvalidArgumentError', /to/)
})

test('an empty engine has KPIs too', () => {
  assert.equal(new Engine().kpis('2024-03-31')[0].customers, 0)
})
