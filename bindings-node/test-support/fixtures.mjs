// Small hand-made tables of a distributor, as plain JS objects: the same rows as the Python
// suite's conftest.py. (This folder is not named `test`, so `node --test` does not run it.)
import { createRequire } from 'node:module'

const require = createRequire(import.meta.url)
/** The package as users load it: `require('salespulse')`. */
export const salespulse = require('../index.js')
export const { Engine } = salespulse

/** Six order lines of three customers over March 2024, camelCase keys and ISO date strings. */
export function orders () {
  return [
    { orderId: 'SO-1', lineNo: 1, customerId: 'C1', productId: 'P1', date: '2024-03-01', quantity: 2, netAmount: 19.8 },
    { orderId: 'SO-1', lineNo: 2, customerId: 'C1', productId: 'P2', date: '2024-03-01', quantity: 1, netAmount: 7.5 },
    { orderId: 'SO-2', lineNo: 1, customerId: 'C2', productId: 'P1', date: '2024-03-04', quantity: 5, netAmount: 49.5 },
    { orderId: 'SO-3', lineNo: 1, customerId: 'C3', productId: 'P3', date: '2024-03-05', quantity: 1, netAmount: 12.0 },
    { orderId: 'SO-4', lineNo: 1, customerId: 'C1', productId: 'P1', date: '2024-03-15', quantity: 3, netAmount: 29.7 },
    { orderId: 'SO-5', lineNo: 1, customerId: 'C2', productId: 'P2', date: '2024-03-20', quantity: 2, netAmount: 15.0 }
  ]
}

export const TOTAL_NET = 19.8 + 7.5 + 49.5 + 12.0 + 29.7 + 15.0

/** `camelCase` -> `snake_case` keys. */
export function snake (rows) {
  return rows.map((row) =>
    Object.fromEntries(Object.entries(row).map(([k, v]) => [k.replace(/[A-Z]/g, (c) => '_' + c.toLowerCase()), v]))
  )
}

export function customers () {
  return [
    { customerId: 'C1', repId: 'R1', segment: 'Retail', region: 'North', name: 'Alpha' },
    { customerId: 'C2', repId: 'R1', segment: 'Horeca', region: 'South', name: 'Beta' },
    { customerId: 'C3', repId: 'R2', segment: 'Retail', region: 'North', name: 'Gamma' }
  ]
}

export function reps () {
  return [
    { repId: 'R1', managerId: 'M1', name: 'Ann', email: 'ann@example.com', locale: 'en' },
    { repId: 'R2', managerId: 'M1', name: 'Bob', email: 'bob@example.com', locale: 'he' },
    { repId: 'M1', managerId: null, name: 'Meg', email: 'meg@example.com', locale: 'en' }
  ]
}

export function products () {
  return [
    { productId: 'P1', family: 'Coffee', listPrice: 10.0, name: 'Espresso 1kg' },
    { productId: 'P2', family: 'Tea', listPrice: 8.0, name: 'Green tea' },
    { productId: 'P3', family: 'Coffee', listPrice: 12.5, name: 'Decaf 1kg' }
  ]
}

export function deals () {
  return [
    { dealId: 'D1', customerId: 'C1', stage: 'Prospecting', stageEntered: new Date('2024-03-02'), repId: 'R1', amount: 1200, outcome: 'open' },
    { dealId: 'D2', customerId: 'C3', stage: 'Engaging', stageEntered: new Date('2024-03-10'), repId: 'R2', amount: 800, outcome: 'open' }
  ]
}

/** An engine holding every table of the small distributor. */
export async function loaded (config) {
  const engine = new Engine(config)
  await engine.ingestReps(reps())
  await engine.ingestCustomers(customers())
  await engine.ingestProducts(products())
  await engine.ingestOrders(orders())
  await engine.ingestDeals(deals())
  return engine
}

/** The stats without heapBytes, which depends on spare capacity. */
export function counts (engine) {
  const { heapBytes, ...rest } = engine.stats()
  return rest
}

/** The number of customers with a purchase on or before `asOf`. */
export function customersAt (engine, asOf) {
  return engine.kpis(asOf)[0].customers
}
