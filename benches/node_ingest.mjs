// Ingest of 1M ERP order lines from an Arrow IPC buffer: the Node binding against native Rust,
// measured in the same run on the same bytes, and the ratio of the two (target: Node within 2x).
//
//   npm --prefix bindings-node ci && npm --prefix bindings-node run build
//   node --expose-gc benches/node_ingest.mjs [--rows 1000000] [--repeat 5] [--objects 100000] [--no-native]
//
// Node: `await engine.ingestOrders(buffer)` (and the sync form), a fresh engine each run.
// Native: `Engine::ingest_ipc` on the same bytes, by bindings-node/examples/native_ingest.rs
// (built with `cargo build --release`, the release profile the .node file is built with), in
// rounds interleaved with Node's.
// The order lines come from the synthetic distributor (seed 42), cut to --rows lines.
// --objects N also times N lines given as plain JS objects (conversion in the binding + ingest).
import { spawnSync } from 'node:child_process'
import { createRequire } from 'node:module'
import { writeFileSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir, cpus, availableParallelism, loadavg } from 'node:os'
import { join, dirname } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const requireFromPackage = createRequire(join(root, 'bindings-node', 'package.json'))
const { Engine, synth } = requireFromPackage('./index.js')
const { tableFromIPC, tableToIPC } = requireFromPackage('apache-arrow')

function option (name, fallback) {
  const i = process.argv.indexOf(`--${name}`)
  return i > 0 ? Number(process.argv[i + 1]) : fallback
}
const ROWS = option('rows', 1_000_000)
const REPEAT = option('repeat', 5)
const OBJECTS = option('objects', 100_000)
const NATIVE = !process.argv.includes('--no-native')

const stats = (xs) => {
  const s = [...xs].sort((a, b) => a - b)
  return { best: s[0], median: s[s.length >> 1] }
}
const fmt = (s) => `${(s * 1000).toFixed(0)} ms`
const rate = (rows, s) => `${(rows / s / 1e6).toFixed(2)} M lines/s`

// ---- data ------------------------------------------------------------------------------------
let started = performance.now()
let customers = Math.ceil(ROWS / 340)
let orders
for (;;) {
  const data = synth.distributor({ customers, years: 2, seed: 42, format: 'arrow' })
  orders = tableFromIPC(data.orders)
  if (orders.numRows >= ROWS) break
  customers = Math.ceil(customers * 1.2 * ROWS / orders.numRows)
}
const table = orders.slice(0, ROWS)
const bytes = tableToIPC(table, 'file')
const dir = mkdtempSync(join(tmpdir(), 'salespulse-bench-'))
const file = join(dir, 'orders.arrow')
writeFileSync(file, bytes)
console.log(`data: ${ROWS} order lines of ${customers} synthetic customers, ${(bytes.length / 1e6).toFixed(1)} MB of Arrow IPC (${fmt((performance.now() - started) / 1000)} to make)`)
console.log(`machine: ${availableParallelism()} cores, ${cpus()[0].model}, node ${process.version}; load average ${loadavg().map((x) => x.toFixed(2)).join(' ')}`)

// ---- Node and native, interleaved ------------------------------------------------------------
// The machine may be shared: each round times Node (async, then sync) and then native on the same
// bytes, so that a busy spell hits both sides; the best of the rounds is compared.
async function timeNode (ingest) {
  globalThis.gc?.() // with --expose-gc: free the last round's engine first, as native does
  const engine = new Engine()
  const t0 = performance.now()
  const report = await ingest(engine)
  const seconds = (performance.now() - t0) / 1000
  if (report.accepted !== ROWS || report.rejected.length) throw new Error(`unexpected report: ${JSON.stringify({ ...report, rejected: report.rejected.slice(0, 3) })}`)
  return seconds
}

let nativeBinary = null
if (NATIVE) {
  const build = spawnSync('cargo', ['build', '--release', '--quiet', '-p', 'salespulse-node', '--example', 'native_ingest', '--message-format', 'json'], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 1 << 28 })
  if (build.status !== 0) throw new Error(`building the native example failed (exit ${build.status})`)
  for (const line of build.stdout.split('\n')) {
    if (!line.startsWith('{')) continue
    const msg = JSON.parse(line)
    if (msg.reason === 'compiler-artifact' && msg.target?.name === 'native_ingest' && msg.executable) nativeBinary = msg.executable
  }
  if (!nativeBinary) throw new Error('cargo did not name the native_ingest executable')
}
function timeNative () {
  const run = spawnSync(nativeBinary, [file, '--repeat', '1'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] })
  if (run.status !== 0) throw new Error(`the native run failed (exit ${run.status})`)
  const out = JSON.parse(run.stdout.trim().split('\n').pop())
  if (out.rows !== ROWS) throw new Error(`native accepted ${out.rows} lines`)
  return out.best
}

const times = { async: [], sync: [], native: [] }
for (let round = 0; round < REPEAT; round++) {
  times.async.push(await timeNode((e) => e.ingestOrders(bytes)))
  times.sync.push(await timeNode(async (e) => e.ingestOrdersSync(bytes)))
  if (NATIVE) times.native.push(timeNative())
}
const nodeAsync = stats(times.async)
const nodeSync = stats(times.sync)
console.log(`node   ingestOrders(ipc)      best ${fmt(nodeAsync.best)}  median ${fmt(nodeAsync.median)}  ${rate(ROWS, nodeAsync.best)}`)
console.log(`node   ingestOrdersSync(ipc)  best ${fmt(nodeSync.best)}  median ${fmt(nodeSync.median)}  ${rate(ROWS, nodeSync.best)}`)
let native = null
if (NATIVE) {
  native = stats(times.native)
  console.log(`native Engine::ingest_ipc     best ${fmt(native.best)}  median ${fmt(native.median)}  ${rate(ROWS, native.best)}`)
  const ratio = nodeAsync.best / native.best
  console.log(`ratio  node / native: ${ratio.toFixed(3)} (best of ${REPEAT} rounds), ${(nodeAsync.median / native.median).toFixed(3)} (medians); target <= 2: ${ratio <= 2 ? 'met' : 'NOT met'}`)
}
console.log(`load average: ${loadavg().map((x) => x.toFixed(2)).join(' ')}`)

// ---- plain objects (informational) -----------------------------------------------------------
if (OBJECTS > 0) {
  const rows = table.slice(0, Math.min(OBJECTS, ROWS)).toArray().map((r) => {
    const o = r.toJSON()
    return {
      orderId: o.order_id, lineNo: Number(o.line_no), customerId: o.customer_id, productId: o.product_id,
      date: new Date(o.date).toISOString().slice(0, 10), quantity: o.quantity, netAmount: o.net_amount, listAmount: o.list_amount
    }
  })
  const engine = new Engine()
  const t0 = performance.now()
  const report = await engine.ingestOrders(rows)
  const s = (performance.now() - t0) / 1000
  console.log(`node   ingestOrders(${rows.length} objects) ${fmt(s)}  ${rate(report.accepted, s)} (row objects to columns + ingest)`)
}
rmSync(dir, { recursive: true, force: true })
if (native) console.log(JSON.stringify({ rows: ROWS, node_async: nodeAsync, node_sync: nodeSync, native, ratio: nodeAsync.best / native.best }))
