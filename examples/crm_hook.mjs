// A CRM / ERP webhook in front of salespulse, in plain node:http.
//
//   POST /orders                  order events as JSON: one line, an array of lines, or {rows: [...]}
//   POST /customers|reps|products|deals   master data and CRM deals, the same way
//   GET  /reps/:id/signals?asOf=YYYY-MM-DD  what the rep should look at now
//   GET  /health                  engine sizes
//
// Run it:   node examples/crm_hook.mjs            (listens on 127.0.0.1:8787, PORT to change)
// Try it:   curl -XPOST localhost:8787/orders -d '{"orderId":"SO-1","customerId":"C1",
//             "productId":"P1","date":"2024-03-01","quantity":2,"netAmount":19.8}'
//           curl 'localhost:8787/reps/R1/signals?asOf=2024-03-31'
//
// Importing this file starts nothing: tests and other programs call start() or createHandler().
//
// A rep's answer is the rep's active signals (highest score first) with the KPIs of the rep's
// book of customers (active customers, churn, variety, order pace, ...) as context. Detectors
// land in the engine one by one; repSignals() is the one place that decides the answer.
import http from 'node:http'
import { createRequire } from 'node:module'
import { pathToFileURL } from 'node:url'

const require = createRequire(import.meta.url)
// In your project: const { Engine } = require('salespulse')
const { Engine } = require('../bindings-node/index.js')

const TABLES = { orders: 'ingestOrders', customers: 'ingestCustomers', reps: 'ingestReps', products: 'ingestProducts', deals: 'ingestDeals' }
const MAX_BODY = 16 * 1024 * 1024

/** Today as 'YYYY-MM-DD' (UTC). */
const today = () => new Date().toISOString().slice(0, 10)

/**
 * What a rep should look at on `asOf`: the rep's signals, highest score first, and the KPIs of
 * the rep's customers (null when the rep owns none).
 */
export function repSignals (engine, repId, asOf) {
  const signals = engine.signals(asOf).filter((s) => s.repId === repId)
  const kpis = engine.kpis(asOf, 'rep').find((row) => row.repId === repId) ?? null
  return { repId, asOf, signals, kpis }
}

class HttpError extends Error {
  constructor (status, code, message) {
    super(message)
    this.status = status
    this.code = code
  }
}

async function readJson (req) {
  const chunks = []
  let size = 0
  for await (const chunk of req) {
    size += chunk.length
    if (size > MAX_BODY) throw new HttpError(413, 'PayloadTooLarge', `the body is over ${MAX_BODY} bytes`)
    chunks.push(chunk)
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'))
  } catch (err) {
    throw new HttpError(400, 'BadJson', `the body is not JSON: ${err.message}`)
  }
}

/** One event, an array of events, or {rows: [...]}: always an array of row objects. */
function rowsOf (body) {
  if (Array.isArray(body)) return body
  if (body && typeof body === 'object') return Array.isArray(body.rows) ? body.rows : [body]
  throw new HttpError(400, 'BadRequest', 'send a row object, an array of rows, or {rows: [...]}')
}

function send (res, status, body) {
  const text = JSON.stringify(body)
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) })
  res.end(text)
}

/** A request handler around `engine` (a new one when not given). */
export function createHandler ({ engine = new Engine(), answer = repSignals } = {}) {
  const handler = async (req, res) => {
    try {
      const url = new URL(req.url, 'http://localhost')
      const parts = url.pathname.split('/').filter(Boolean).map(decodeURIComponent)
      if (req.method === 'POST' && parts.length === 1 && TABLES[parts[0]]) {
        const report = await engine[TABLES[parts[0]]](rowsOf(await readJson(req)))
        return send(res, 200, report)
      }
      if (req.method === 'GET' && parts.length === 3 && parts[0] === 'reps' && parts[2] === 'signals') {
        return send(res, 200, answer(engine, parts[1], url.searchParams.get('asOf') ?? today()))
      }
      if (req.method === 'GET' && url.pathname === '/health') {
        return send(res, 200, engine.stats())
      }
      throw new HttpError(404, 'NotFound', `no route ${req.method} ${url.pathname}`)
    } catch (err) {
      // The engine's errors carry a code (SchemaError, InvalidArgumentError, ...): the caller's data.
      const status = err.status ?? (err.code && err.code !== 'PanicError' ? 400 : 500)
      send(res, status, { error: { code: err.code ?? 'InternalError', message: err.message } })
    }
  }
  handler.engine = engine
  return handler
}

/**
 * Starts the hook on `host:port` (port 0: any free port). Resolves to {server, url, engine,
 * close()}.
 */
export function start ({ port = 0, host = '127.0.0.1', engine, answer } = {}) {
  const handler = createHandler({ engine, answer })
  const server = http.createServer(handler)
  return new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, host, () => {
      const { port: bound } = server.address()
      resolve({
        server,
        engine: handler.engine,
        url: `http://${host}:${bound}`,
        close: () => new Promise((done) => { server.close(done); server.closeAllConnections() })
      })
    })
  })
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const hook = await start({ port: Number(process.env.PORT ?? 8787) })
  console.log(`salespulse CRM hook on ${hook.url}`)
}
