import { test } from 'node:test'
import assert from 'node:assert/strict'
import { Engine, loaded, orders, counts } from '../test-support/fixtures.mjs'

function throwsWith (fn, code, message) {
  assert.throws(fn, (err) => {
    assert.ok(err instanceof Error, 'an Error')
    assert.equal(err.code, code, err.message)
    if (message) assert.match(err.message, message)
    return true
  })
}

test('snapshot round trip', async () => {
  const engine = await loaded({ timezone: 'Europe/Berlin', tasksPerRep: 5 })
  const bytes = engine.snapshot()
  assert.ok(Buffer.isBuffer(bytes) && bytes.length > 0)
  const restored = Engine.restore(bytes)
  assert.ok(restored instanceof Engine)
  assert.deepEqual(counts(restored), counts(engine))
  assert.deepEqual(restored.config, engine.config)
  assert.deepEqual(restored.kpis('2024-03-31', 'segment'), engine.kpis('2024-03-31', 'segment'))
  // A plain Uint8Array (a view into a larger buffer) works as well.
  const copy = new Uint8Array(bytes.length + 16)
  copy.set(bytes, 8)
  assert.deepEqual(counts(Engine.restore(copy.subarray(8, 8 + bytes.length))), counts(engine))
  // The restored engine goes on ingesting.
  assert.equal((await restored.ingestOrders(orders())).duplicates, 6)
})

test('corrupt snapshot bytes are SnapshotErrors', async () => {
  const bytes = (await loaded()).snapshot()
  const flip = (b, i) => { const c = Buffer.from(b); c[i] ^= 0x01; return c }
  const mangled = [
    Buffer.alloc(0),
    Buffer.from('not a snapshot at all'),
    bytes.subarray(0, bytes.length >> 1),
    flip(bytes, bytes.length - 1),
    flip(bytes, 20)
  ]
  for (const b of mangled) {
    throwsWith(() => Engine.restore(b), 'SnapshotError', /snapshot/)
  }
})

test('restore wants bytes', () => {
  throwsWith(() => Engine.restore(12345), 'SnapshotError', /bytes/)
  throwsWith(() => Engine.restore('SALESPLS'), 'SnapshotError', /bytes/)
})

function split () {
  const rows = orders()
  return [rows.filter((r) => r.customerId === 'C1'), rows.filter((r) => r.customerId !== 'C1')]
}

test('merge joins disjoint partitions', async () => {
  const [first, second] = split()
  const a = new Engine()
  const b = new Engine()
  await a.ingestOrders(first)
  await b.ingestOrders(second)
  a.merge(b)
  const whole = new Engine()
  await whole.ingestOrders(orders())
  assert.deepEqual(counts(a), counts(whole))
  assert.deepEqual(a.kpis('2024-03-31'), whole.kpis('2024-03-31'))
  // The other engine is left as it was.
  assert.equal(b.stats().customers, 2)
})

test('merging overlapping engines is a MergeError and changes nothing', async () => {
  const a = new Engine()
  const b = new Engine()
  await a.ingestOrders(orders())
  await b.ingestOrders(orders())
  const before = a.stats()
  throwsWith(() => a.merge(b), 'MergeError')
  assert.deepEqual(a.stats(), before)
})

test('merge needs the same config and another engine', () => {
  throwsWith(() => new Engine().merge(new Engine({ timezone: 'Europe/Berlin' })), 'MergeError', /configuration/)
  const engine = new Engine()
  throwsWith(() => engine.merge(engine), 'MergeError', /itself/)
  assert.throws(() => engine.merge('not an engine'))
  assert.throws(() => engine.merge({}))
})
