// Python and Node return the same weekly brief for the same input: both packages build it from
// the synthetic distributor (300 customers, seed 42) and this test compares the Markdown and
// HTML in both locales, the tasks table and the digests. It runs the Python package installed in
// `python3` (or $PYTHON); `scripts/test.sh` installs it first and sets SALESPULSE_PARITY=1, which
// makes a missing Python package a failure instead of a skip.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { salespulse, Engine, snake } from '../test-support/fixtures.mjs'

const PYTHON = process.env.PYTHON || 'python3'
const SCRIPT = `
import json, salespulse
data = salespulse.synth.distributor(customers=300, years=2, seed=42)
engine = salespulse.Engine()
for name in ("reps", "products", "customers", "orders", "deals"):
    getattr(engine, "ingest_" + name)(getattr(data, name))
brief = engine.weekly_brief(data.end)
tasks = brief.tasks_table(to="arrow").to_pylist()
for t in tasks:
    t["due"] = t["due"].isoformat()
digests = brief.digests
for d in digests:
    for t in d["top_tasks"]:
        t["due"] = t["due"].isoformat()
print(json.dumps({
    "md_en": brief.to_markdown("en"), "md_he": brief.to_markdown("he"),
    "html_en": brief.to_html("en"), "html_he": brief.to_html("he"),
    "tasks": tasks, "digests": digests,
}))
`

function pythonBrief () {
  const run = spawnSync(PYTHON, ['-c', SCRIPT], { encoding: 'utf8', maxBuffer: 1 << 28 })
  if (run.error || run.status !== 0) return { error: run.error?.message || run.stderr }
  return { value: JSON.parse(run.stdout) }
}

async function nodeBrief () {
  const data = salespulse.synth.distributor({ customers: 300, years: 2, seed: 42 })
  const engine = new Engine()
  await engine.ingestReps(data.reps)
  await engine.ingestProducts(data.products)
  await engine.ingestCustomers(data.customers)
  await engine.ingestOrders(data.orders)
  await engine.ingestDeals(data.deals)
  const brief = engine.weeklyBrief(data.end)
  const digests = brief.digests.map((d) => ({
    manager_id: d.managerId,
    manager_name: d.managerName ?? null,
    reps: d.reps,
    team_signals: snake(d.teamSignals).map((s) => ({ ...s, segment: s.segment ?? null, product_id: s.product_id ?? null })),
    kpis: snake(d.kpis).map((k) => ({ ...k, this_week: k.this_week ?? null, last_week: k.last_week ?? null })),
    top_tasks: snake(d.topTasks)
  }))
  return {
    md_en: brief.toMarkdown('en'),
    md_he: brief.toMarkdown('he'),
    html_en: brief.toHtml('en'),
    html_he: brief.toHtml('he'),
    tasks: snake(brief.tasks),
    digests
  }
}

test('Python and Node return the same weekly brief', async (t) => {
  const py = pythonBrief()
  if (py.error) {
    if (process.env.SALESPULSE_PARITY === '1') assert.fail(`the Python package did not run: ${py.error}`)
    t.skip(`the Python package is not installed in ${PYTHON} (run bindings-python/test.sh first)`)
    return
  }
  const js = await nodeBrief()
  assert.ok(js.tasks.length > 0)
  for (const key of ['md_en', 'md_he', 'html_en', 'html_he']) {
    assert.equal(js[key], py.value[key], `${key} differs`)
  }
  assert.deepEqual(js.tasks, py.value.tasks)
  assert.deepEqual(js.digests, py.value.digests)
})
