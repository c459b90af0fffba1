// frequentItemsets and associationRules: inputs, outputs and errors, and the groceries data
// against the mlxtend 0.25 fixture (tests/fixtures/itemsets, made by make_mlxtend_fixture.py).
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { existsSync, readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { dirname, join } from 'node:path'
import { tableFromArrays, tableFromIPC, tableToIPC } from 'apache-arrow'
import { salespulse } from '../test-support/fixtures.mjs'

const { frequentItemsets, associationRules } = salespulse

const HERE = dirname(fileURLToPath(import.meta.url))
const REPO = join(HERE, '..', '..')
const FIXTURES = join(REPO, 'tests', 'fixtures', 'itemsets')
const GROCERIES = join(REPO, '..', 'shared', 'data', 'groceries-kaggle', 'Groceries_dataset.csv')

const RECEIPTS = [['beer', 'chips', 'salsa'], ['beer', 'chips'], ['chips', 'salsa'], ['milk']]
const KEYS = [
  'antecedents', 'consequents', 'antecedentSupport', 'consequentSupport', 'support', 'confidence',
  'lift', 'representativity', 'leverage', 'conviction', 'zhangsMetric', 'jaccard', 'certainty',
  'kulczynski'
]
const METRICS = [
  'antecedent support', 'consequent support', 'support', 'confidence', 'lift', 'representativity',
  'leverage', 'conviction', 'zhangs_metric', 'jaccard', 'certainty', 'kulczynski'
]

const asMap = (sets) => new Map(sets.map((s) => [s.itemsets.join('|'), s.support]))

test('lists of items in, sorted arrays out', () => {
  const sets = frequentItemsets(RECEIPTS, 0.5)
  assert.deepEqual(sets, [
    { support: 0.75, itemsets: ['chips'] },
    { support: 0.5, itemsets: ['beer'] },
    { support: 0.5, itemsets: ['salsa'] },
    { support: 0.5, itemsets: ['beer', 'chips'] },
    { support: 0.5, itemsets: ['chips', 'salsa'] }
  ])
})

test('rules have mlxtend columns as camelCase keys', () => {
  const rules = associationRules(frequentItemsets(RECEIPTS, 0.5), 'confidence', 0.8)
  assert.equal(rules.length, 2)
  assert.deepEqual(Object.keys(rules[0]), KEYS)
  assert.deepEqual(rules.map((r) => r.antecedents), [['beer'], ['salsa']])
  assert.equal(rules[0].conviction, Infinity)
  assert.ok(Math.abs(rules[0].lift - 1 / 0.75) < 1e-15)
  // Defaults: confidence >= 0.8; camelCase metric names work too.
  assert.equal(associationRules(frequentItemsets(RECEIPTS, 0.5)).length, 2)
  assert.equal(associationRules(frequentItemsets(RECEIPTS, 0.5), 'zhangsMetric', -1).length, 4)
})

test('row tables with compound basket keys, numbers as items, maxLen', () => {
  const rows = [
    { member: 1, day: 'd1', sku: 10 },
    { member: 1, day: 'd1', sku: 20 },
    { member: 2, day: 'd1', sku: 10 },
    { member: 2, day: 'd1', sku: 20 },
    { member: 3, day: 'd2', sku: 10 }
  ]
  const sets = frequentItemsets(rows, 0.6, null, { basketCol: ['member', 'day'], itemCol: 'sku' })
  assert.deepEqual([...asMap(sets).keys()], ['10', '20', '10|20'])
  const singlesOnly = frequentItemsets(rows, 0.6, 1, { basketCol: ['member', 'day'], itemCol: 'sku' })
  assert.equal(singlesOnly.length, 2)
  const defaults = rows.map((r) => ({ basketId: r.member, item: String(r.sku) }))
  assert.equal(frequentItemsets(defaults, 0.6).length, 3)
})

test('Arrow IPC in and out', () => {
  const table = tableFromArrays({ basketId: Int32Array.from([1, 1, 2]), item: ['a', 'b', 'a'] })
  const bytes = frequentItemsets(tableToIPC(table), 0.5, null, { format: 'arrow' })
  const back = tableFromIPC(bytes)
  assert.deepEqual(back.schema.fields.map((f) => f.name), ['support', 'itemsets'])
  assert.equal(back.numRows, 3)
  const rules = associationRules(bytes, 'support', 0, { format: 'arrow' })
  assert.equal(tableFromIPC(rules).numRows, 2)
  assert.deepEqual(tableFromIPC(rules).schema.fields.map((f) => f.name), ['antecedents', 'consequents', ...METRICS])
})

test('empty inputs', () => {
  assert.deepEqual(frequentItemsets([], 0.5), [])
  assert.deepEqual(associationRules([]), [])
})

test('bad arguments throw coded errors', () => {
  const code = (code, pattern) => (e) => e.code === code && pattern.test(e.message)
  assert.throws(() => frequentItemsets(RECEIPTS, 0), code('InvalidArgumentError', /\(0, 1\]/))
  assert.throws(() => frequentItemsets(RECEIPTS, 1.5), code('InvalidArgumentError', /\(0, 1\]/))
  assert.throws(() => frequentItemsets(RECEIPTS, 0.5, 0), code('InvalidArgumentError', /max_len/))
  assert.throws(() => frequentItemsets([['a'], 'b'], 0.5), code('InvalidArgumentError', /basket 1/))
  assert.throws(() => frequentItemsets([{ item: 'a' }], 0.5), code('SchemaError', /basketId/))
  const sets = frequentItemsets(RECEIPTS, 0.5)
  assert.throws(() => associationRules(sets, 'Lift'), code('InvalidArgumentError', /kulczynski/))
  assert.throws(() => associationRules(sets.filter((s) => s.itemsets.length > 1), 'lift', 0), code('InvalidArgumentError', /missing/))
  assert.throws(() => associationRules([{ support: 0.5 }]), code('InvalidArgumentError', /itemset row 0/))
})

/** A fixture CSV (no quoted fields) as rows of strings. */
function readFixture (name) {
  const [header, ...lines] = readFileSync(join(FIXTURES, name), 'utf8').trim().split('\n')
  return { names: header.split(','), rows: lines.map((l) => l.split(',')) }
}

test('groceries itemsets and rules equal mlxtend', { skip: !existsSync(GROCERIES) }, () => {
  const lines = readFileSync(GROCERIES, 'utf8').split('\r\n').filter((l) => l !== '').slice(1)
  const rows = lines.map((l) => {
    const [member, date, item] = l.split(',')
    return { member: Number(member), date, item }
  })
  const sets = frequentItemsets(rows, 0.001, null, { basketCol: ['member', 'date'] })
  const want = readFixture('groceries_itemsets.csv')
  assert.deepEqual(asMap(sets), new Map(want.rows.map(([s, i]) => [i, Number(s)])))

  const rules = associationRules(sets, 'confidence', 0.1)
  const expected = readFixture('groceries_rules.csv')
  assert.equal(rules.length, expected.rows.length)
  const byRule = new Map(rules.map((r) => [`${r.antecedents.join('|')} -> ${r.consequents.join('|')}`, r]))
  for (const row of expected.rows) {
    const rule = byRule.get(`${row[0]} -> ${row[1]}`)
    assert.ok(rule, `missing rule ${row[0]} -> ${row[1]}`)
    METRICS.forEach((m, j) => {
      const want = Number(row[j + 2])
      const got = rule[KEYS[j + 2]]
      assert.ok(want === got || Math.abs(want - got) <= 1e-9, `${m}: ${got} vs ${want}`)
    })
  }
})
