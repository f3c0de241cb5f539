/**
 * Per-request state lives under registered Symbols (never string properties), so separate subpath bundles (each with
 * its own copy of this module) agree on the keys, and nothing shows up in `JSON.stringify(req)` or `for…in`.
 */

/** The request's `ServerSpan` (on Node's `IncomingMessage`, Fastify's request, Koa's/Hono's context). */
export const SERVER_SPAN = Symbol.for('dualtrace.server-span');
